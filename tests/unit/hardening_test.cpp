// The process-settings parsers: limits, nice, ionice, sched, cpus, oom, capabilities, stop schedules.
#include <doctest/doctest.h>

#include <csignal>
#include <set>
#include <string>
#include <vector>

#include "hardening.hpp"
#include "sys/signals.hpp"

using namespace daemonize;

namespace {

bool mentions(const Error& e, std::string_view text) { return e.what.find(text) != std::string::npos; }

struct Named {
    const char* name;
    Resource resource;
};

// Every limit --limit knows, by its prlimit(1) name.
const std::vector<Named> all_limits{
    {"as", Resource::as},           {"core", Resource::core},         {"cpu", Resource::cpu},
    {"data", Resource::data},       {"fsize", Resource::fsize},       {"memlock", Resource::memlock},
    {"msgqueue", Resource::msgqueue}, {"nice", Resource::nice},       {"nofile", Resource::nofile},
    {"nproc", Resource::nproc},     {"rtprio", Resource::rtprio},     {"sigpending", Resource::sigpending},
    {"stack", Resource::stack},
};

// The limits measured in bytes (they take K, M and G).
const std::vector<Resource> byte_limits{Resource::as,    Resource::core,     Resource::data, Resource::fsize,
                                        Resource::memlock, Resource::msgqueue, Resource::stack};

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return s;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
}

std::string describe(const std::vector<StopStep>& steps) {
    std::string out;
    for (const auto& s : steps) {
        const char* kind = s.kind == StopStep::Kind::signal ? "sig" : s.kind == StopStep::Kind::wait ? "wait" : "repeat";
        out += std::string(out.empty() ? "" : " ") + kind + ":" + std::to_string(s.value);
    }
    return out;
}

Result<std::vector<StopStep>> schedule(std::string_view text, int signal = SIGTERM) {
    return parse_stop_schedule(text, signal, &daemonize::sys::parse_signal);
}

}  // namespace

TEST_CASE("parse_limit: every name, bare, with the RLIMIT_ prefix and in upper case") {
    for (const Named& limit : all_limits) {
        const std::string name = limit.name;
        const Resource resource = limit.resource;
        CAPTURE(name);
        CHECK(resource_name(resource) == name);
        for (const std::string& spelled : {std::string(name), upper(name), "RLIMIT_" + upper(name),
                                           "rlimit_" + std::string(name)}) {
            CAPTURE(spelled);
            auto l = parse_limit(spelled + "=7");
            REQUIRE(l);
            CHECK(l->resource == resource);
            CHECK(l->soft == 7);
            CHECK(l->hard == 7);
            CHECK_FALSE(l->hard_given);
        }
    }
}

TEST_CASE("parse_limit: unlimited and infinity, for every limit") {
    for (const Named& limit : all_limits) {
        const std::string name = limit.name;
        const Resource resource = limit.resource;
        CAPTURE(name);
        for (const char* word : {"unlimited", "infinity"}) {
            CAPTURE(word);
            auto l = parse_limit(std::string(name) + "=" + word);
            REQUIRE(l);
            CHECK(l->resource == resource);
            CHECK(l->soft == unlimited);
            CHECK(l->hard == unlimited);
        }
    }
    auto mixed = parse_limit("nofile=1024:unlimited");
    REQUIRE(mixed);
    CHECK(mixed->soft == 1024);
    CHECK(mixed->hard == unlimited);
    CHECK(mixed->hard_given);
}

TEST_CASE("parse_limit: sizes with K, M and G for the byte limits") {
    for (Resource r : byte_limits) {
        const std::string name(resource_name(r));
        CAPTURE(name);
        auto k = parse_limit(name + "=64K");
        REQUIRE(k);
        CHECK(k->soft == 64ULL << 10);
        auto m = parse_limit(name + "=8M");
        REQUIRE(m);
        CHECK(m->soft == 8ULL << 20);
        CHECK(m->hard == 8ULL << 20);
        auto g = parse_limit(name + "=1G:2G");
        REQUIRE(g);
        CHECK(g->resource == r);
        CHECK(g->soft == 1ULL << 30);
        CHECK(g->hard == 2ULL << 30);
        CHECK(g->hard_given);
        auto plain = parse_limit(name + "=4096");
        REQUIRE(plain);
        CHECK(plain->soft == 4096);
    }
}

TEST_CASE("parse_limit: core=0 turns core dumps off") {
    auto l = parse_limit("core=0");
    REQUIRE(l);
    CHECK(l->resource == Resource::core);
    CHECK(l->soft == 0);
    CHECK(l->hard == 0);
    CHECK_FALSE(l->hard_given);
    auto soft_only = parse_limit("core=0:unlimited");
    REQUIRE(soft_only);
    CHECK(soft_only->soft == 0);
    CHECK(soft_only->hard == unlimited);
}

TEST_CASE("parse_limit: SOFT:HARD, and a hard limit below the soft one is refused") {
    auto l = parse_limit("nofile=1024:4096");
    REQUIRE(l);
    CHECK(l->resource == Resource::nofile);
    CHECK(l->soft == 1024);
    CHECK(l->hard == 4096);
    CHECK(l->hard_given);
    auto same = parse_limit("nproc=50:50");
    REQUIRE(same);
    CHECK(same->soft == 50);
    CHECK(same->hard == 50);
    CHECK(same->hard_given);
    for (const char* bad : {"nofile=4096:1024", "nofile=unlimited:1024", "as=2G:1G", "stack=1M:1023K", "cpu=2:1"}) {
        CAPTURE(bad);
        auto r = parse_limit(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("parse_limit: an unknown name is refused, naming it and every known name") {
    for (const char* bad : {"nosuch=1", "RLIMIT_NOSUCH=1", "files=1", "rlimit_=1", "=1"}) {
        CAPTURE(bad);
        auto r = parse_limit(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        for (const auto& known : all_limits) {
            CAPTURE(known.name);
            CHECK(mentions(r.error(), known.name));
        }
    }
    CHECK(mentions(parse_limit("nosuch=1").error(), "nosuch"));
}

TEST_CASE("parse_limit: nice is 0 to 40, rtprio 0 to 99") {
    for (int n : {0, 1, 20, 40}) {
        CAPTURE(n);
        auto l = parse_limit("nice=" + std::to_string(n));
        REQUIRE(l);
        CHECK(l->resource == Resource::nice);
        CHECK(l->soft == static_cast<std::uint64_t>(n));
    }
    for (int n : {0, 1, 50, 99}) {
        CAPTURE(n);
        auto l = parse_limit("rtprio=" + std::to_string(n));
        REQUIRE(l);
        CHECK(l->resource == Resource::rtprio);
        CHECK(l->soft == static_cast<std::uint64_t>(n));
    }
    auto pair = parse_limit("rtprio=10:99");
    REQUIRE(pair);
    CHECK(pair->hard == 99);
    for (const char* bad : {"nice=41", "nice=-1", "nice=-20", "nice=100", "nice=10:41", "rtprio=100", "rtprio=-1",
                            "rtprio=1:100", "nice=1K", "rtprio=1K"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_limit(bad));
    }
}

TEST_CASE("parse_limit: garbage") {
    for (const char* bad : {"", "nofile", "nofile=", "nofile=abc", "nofile=-1", "nofile=+1", "nofile= 1",
                            "nofile=1 ", "nofile=1:", "nofile=:1", "nofile=1:2:3", "nofile=0x10", "nofile=1.5",
                            "nofile=unlimitedx", "nofile=Unlimited:", "as=1T", "as=1.5G", "as=G", "as=-1K",
                            "as=1KB", "as=", "core=", "cpu=1s", "nofile==1", "nofile=99999999999999999999999",
                            "as=17179869184G"}) {
        CAPTURE(bad);
        auto r = parse_limit(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK_FALSE(r.error().what.empty());
    }
}

TEST_CASE("parse_nice: -20 to 19") {
    CHECK(*parse_nice("-20") == -20);
    CHECK(*parse_nice("19") == 19);
    CHECK(*parse_nice("0") == 0);
    CHECK(*parse_nice("+5") == 5);
    CHECK(*parse_nice("-5") == -5);
    CHECK(*parse_nice("10") == 10);
    for (const char* bad : {"-21", "20", "", "x", "5x", "+", "-", "--5", "+-5", " 5", "5 ", "1.5", "100000000000"}) {
        CAPTURE(bad);
        auto r = parse_nice(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("parse_ionice: classes by name and number, levels 0 to 7") {
    struct Case {
        const char* text;
        IoClass cls;
        int level;
    };
    for (const Case& c : std::vector<Case>{
             {"idle", IoClass::idle, 0},
             {"3", IoClass::idle, 0},
             {"best-effort", IoClass::best_effort, 4},
             {"be", IoClass::best_effort, 4},
             {"2", IoClass::best_effort, 4},
             {"realtime", IoClass::realtime, 4},
             {"rt", IoClass::realtime, 4},
             {"1", IoClass::realtime, 4},
             {"best-effort:0", IoClass::best_effort, 0},
             {"be:7", IoClass::best_effort, 7},
             {"2:6", IoClass::best_effort, 6},
             {"realtime:1", IoClass::realtime, 1},
             {"rt:0", IoClass::realtime, 0},
             {"1:7", IoClass::realtime, 7},
         }) {
        CAPTURE(c.text);
        auto p = parse_ionice(c.text);
        REQUIRE(p);
        CHECK(p->cls == c.cls);
        CHECK(p->level == c.level);
    }
    for (const char* bad : {"idle:3", "idle:0", "3:0", "be:8", "rt:8", "2:8", "be:", "be:x", "be:-1", "be:+1",
                            "", "0", "4", "nosuch", "best", "be:1:2", ":3"}) {
        CAPTURE(bad);
        auto r = parse_ionice(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("parse_sched: policies and realtime priorities") {
    struct Case {
        const char* text;
        SchedPolicy policy;
        int priority;
    };
    for (const Case& c : std::vector<Case>{
             {"other", SchedPolicy::other, 0},
             {"batch", SchedPolicy::batch, 0},
             {"idle", SchedPolicy::idle, 0},
             {"other:0", SchedPolicy::other, 0},
             {"fifo:1", SchedPolicy::fifo, 1},
             {"fifo:50", SchedPolicy::fifo, 50},
             {"rr:99", SchedPolicy::rr, 99},
             {"rr:1", SchedPolicy::rr, 1},
         }) {
        CAPTURE(c.text);
        auto s = parse_sched(c.text);
        REQUIRE(s);
        CHECK(s->policy == c.policy);
        CHECK(s->priority == c.priority);
    }
    for (auto p : {SchedPolicy::other, SchedPolicy::batch, SchedPolicy::idle, SchedPolicy::fifo, SchedPolicy::rr}) {
        auto s = parse_sched(std::string(sched_name(p)) + ":10");
        if (p == SchedPolicy::fifo || p == SchedPolicy::rr) {
            REQUIRE(s);
            CHECK(s->policy == p);
        } else {
            CHECK_FALSE(s);
        }
    }
}

TEST_CASE("parse_sched: fifo and rr need a priority, the others take none") {
    auto fifo = parse_sched("fifo");
    REQUIRE_FALSE(fifo);
    CHECK(fifo.error().code == ExitCode::failure);
    CHECK(mentions(fifo.error(), "fifo:10"));
    auto rr = parse_sched("rr");
    REQUIRE_FALSE(rr);
    CHECK(mentions(rr.error(), "rr:10"));
    for (const char* bad : {"fifo:0", "fifo:100", "rr:0", "rr:100", "fifo:", "fifo:x", "fifo:-1", "fifo:+5",
                            "batch:5", "idle:1", "other:1", "other:", "", "deadline", "fifo:1:2", ":5"}) {
        CAPTURE(bad);
        auto r = parse_sched(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("parse_cpus: lists and ranges, sorted, without duplicates") {
    CHECK(*parse_cpus("0-3,6") == std::vector<unsigned>{0, 1, 2, 3, 6});
    CHECK(*parse_cpus("0") == std::vector<unsigned>{0});
    CHECK(*parse_cpus("5") == std::vector<unsigned>{5});
    CHECK(*parse_cpus("2-2") == std::vector<unsigned>{2});
    CHECK(*parse_cpus("6,0-3") == std::vector<unsigned>{0, 1, 2, 3, 6});
    CHECK(*parse_cpus("3,1,2,1") == std::vector<unsigned>{1, 2, 3});
    CHECK(*parse_cpus("0-4,2-6,5") == std::vector<unsigned>{0, 1, 2, 3, 4, 5, 6});
    CHECK(*parse_cpus("7,7,7") == std::vector<unsigned>{7});
    CHECK(*parse_cpus("0-7", 8) == std::vector<unsigned>{0, 1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("parse_cpus: malformed lists are refused") {
    for (const char* bad : {"3-1", "", ",", "a", "1-", "-1", "1,", ",1", "1,,2", "1-2-3", " 1", "1 ", "0x1", "1--2",
                            "+1", "1-a", "all"}) {
        CAPTURE(bad);
        auto r = parse_cpus(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("parse_cpus: a CPU the machine does not have is refused, by its number") {
    auto single = parse_cpus("0,9,1", 4);
    REQUIRE_FALSE(single);
    CHECK(single.error().code == ExitCode::failure);
    CHECK(mentions(single.error(), "CPU 9"));
    auto edge = parse_cpus("4", 4);
    REQUIRE_FALSE(edge);
    CHECK(mentions(edge.error(), "CPU 4"));
    auto range = parse_cpus("1-12", 8);
    REQUIRE_FALSE(range);
    CHECK(mentions(range.error(), "12"));
    CHECK(parse_cpus("3", 4));
    CHECK_FALSE(parse_cpus("0-4294967295"));
}

TEST_CASE("parse_oom_score_adj: -1000 to 1000") {
    CHECK(*parse_oom_score_adj("-1000") == -1000);
    CHECK(*parse_oom_score_adj("1000") == 1000);
    CHECK(*parse_oom_score_adj("0") == 0);
    CHECK(*parse_oom_score_adj("-500") == -500);
    CHECK(*parse_oom_score_adj("+17") == 17);
    for (const char* bad : {"-1001", "1001", "", "x", "1e3", "-", "100 ", "99999999999"}) {
        CAPTURE(bad);
        auto r = parse_oom_score_adj(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("capability_number: kernel names, bare upper-case names and numbers") {
    CHECK(capability_number("cap_net_bind_service") == 10);
    CHECK(capability_number("NET_BIND_SERVICE") == 10);
    CHECK(capability_number("CAP_NET_BIND_SERVICE") == 10);
    CHECK(capability_number("net_bind_service") == 10);
    CHECK(capability_number("10") == 10);
    CHECK(capability_number("0") == 0);
    CHECK(capability_number("cap_chown") == 0);
    CHECK(capability_number("cap_kill") == 5);
    CHECK(capability_number("cap_setpcap") == 8);
    CHECK(capability_number("cap_sys_admin") == 21);
    CHECK(capability_number("cap_sys_time") == 25);
    CHECK(capability_number("cap_setfcap") == 31);
    CHECK(capability_number("cap_perfmon") == 38);
    CHECK(capability_number("cap_bpf") == 39);
    CHECK(capability_number("cap_checkpoint_restore") == 40);
    for (const char* bad : {"", "cap_", "cap_nosuch", "nosuch", "net bind service", "cap-net-bind-service", "-1",
                            " cap_chown", "cap_chown ", "10x"}) {
        CAPTURE(bad);
        CHECK_FALSE(capability_number(bad));
    }
}

TEST_CASE("capability_name: round-trips for every known capability") {
    const int last = last_known_capability();
    CHECK(last >= 40);  // cap_checkpoint_restore
    std::set<std::string> names;
    for (int n = 0; n <= last; ++n) {
        CAPTURE(n);
        const std::string name = capability_name(n);
        CAPTURE(name);
        REQUIRE(name.starts_with("cap_"));
        CHECK(name.size() > 4);
        CHECK(name == lower(name));
        CHECK(capability_number(name) == n);
        CHECK(capability_number(upper(name.substr(4))) == n);
        CHECK(capability_number(std::to_string(n)) == n);
        names.insert(name);
    }
    CHECK(names.size() == static_cast<size_t>(last + 1));
    CHECK(capability_name(10) == "cap_net_bind_service");
    CHECK(capability_name(0) == "cap_chown");
    CHECK(capability_name(40) == "cap_checkpoint_restore");
    CHECK(capability_name(last + 1) == std::to_string(last + 1));
}

TEST_CASE("parse_capabilities: sorted and unique, unknown names refused by name") {
    CHECK(*parse_capabilities("cap_net_bind_service") == std::vector<int>{10});
    CHECK(*parse_capabilities("cap_sys_time,cap_net_bind_service,cap_chown") == std::vector<int>{0, 10, 25});
    CHECK(*parse_capabilities("cap_kill,KILL,5,cap_chown,cap_kill") == std::vector<int>{0, 5});
    CHECK(*parse_capabilities("NET_ADMIN,net_raw") == std::vector<int>{12, 13});
    auto unknown = parse_capabilities("cap_chown,cap_nosuch,cap_kill");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ExitCode::failure);
    CHECK(mentions(unknown.error(), "cap_nosuch"));
    for (const char* bad : {"", ",", "cap_chown,", ",cap_chown", "cap_chown,,cap_kill", "cap_chown cap_kill"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_capabilities(bad));
    }
}

TEST_CASE("parse_stop_schedule: a number of seconds is SIG/N/KILL/N") {
    using K = StopStep::Kind;
    auto s = schedule("30");
    REQUIRE(s);
    CAPTURE(describe(*s));
    REQUIRE(s->size() == 4);
    CHECK((*s)[0].kind == K::signal);
    CHECK((*s)[0].value == SIGTERM);
    CHECK((*s)[1].kind == K::wait);
    CHECK((*s)[1].value == 30000);
    CHECK((*s)[2].kind == K::signal);
    CHECK((*s)[2].value == SIGKILL);
    CHECK((*s)[3].kind == K::wait);
    CHECK((*s)[3].value == 30000);

    auto hup = schedule("2.5", SIGHUP);  // the --signal given, then KILL
    REQUIRE(hup);
    CAPTURE(describe(*hup));
    REQUIRE(hup->size() == 4);
    CHECK((*hup)[0].value == SIGHUP);
    CHECK((*hup)[1].value == 2500);
    CHECK((*hup)[2].value == SIGKILL);
    CHECK((*hup)[3].value == 2500);
}

TEST_CASE("parse_stop_schedule: signals and waits in the order given") {
    using K = StopStep::Kind;
    auto s = schedule("TERM/30/KILL/5");
    REQUIRE(s);
    CAPTURE(describe(*s));
    REQUIRE(s->size() == 4);
    CHECK((*s)[0].kind == K::signal);
    CHECK((*s)[0].value == SIGTERM);
    CHECK((*s)[1].kind == K::wait);
    CHECK((*s)[1].value == 30000);
    CHECK((*s)[2].kind == K::signal);
    CHECK((*s)[2].value == SIGKILL);
    CHECK((*s)[3].kind == K::wait);
    CHECK((*s)[3].value == 5000);

    auto dash = schedule("-TERM/1", SIGHUP);  // the schedule's signal, not --signal's
    REQUIRE(dash);
    CAPTURE(describe(*dash));
    REQUIRE(dash->size() == 2);
    CHECK((*dash)[0].kind == K::signal);
    CHECK((*dash)[0].value == SIGTERM);
    CHECK((*dash)[1].kind == K::wait);
    CHECK((*dash)[1].value == 1000);

    auto numbers = schedule("-15/0.5/SIGUSR1/2/-9/1");
    REQUIRE(numbers);
    CAPTURE(describe(*numbers));
    REQUIRE(numbers->size() == 6);
    CHECK((*numbers)[0].value == SIGTERM);
    CHECK((*numbers)[1].value == 500);
    CHECK((*numbers)[2].kind == K::signal);
    CHECK((*numbers)[2].value == SIGUSR1);
    CHECK((*numbers)[4].kind == K::signal);
    CHECK((*numbers)[4].value == SIGKILL);
}

TEST_CASE("parse_stop_schedule: forever repeats what follows it") {
    using K = StopStep::Kind;
    auto s = schedule("HUP/5/forever/TERM/10");
    REQUIRE(s);
    CAPTURE(describe(*s));
    REQUIRE(s->size() == 5);
    CHECK((*s)[0].kind == K::signal);
    CHECK((*s)[0].value == SIGHUP);
    CHECK((*s)[1].kind == K::wait);
    CHECK((*s)[1].value == 5000);
    CHECK((*s)[2].kind == K::signal);
    CHECK((*s)[2].value == SIGTERM);
    CHECK((*s)[3].kind == K::wait);
    CHECK((*s)[3].value == 10000);
    CHECK((*s)[4].kind == K::repeat);
    CHECK((*s)[4].value == 2);  // back to TERM, the step after HUP/5

    auto all = schedule("forever/TERM/1");
    REQUIRE(all);
    CAPTURE(describe(*all));
    REQUIRE(all->size() == 3);
    CHECK((*all)[2].kind == K::repeat);
    CHECK((*all)[2].value == 0);
}

TEST_CASE("parse_stop_schedule: bad schedules") {
    for (const char* bad : {
             "TERM/5/forever/KILL/5/forever",  // forever twice
             "forever/forever/TERM/5",
             "TERM/5/forever",                 // forever last: nothing to repeat
             "forever",
             "TERM/KILL",                      // only signals: never waits
             "TERM",
             "-KILL",
             "TERM/5/forever/KILL",            // repeats signals without waiting
             "forever/TERM/0",                 // repeats signals with no pause
             "TERM//5",                        // empty items
             "/TERM/5",
             "TERM/5/",
             "",
             "/",
             "-/5",
             "NOSUCH/5",                       // unknown signal
             "-NOSUCH/5",
             "TERM/5/SIGNOPE/1",
             "TERM/5x",
             "TERM/-",
             "FOREVER/TERM/5/x",
         }) {
        CAPTURE(bad);
        auto r = schedule(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK_FALSE(r.error().what.empty());
    }
    CHECK(mentions(schedule("NOSUCH/5").error(), "NOSUCH"));
}
