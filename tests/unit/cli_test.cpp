// CLI → Options: what each word of the command line turns into.
#include <doctest/doctest.h>

#include "cli.hpp"
#include "parse_words.hpp"

using namespace daemonize;


TEST_CASE("cli: defaults") {
    auto r = parse({"sleep", "10"});
    REQUIRE(r);
    const Options& o = r->options;
    CHECK(r->action == Action::run);
    CHECK(o.command == std::vector<std::string>{"sleep", "10"});
    CHECK(o.chdir == "/");
    CHECK(o.umask == 022);
    CHECK(o.stdio.in.empty());
    CHECK(o.stdio.out.empty());
    CHECK(o.stdio.err.empty());
    CHECK_FALSE(o.stdio.truncate);
    CHECK(o.pidfile.empty());
    CHECK(o.env.empty());
    CHECK(o.verbosity == Verbosity::normal);
}

TEST_CASE("cli: every option lands in its field") {
    auto r = parse({"-c", "/srv", "-m", "027", "-i", "in", "-o", "out", "-e", "err", "--truncate", "-p",
                    "x.pid", "-u", "nobody:nogroup", "-g", "nogroup", "-E", "A=1", "--env", "B=x=y", "-v",
                    "--", "app"});
    REQUIRE(r);
    const Options& o = r->options;
    CHECK(o.chdir == "/srv");
    CHECK(o.umask == 027);
    CHECK(o.stdio.in == "in");
    CHECK(o.stdio.out == "out");
    CHECK(o.stdio.err == "err");
    CHECK(o.stdio.truncate);
    CHECK(o.pidfile == "x.pid");
    CHECK(o.identity.user == "nobody:nogroup");
    CHECK(o.identity.group == "nogroup");
    REQUIRE(o.env.size() == 2);
    CHECK(o.env[0] == std::pair<std::string, std::string>{"A", "1"});
    CHECK(o.env[1] == std::pair<std::string, std::string>{"B", "x=y"});
    CHECK(o.verbosity == Verbosity::verbose);
    CHECK(o.command == std::vector<std::string>{"app"});
}

TEST_CASE("cli: long options with =, short options glued to their value") {
    auto r = parse({"--pidfile=a.pid", "-ob.log", "--umask=0077", "true"});
    REQUIRE(r);
    CHECK(r->options.pidfile == "a.pid");
    CHECK(r->options.stdio.out == "b.log");
    CHECK(r->options.umask == 077);
}

TEST_CASE("cli: options stop at the first non-option word") {
    auto r = parse({"-p", "x.pid", "ls", "-l", "--pidfile", "y", "--"});
    REQUIRE(r);
    CHECK(r->options.pidfile == "x.pid");
    CHECK(r->options.command == std::vector<std::string>{"ls", "-l", "--pidfile", "y", "--"});
}

TEST_CASE("cli: a leading -- is dropped, later ones are the command's") {
    auto r = parse({"-v", "--", "--", "x"});
    REQUIRE(r);
    CHECK(r->options.command == std::vector<std::string>{"--", "x"});

    auto dash = parse({"--", "-weird-name", "--flag"});
    REQUIRE(dash);
    CHECK(dash->options.command == std::vector<std::string>{"-weird-name", "--flag"});
}

TEST_CASE("cli: -E takes exactly one word each time") {
    auto r = parse({"-E", "A=1", "ls", "-l"});
    REQUIRE(r);
    CHECK(r->options.env.size() == 1);
    CHECK(r->options.command == std::vector<std::string>{"ls", "-l"});
}

TEST_CASE("cli: an unknown option is a usage error, not the command") {
    for (auto words : std::vector<std::vector<std::string>>{{"--bogus", "ls"}, {"-v", "--bogus"}, {"-Z", "ls"}}) {
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK(r.error().what.find("--help") != std::string::npos);
    }
    auto r = parse({"--bogus", "ls"});
    CHECK(r.error().what.find("'--bogus'") != std::string::npos);
}

TEST_CASE("cli: a command is required") {
    for (auto words : std::vector<std::vector<std::string>>{{}, {"-p", "x.pid"}, {"--"}, {"-v", "--"}}) {
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK(r.error().what.find("no command") != std::string::npos);
    }
}

TEST_CASE("cli: an option without its value") {
    auto r = parse({"-p"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::failure);
    CHECK(r.error().what.find("--pidfile") != std::string::npos);
}

TEST_CASE("cli: empty values are refused, never taken as the default") {
    for (const char* opt : {"--pidfile", "-o", "-e", "-i", "-c", "-u", "-g", "-m", "--stop-timeout",
                            "--restart-delay", "--max-restarts", "--log-max-size"}) {
        CAPTURE(opt);
        auto r = parse({opt, "", "true"});
        REQUIRE_FALSE(r);
        CHECK(r.error().what.find("empty") != std::string::npos);
    }
}

TEST_CASE("cli: -v and -q exclude each other") {
    auto r = parse({"-v", "-q", "true"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::failure);
    auto q = parse({"-q", "true"});
    REQUIRE(q);
    CHECK(q->options.verbosity == Verbosity::quiet);
}

TEST_CASE("cli: --help and --version win over a missing command") {
    auto h = parse({"--help"});
    REQUIRE(h);
    CHECK(h->action == Action::help);
    CHECK(h->text.find("--pidfile") != std::string::npos);
    CHECK(h->text.find("Examples") != std::string::npos);
    auto v = parse({"-V"});
    REQUIRE(v);
    CHECK(v->action == Action::version);
    CHECK(v->text == std::string("daemonize ") + DAEMONIZE_VERSION + "\n");
}

TEST_CASE("cli: bad umask and env values") {
    CHECK_FALSE(parse({"-m", "8", "true"}));
    CHECK_FALSE(parse({"-m", "1000", "true"}));
    CHECK_FALSE(parse({"-E", "NOEQUALS", "true"}));
    CHECK_FALSE(parse({"-E", "=value", "true"}));
}

TEST_CASE("parse_umask") {
    CHECK(*parse_umask("0") == 0);
    CHECK(*parse_umask("022") == 022);
    CHECK(*parse_umask("777") == 0777);
    CHECK(*parse_umask("0777") == 0777);
    CHECK_FALSE(parse_umask(""));
    CHECK_FALSE(parse_umask("9"));
    CHECK_FALSE(parse_umask("-1"));
    CHECK_FALSE(parse_umask("0o22"));
    CHECK_FALSE(parse_umask("01000"));
    CHECK_FALSE(parse_umask("00000"));
}

TEST_CASE("parse_env_assignment") {
    CHECK(*parse_env_assignment("A=") == std::pair<std::string, std::string>{"A", ""});
    CHECK(*parse_env_assignment("PATH=/a:/b") == std::pair<std::string, std::string>{"PATH", "/a:/b"});
    CHECK_FALSE(parse_env_assignment("A"));
    CHECK_FALSE(parse_env_assignment("=A"));
    CHECK_FALSE(parse_env_assignment(""));
}

TEST_CASE("cli: supervision options") {
    auto r = parse({"-r", "-n", "4", "--max-restarts", "5/60", "--restart-delay", "0.5:10", "--success-exit", "0,3",
                    "--stop-timeout", "2.5", "worker"});
    REQUIRE(r);
    const SuperviseOptions& s = r->options.supervise;
    CHECK(s.active());
    CHECK_FALSE(s.plain_init());
    CHECK(s.restart == RestartPolicy::on_failure);
    CHECK(s.instances == 4);
    CHECK(s.max_restarts.count == 5);
    CHECK(s.max_restarts.window == std::chrono::milliseconds(60000));
    CHECK(s.delay.min == std::chrono::milliseconds(500));
    CHECK(s.delay.max == std::chrono::milliseconds(10000));
    CHECK(s.success_exit == std::vector<int>{0, 3});
    CHECK(s.stop_timeout == std::chrono::milliseconds(2500));
}

TEST_CASE("cli: supervision defaults, and what makes daemonize resident") {
    auto plain = parse({"app"});
    REQUIRE(plain);
    CHECK_FALSE(plain->options.supervise.active());
    CHECK(plain->options.supervise.delay.min == std::chrono::milliseconds(100));
    CHECK(plain->options.supervise.delay.max == std::chrono::milliseconds(30000));
    CHECK(plain->options.supervise.stop_timeout == std::chrono::milliseconds(10000));
    CHECK(plain->options.supervise.max_restarts.count == -1);

    auto fg = parse({"-f", "app"});
    REQUIRE(fg);
    CHECK(fg->options.supervise.active());
    CHECK(fg->options.supervise.plain_init());

    auto n = parse({"-n", "0", "app"});
    REQUIRE(n);
    CHECK(n->options.supervise.active());
    CHECK(n->options.supervise.instances == 0);
    CHECK(n->options.supervise.restart == RestartPolicy::no);

    auto always = parse({"--restart", "always", "app"});
    REQUIRE(always);
    CHECK(always->options.supervise.restart == RestartPolicy::always);
}

TEST_CASE("cli: supervision option errors") {
    CHECK_FALSE(parse({"-r", "--restart", "always", "app"}));       // two policies
    CHECK_FALSE(parse({"--restart", "sometimes", "app"}));
    CHECK_FALSE(parse({"-n", "-1", "app"}));
    CHECK_FALSE(parse({"-n", "10001", "app"}));
    CHECK_FALSE(parse({"-r", "--max-restarts", "x", "app"}));
    CHECK_FALSE(parse({"-r", "-n", "2", "--child-pidfile", "c.pid", "app"}));
    auto idle = parse({"--max-restarts", "3", "app"});  // nothing to limit
    REQUIRE_FALSE(idle);
    CHECK(idle.error().what.find("only applies when supervising") != std::string::npos);
    CHECK(parse({"-r", "--child-pidfile", "c.pid", "app"}));
}

TEST_CASE("cli: readiness options") {
    auto r = parse({"-w", "--ready-timeout", "2.5", "srv"});
    REQUIRE(r);
    CHECK(r->options.ready.wait);
    CHECK(r->options.ready.timeout == Millis{2500});
    CHECK(r->options.ready.fd == -1);
    CHECK(r->options.ready.timeout == Millis{2500});
    auto fd = parse({"--ready-fd", "3", "srv"});
    REQUIRE(fd);
    CHECK(fd->options.ready.wait);  // implied
    CHECK(fd->options.ready.fd == 3);
    CHECK(parse({"-w", "srv"})->options.ready.timeout == Millis{60000});
    CHECK(parse({"-w", "--ready-timeout", "0", "srv"})->options.ready.timeout == Millis{0});
    CHECK(parse({"-w", "--stop-timeout", "1", "srv"}));  // how long the stop after a timeout waits
    for (std::vector<std::string> bad : {std::vector<std::string>{"--ready-timeout", "5", "srv"},
                                         {"--ready-fd", "2", "srv"}, {"--ready-fd", "x", "srv"},
                                         {"-w", "--ready-timeout", "soon", "srv"}, {"-w", "-p", "x", "--status"}}) {
        auto e = parse(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().code == ExitCode::failure);
    }
}

TEST_CASE("cli: --timestamps and --syslog take a value only after '='") {
    auto r = parse({"--timestamps", "--syslog", "python3", "app.py"});
    REQUIRE(r);
    CHECK(r->options.command == std::vector<std::string>{"python3", "app.py"});
    CHECK(r->options.log.timestamps == TimeFormat::iso);
    CHECK(r->options.log.syslog);
    CHECK(r->options.log.syslog_tag.empty());
    auto v = parse({"--timestamps=unix", "--syslog=web", "srv"});
    REQUIRE(v);
    CHECK(v->options.log.timestamps == TimeFormat::unix_seconds);
    CHECK(v->options.log.syslog_tag == "web");
    CHECK_FALSE(parse({"--timestamps=rfc", "srv"}));
    CHECK_FALSE(parse({"--syslog=a b", "srv"}));
    // "=" with nothing after it names nothing: an error, not the default...
    for (const char* empty : {"--timestamps=", "--syslog="}) {
        CAPTURE(empty);
        auto e = parse({empty, "srv"});
        REQUIRE_FALSE(e);
        CHECK(e.error().what.find("empty") != std::string::npos);
    }
    // ...but the same words as the command's own arguments are the command's.
    auto c = parse({"-f", "--", "tool", "--timestamps=", "--syslog="});
    REQUIRE(c);
    CHECK(c->options.command == std::vector<std::string>{"tool", "--timestamps=", "--syslog="});
}

TEST_CASE("cli: --signal with an empty name") {
    auto r = parse({"--signal", "", "-p", "x.pid"});
    REQUIRE_FALSE(r);
    CHECK(r.error().what.find("empty") != std::string::npos);
}

TEST_CASE("cli: numbers are range-checked, never wrapped") {
    auto big = parse({"-r", "--stop-timeout", "4294967.296", "true"});
    REQUIRE(big);
    CHECK(big->options.supervise.stop_timeout == std::chrono::milliseconds(4294967296LL));
    for (auto words : std::vector<std::vector<std::string>>{
             {"-r", "--stop-timeout", "100000000.5", "true"},
             {"--log-max-size", "17179869185G", "-o", "x", "true"},
             {"-n", "10001", "true"},
             {"-r", "--max-restarts", "1000001", "true"},
             {"-m", "1000", "true"},
             {"-m", "-1", "true"},
             {"--ready-fd", "65536", "true"},
             {"--ready-fd", "2", "true"},
             {"-r", "--success-exit", "256", "true"},
             {"--signal", "65", "-p", "x"}}) {
        CAPTURE(words.front());
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
    }
}

TEST_CASE("cli: --pidfile and --child-pidfile may not be the same file") {
    auto r = parse({"-r", "-p", "a.pid", "--child-pidfile", "a.pid", "true"});
    REQUIRE_FALSE(r);
    CHECK(r.error().what.find("same file") != std::string::npos);
}

TEST_CASE("cli: a log option makes daemonize a supervisor that captures the output") {
    auto r = parse({"--timestamps", "-o", "app.log", "srv"});
    REQUIRE(r);
    CHECK(r->options.supervise.active());
    CHECK(r->options.supervise.for_logging);
    CHECK(r->options.supervise.capture);
    CHECK_FALSE(r->options.supervise.plain_init());
    // Supervising with files: captured; without files or supervision: not.
    CHECK(parse({"-r", "-o", "x.log", "srv"})->options.supervise.capture);
    CHECK_FALSE(parse({"-r", "srv"})->options.supervise.capture);
    CHECK_FALSE(parse({"-o", "x.log", "srv"})->options.supervise.capture);
    CHECK_FALSE(parse({"-r", "--timestamps", "srv"})->options.supervise.for_logging);
    auto rot = parse({"-r", "--log-max-size", "10M", "--log-keep", "2", "-o", "x.log", "srv"});
    REQUIRE(rot);
    CHECK(rot->options.log.max_size == 10ULL << 20);
    CHECK(rot->options.log.keep == 2);
    CHECK(parse({"-n", "2", "-o", "x-%i.log", "srv"}));
    for (std::vector<std::string> bad : {std::vector<std::string>{"--log-max-size", "1M", "srv"},
                                         {"--log-keep", "3", "-o", "x", "srv"},
                                         {"-r", "--log-max-size", "1X", "-o", "x", "srv"},
                                         {"-o", "x-%i.log", "srv"},
                                         {"--log-prefix", "-p", "x.pid", "--status"}}) {
        CHECK_FALSE(parse(bad));
    }
}

TEST_CASE("cli: environment and process options are off by default") {
    auto r = parse({"app"});
    REQUIRE(r);
    const Options& o = r->options;
    CHECK(o.env_files.empty());
    CHECK_FALSE(o.clear_env);
    CHECK(o.unset_env.empty());
    CHECK_FALSE(o.harden.any());
    CHECK(o.harden.chroot.empty());
    CHECK_FALSE(o.harden.nice);
    CHECK(o.harden.limits.empty());
    CHECK(o.min_uptime == Millis{0});
    CHECK(o.stop_schedule.empty());
}

TEST_CASE("cli: environment options land in their fields") {
    auto r = parse({"--env-file", "a.env", "--env-file=-optional.env", "--env-file", "/etc/b.env", "--clear-env",
                    "--unset", "A", "--unset=B_2", "-E", "C=1", "app"});
    REQUIRE(r);
    const Options& o = r->options;
    CHECK(o.env_files == std::vector<std::string>{"a.env", "-optional.env", "/etc/b.env"});
    CHECK(o.clear_env);
    CHECK(o.unset_env == std::vector<std::string>{"A", "B_2"});
    CHECK(o.env == std::vector<std::pair<std::string, std::string>>{{"C", "1"}});
    CHECK(o.command == std::vector<std::string>{"app"});
}

TEST_CASE("cli: process options land in their fields") {
    auto r = parse({"--chroot", "/jail", "--nice", "-5", "--ionice", "be:2", "--sched", "rr:5", "--cpus", "2,0-1",
                    "--oom-score-adj", "-500", "--limit", "nofile=1024", "--limit", "core=0", "--limit",
                    "NOFILE=2048:4096", "--no-new-privs", "--keep-caps", "cap_net_bind_service,cap_chown",
                    "--cap-bound", "--min-uptime", "1.5", "app", "--nice", "3"});
    REQUIRE(r);
    const Options& o = r->options;
    const HardenOptions& h = o.harden;
    CHECK(h.any());
    CHECK(h.chroot == "/jail");
    REQUIRE(h.nice);
    CHECK(*h.nice == -5);
    REQUIRE(h.ionice);
    CHECK(h.ionice->cls == IoClass::best_effort);
    CHECK(h.ionice->level == 2);
    REQUIRE(h.sched);
    CHECK(h.sched->policy == SchedPolicy::rr);
    CHECK(h.sched->priority == 5);
    CHECK(h.cpus == std::vector<unsigned>{0, 1, 2});
    REQUIRE(h.oom_score_adj);
    CHECK(*h.oom_score_adj == -500);
    // One limit per resource: the last --limit for a name wins.
    REQUIRE(h.limits.size() == 2);
    int nofile = 0;
    int core = 0;
    for (const Limit& l : h.limits) {
        if (l.resource == Resource::nofile) {
            ++nofile;
            CHECK(l.soft == 2048);
            CHECK(l.hard == 4096);
        } else if (l.resource == Resource::core) {
            ++core;
            CHECK(l.soft == 0);
            CHECK(l.hard == 0);
        }
    }
    CHECK(nofile == 1);
    CHECK(core == 1);
    CHECK(h.no_new_privs);
    CHECK(h.keep_caps_given);
    CHECK(h.keep_caps == std::vector<int>{0, 10});
    CHECK(h.cap_bound);
    CHECK(o.min_uptime == Millis{1500});
    CHECK(o.command == std::vector<std::string>{"app", "--nice", "3"});
}

TEST_CASE("cli: negative numbers as option values, with and without '='") {
    for (auto words : std::vector<std::vector<std::string>>{{"--nice", "-5", "app"}, {"--nice=-5", "app"}}) {
        CAPTURE(words.front());
        auto r = parse(words);
        REQUIRE(r);
        REQUIRE(r->options.harden.nice);
        CHECK(*r->options.harden.nice == -5);
        CHECK(r->options.command == std::vector<std::string>{"app"});
    }
    for (auto words : std::vector<std::vector<std::string>>{{"--oom-score-adj", "-500", "app"},
                                                             {"--oom-score-adj=-500", "app"}}) {
        CAPTURE(words.front());
        auto r = parse(words);
        REQUIRE(r);
        REQUIRE(r->options.harden.oom_score_adj);
        CHECK(*r->options.harden.oom_score_adj == -500);
    }
    auto plus = parse({"--nice", "+5", "app"});
    REQUIRE(plus);
    CHECK(*plus->options.harden.nice == 5);
}

TEST_CASE("cli: each process option alone counts as hardening") {
    for (auto words : std::vector<std::vector<std::string>>{
             {"--chroot", "/j"}, {"--nice", "0"}, {"--ionice", "idle"}, {"--sched", "batch"}, {"--cpus", "0"},
             {"--oom-score-adj", "0"}, {"--limit", "core=0"}, {"--no-new-privs"}, {"--keep-caps", "cap_chown"},
             {"--cap-bound"}}) {
        CAPTURE(words.front());
        words.push_back("app");
        auto r = parse(words);
        REQUIRE(r);
        CHECK(r->options.harden.any());
    }
}

TEST_CASE("cli: --stop --retry sets the stop schedule") {
    auto r = parse({"--stop", "-p", "F", "--retry", "TERM/5/KILL/1"});
    REQUIRE(r);
    CHECK(r->options.verb == Verb::stop);
    const auto& s = r->options.stop_schedule;
    REQUIRE(s.size() == 4);
    CHECK(s[0].kind == StopStep::Kind::signal);
    CHECK(s[0].value == 15);
    CHECK(s[1].kind == StopStep::Kind::wait);
    CHECK(s[1].value == 5000);
    CHECK(s[2].kind == StopStep::Kind::signal);
    CHECK(s[2].value == 9);
    CHECK(s[3].kind == StopStep::Kind::wait);
    CHECK(s[3].value == 1000);
    // A plain number uses --signal's signal, then KILL.
    auto n = parse({"--stop", "--signal", "HUP", "-p", "F", "--retry", "7"});
    REQUIRE(n);
    REQUIRE(n->options.stop_schedule.size() == 4);
    CHECK(n->options.stop_schedule[0].value == 1);
    CHECK(n->options.stop_schedule[1].value == 7000);
    CHECK(n->options.stop_schedule[2].value == 9);
    // Without --retry: the default schedule.
    auto plain = parse({"--stop", "-p", "F"});
    REQUIRE(plain);
    CHECK(plain->options.stop_schedule.empty());
}

TEST_CASE("cli: --retry needs --stop and excludes --stop-timeout") {
    for (auto words : std::vector<std::vector<std::string>>{
             {"--retry", "TERM/5", "app"},
             {"-p", "F", "--retry", "5", "app"},
             {"-p", "F", "--signal", "HUP", "--retry", "5"},
             {"-p", "F", "--status", "--retry", "5"},
             {"--stop", "-p", "F", "--retry", "5", "--stop-timeout", "3"},
             {"--stop", "-p", "F", "--stop-timeout", "3", "--retry", "TERM/1/KILL/1"},
             {"--stop", "-p", "F", "--retry", "TERM/KILL"},
             {"--stop", "-p", "F", "--retry", "NOSUCH/5"}}) {
        std::string shown;
        for (const auto& w : words) shown += w + " ";
        CAPTURE(shown);
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK(static_cast<int>(r.error().code) == 125);
    }
}

TEST_CASE("cli: control verbs take no start options") {
    for (auto extra : std::vector<std::vector<std::string>>{
             {"--nice", "5"}, {"--env-file", "a.env"}, {"--clear-env"}, {"--unset", "A"}, {"--chroot", "/j"},
             {"--limit", "core=0"}, {"--no-new-privs"}, {"--keep-caps", "cap_chown"}, {"--cap-bound"},
             {"--min-uptime", "1"}, {"--cpus", "0"}, {"--oom-score-adj", "1"}, {"--ionice", "idle"},
             {"--sched", "batch"}}) {
        for (const char* verb : {"--stop", "--status"}) {
            std::vector<std::string> words{verb, "-p", "F"};
            words.insert(words.end(), extra.begin(), extra.end());
            CAPTURE(verb);
            CAPTURE(extra.front());
            auto r = parse(words);
            REQUIRE_FALSE(r);
            CHECK(static_cast<int>(r.error().code) == 125);
        }
    }
}

TEST_CASE("cli: --unset refusals") {
    auto both = parse({"-E", "X=1", "--unset", "X", "app"});
    REQUIRE_FALSE(both);
    CHECK(static_cast<int>(both.error().code) == 125);
    CHECK(both.error().what.find("X") != std::string::npos);
    auto bad = parse({"--unset", "1X", "app"});
    REQUIRE_FALSE(bad);
    CHECK(static_cast<int>(bad.error().code) == 125);
    CHECK(bad.error().what.find("1X") != std::string::npos);
    for (const char* name : {"A-B", "A=1", "A B"}) {
        CAPTURE(name);
        CHECK_FALSE(parse({"--unset", name, "app"}));
    }
    // Different names do not clash.
    CHECK(parse({"-E", "X=1", "--unset", "XY", "app"}));
}

TEST_CASE("cli: new options refuse empty values") {
    for (const char* opt : {"--env-file", "--limit", "--chroot", "--unset", "--nice", "--ionice", "--sched", "--cpus",
                            "--oom-score-adj", "--keep-caps", "--min-uptime"}) {
        CAPTURE(opt);
        auto r = parse({opt, "", "app"});
        REQUIRE_FALSE(r);
        CHECK(static_cast<int>(r.error().code) == 125);
        CHECK(r.error().what.find("empty") != std::string::npos);
    }
    auto retry = parse({"--stop", "-p", "F", "--retry", ""});
    REQUIRE_FALSE(retry);
    CHECK(static_cast<int>(retry.error().code) == 125);
    auto later = parse({"--env-file", "a.env", "--env-file", "", "app"});
    REQUIRE_FALSE(later);
    CHECK(later.error().what.find("empty") != std::string::npos);
}

TEST_CASE("cli: bad values of the new options") {
    for (auto words : std::vector<std::vector<std::string>>{
             {"--nice", "20"}, {"--nice", "-21"}, {"--nice", "x"}, {"--limit", "nosuch=1"}, {"--limit", "nofile"},
             {"--limit", "nofile=4:2"}, {"--keep-caps", "cap_nosuch"}, {"--keep-caps", "cap_chown,"},
             {"--ionice", "idle:3"}, {"--ionice", "be:8"}, {"--sched", "fifo"}, {"--sched", "fifo:100"},
             {"--cpus", "3-1"}, {"--cpus", "99999"}, {"--oom-score-adj", "1001"}, {"--min-uptime", "x"},
             {"--min-uptime", "-1"}}) {
        std::string shown = words[0] + " " + words[1];
        CAPTURE(shown);
        words.push_back("app");
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(static_cast<int>(r.error().code) == 125);
    }
    auto limit = parse({"--limit", "nosuch=1", "app"});
    REQUIRE_FALSE(limit);
    CHECK(limit.error().what.find("nosuch") != std::string::npos);
    auto caps = parse({"--keep-caps", "cap_nosuch", "app"});
    REQUIRE_FALSE(caps);
    CHECK(caps.error().what.find("cap_nosuch") != std::string::npos);
}

TEST_CASE("cli: live control verbs") {
    auto scale = parse({"--scale", "5", "-p", "F"});
    REQUIRE(scale);
    CHECK(scale->options.verb == Verb::scale);
    CHECK(scale->options.scale == 5);
    auto zero = parse({"--scale", "0", "-p", "F"});
    REQUIRE(zero);
    CHECK(zero->options.scale == 0);
    auto reload = parse({"--reload", "-p", "F"});
    REQUIRE(reload);
    CHECK(reload->options.verb == Verb::reload);
    auto one = parse({"--restart-instance", "3", "-p", "F"});
    REQUIRE(one);
    CHECK(one->options.verb == Verb::restart_instance);
    CHECK(one->options.restart_instance == 3);
    auto json = parse({"--status", "--json", "-p", "F"});
    REQUIRE(json);
    CHECK(json->options.verb == Verb::status);
    CHECK(json->options.json);
}

TEST_CASE("cli: live control verbs refused") {
    for (auto words : std::vector<std::vector<std::string>>{
             {"--scale", "5"},                                   // no pidfile
             {"--scale", "-1", "-p", "F"},                       // not a number
             {"--scale", "10001", "-p", "F"},                    // too many
             {"--scale", "x", "-p", "F"},
             {"--restart-instance", "a", "-p", "F"},
             {"--scale", "2", "--reload", "-p", "F"},            // two verbs
             {"--reload", "--restart-instance", "1", "-p", "F"},
             {"--reload", "--status", "-p", "F"},
             {"--reload", "--stop", "-p", "F"},
             {"--scale", "2", "--signal", "HUP", "-p", "F"},
             {"--reload", "-p", "F", "app"},                     // a command
             {"--reload", "-p", "F", "-r"},                      // start options
             {"--json", "-p", "F", "app"},                       // --json without --status
             {"--stop", "--json", "-p", "F"},
             {"--scale", "", "-p", "F"}}) {
        std::string shown;
        for (const auto& w : words) shown += w + " ";
        CAPTURE(shown);
        auto r = parse(words);
        REQUIRE_FALSE(r);
        CHECK(static_cast<int>(r.error().code) == 125);
    }
}

TEST_CASE("cli: --watchdog") {
    auto r = parse({"-r", "--watchdog", "2.5", "app"});
    REQUIRE(r);
    CHECK(r->options.supervise.watchdog == Millis{2500});
    for (auto words : std::vector<std::vector<std::string>>{
             {"--watchdog", "5", "app"},          // not supervising
             {"-r", "--watchdog", "0", "app"},    // no watchdog
             {"-r", "--watchdog", "x", "app"},
             {"-r", "--watchdog", "", "app"}}) {
        CAPTURE(words[words.size() - 2]);
        auto bad = parse(words);
        REQUIRE_FALSE(bad);
        CHECK(static_cast<int>(bad.error().code) == 125);
    }
}

TEST_CASE("cli: --listen") {
    auto r = parse({"-n", "4", "--listen", "web=tcp:127.0.0.1:8080", "--listen", "unix:app.sock", "--listen-mode",
                    "0660", "--ready-fd", "5", "app"});
    REQUIRE(r);
    const Options& o = r->options;
    REQUIRE(o.listen.size() == 2);
    CHECK(o.listen[0].name == "web");
    CHECK(o.listen[0].port == 8080);
    CHECK(o.listen[1].kind == ListenSpec::Kind::unix_stream);
    CHECK(o.listen_mode == 0660);
    CHECK(o.ready.fd == 5);
    for (auto words : std::vector<std::vector<std::string>>{
             {"--listen", "tcp:80", "--ready-fd", "3", "app"},               // the socket's fd
             {"--listen", "tcp:80", "--listen", "tcp:81", "--ready-fd", "4", "app"},
             {"--listen", "http:80", "app"},
             {"--listen", "", "app"},
             {"--listen", "tcp:80", "--listen-mode", "0660", "app"},         // no unix socket
             {"--listen", "unix:a", "--listen-mode", "999", "app"},
             {"--status", "-p", "F", "--listen", "tcp:80"}}) {              // not for verbs
        std::string shown;
        for (const auto& w : words) shown += w + " ";
        CAPTURE(shown);
        auto bad = parse(words);
        REQUIRE_FALSE(bad);
        CHECK(static_cast<int>(bad.error().code) == 125);
    }
    auto fd = parse({"--listen", "tcp:80", "--ready-fd", "3", "app"});
    REQUIRE_FALSE(fd);
    CHECK(fd.error().what.find("use 4 or more") != std::string::npos);
}

TEST_CASE("cli: the option table knows which options take a value") {
    CHECK(check_option_table() == "");
}

// parse() (parse_words.hpp) compares every result with the whole parser's;
// these are the command lines where the scan of the option words has to
// decide what is an option's value and what is COMMAND.
TEST_CASE("cli: only the options named are built, with the same result") {
    const std::vector<std::vector<std::string>> lines = {
        {"/bin/true"},
        {"--", "-p", "x"},
        {"-p", "x.pid", "app", "-o", "y"},
        {"-px.pid", "-rfq", "app"},
        {"-rp", "x.pid", "app"},
        {"-rpx.pid", "app"},
        {"-p", "-o", "app"},
        {"--pidfile", "--", "app"},
        {"-p", "x", "--", "-o", "y"},
        {"--pidfile=x", "--timestamps", "unix", "app"},
        {"--timestamps=unix", "--syslog=tag", "-o", "log", "app"},
        {"-vv", "app"},
        {"-v=2", "app"},
        {"-", "app"},
        {"-p"},
        {"--nice", "-5", "app"},
        {"-E", "A=1", "B=2", "app"},
        {"-x", "app"},
        {"--pid", "x", "app"},
        {"--restart=always", "-r", "app"},
        {"--status", "--stop", "-p", "x"},
        {"-V", "-p", "x"},
        {"-p", "x", "-h"},
        {"-rh", "app"},
        {"--help"},
        {"-n", "4", "--scale", "2", "-p", "x"},
        {"-c", "/srv", "-m", "027", "-i", "in", "-e", "err", "--truncate", "-u", "nobody", "-g", "nogroup",
         "--env-file", "-e.env", "--clear-env", "--unset", "X", "--chroot", "/j", "--ionice", "idle", "--sched",
         "batch", "--cpus", "0", "--oom-score-adj", "0", "--limit", "core=0", "--no-new-privs", "--keep-caps",
         "cap_chown", "--cap-bound", "app"},
        {"--listen", "tcp:80", "--listen-mode", "0600", "app"},
        {"-f", "--max-restarts", "3/10", "--restart-delay", "0", "--success-exit", "0,2", "--stop-timeout", "1",
         "--child-pidfile", "c.pid", "--watchdog", "5", "--log-prefix", "--log-max-size", "1M", "--log-keep", "2",
         "--forward-hup", "-o", "x.log", "app"},
        {"-w", "--ready-timeout", "3", "--ready-fd", "4", "--min-uptime", "1", "app"},
        {"--signal", "HUP", "--retry", "5", "--json", "--reload", "--restart-instance", "1", "-p", "x"},
    };
    for (const auto& words : lines) {
        CAPTURE(words);
        (void)parse(words);
    }
}

// Issue 20: usage errors in daemonize's own words, one line each, naming
// the option and what it expects, with a hint where the intent is known.
TEST_CASE("cli: usage errors say what was meant") {
    struct Case {
        std::vector<std::string> words;
        const char* message;
    };
    const Case cases[] = {
        {{"-r", "always", "./app"},
         "-r takes no value (it means --restart on-failure); for that policy write --restart always"},
        {{"-r", "no", "./app"}, "-r takes no value (it means --restart on-failure); for that policy write --restart no"},
        {{"--pidfle", "x.pid", "app"}, "unknown option '--pidfle' (did you mean --pidfile?)"},
        {{"--pid", "x.pid", "app"}, "unknown option '--pid' (did you mean --pidfile?)"},
        {{"--restart-dely", "1", "app"}, "unknown option '--restart-dely' (did you mean --restart-delay?)"},
        {{"--frobnicate", "app"}, "unknown option '--frobnicate' (see daemonize --help)"},
        {{"-a", "-o", "x.log", "app"},
         "unknown option '-a': appending to -o/-e files is the default (--truncate to truncate)"},
        {{"-l", "x.lock", "app"}, "unknown option '-l': the pidfile is the lock: -p FILE is locked while the daemon runs"},
        {{"-x", "app"}, "unknown option '-x' (see daemonize --help)"},
        {{"-rx", "app"}, "unknown option '-x' in '-rx' (see daemonize --help)"},
        {{"-p"}, "-p (--pidfile) needs a value: FILE"},
        {{"--pidfile"}, "--pidfile needs a value: FILE"},
        {{"--instances"}, "--instances needs a value: N"},
        {{"-p", "a.pid", "-p", "b.pid", "app"}, "--pidfile given twice ('a.pid' and 'b.pid'); give it once"},
        {{"-r", "--restart", "always", "app"},
         "--restart and -r cannot be combined: -r is short for --restart on-failure; give one of them"},
        {{"--status", "--stop", "-p", "x"}, "--stop and --status cannot be combined: --status only asks; give it alone"},
        {{"-q", "-v", "app"}, "-q and -v cannot be combined: -q prints errors only, -v every step; give one of them"},
        {{"--truncate=yes", "-o", "x", "app"}, "'--truncate=yes': --truncate takes no value"},
        {{"-w=1", "app"}, "'-w=1': -w takes no value"},
        {{"-rf", "always"},
         "-r takes no value (it means --restart on-failure); for that policy write --restart always"},
        {{"--pidfile=", "-f", "app"}, "--pidfile=: empty value (FILE after the '=')"},
        {{"--env=", "app"}, "--env=: empty value (NAME=VALUE after the '=')"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.words);
        auto r = parse(c.words);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::failure);
        CHECK(r.error().what == c.message);
    }
}

TEST_CASE("cli: -h anywhere among the options wins") {
    for (auto words : std::vector<std::vector<std::string>>{
             {"--bogus", "-h"}, {"-p", "x.pid", "-x", "-h"}, {"-r", "-h", "always"}, {"-q", "-v", "--help", "app"},
             {"-rh"}}) {
        CAPTURE(words);
        auto r = parse(words);
        REQUIRE(r);
        CHECK(r->action == Action::help);
        CHECK(r->text.find("--pidfile") != std::string::npos);
    }
    // An option's value is the next word, whatever it is (as CLI11 reads it).
    auto value = parse({"-p", "-h", "app"});
    REQUIRE(value);
    CHECK(value->options.pidfile == "-h");
    // After COMMAND, -h is the command's.
    auto cmd = parse({"app", "-h"});
    REQUIRE(cmd);
    CHECK(cmd->action == Action::run);
    CHECK(cmd->options.command == std::vector<std::string>{"app", "-h"});
}

TEST_CASE("cli: --stop-timeout is accepted without supervision") {
    auto plain = parse({"--stop-timeout", "5", "app"});
    REQUIRE(plain);
    CHECK(plain->options.supervise.stop_timeout == Millis{5000});
    CHECK_FALSE(plain->options.supervise.active());
}
