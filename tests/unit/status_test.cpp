// The supervisor's status: wire form, table, JSON; the channel's answers.
#include <doctest/doctest.h>

#include "channel.hpp"
#include "status.hpp"

using namespace daemonize;

namespace {

status::Supervisor sample() {
    status::Supervisor s;
    s.pid = 100;
    s.target = 3;
    s.uptime_ms = 125000;
    s.operation = "reload";
    s.watchdog_ms = 5000;
    status::Instance a;
    a.index = 0;
    a.pid = 101;
    a.state = "ready";
    a.uptime_ms = 120000;
    a.new_pid = 104;
    status::Instance b;
    b.index = 1;
    b.state = "backoff";
    b.backoff_ms = 1600;
    b.restarts = 7;
    b.last_exit = status::LastExit{false, 3, 400, false, false};
    status::Instance c;
    c.index = 2;
    c.pid = 103;
    c.state = "stopping";
    c.uptime_ms = 9000;
    c.watchdog_kills = 2;
    c.last_exit = status::LastExit{true, 6, 61000, true, false};
    s.instances = {a, b, c};
    return s;
}

}  // namespace

TEST_CASE("status: the wire form round-trips") {
    const auto s = sample();
    auto back = status::decode(status::encode(s));
    REQUIRE(back);
    CHECK(back->pid == 100);
    CHECK(back->target == 3);
    CHECK(back->uptime_ms == 125000);
    CHECK(back->operation == "reload");
    CHECK(back->watchdog_ms == 5000);
    REQUIRE(back->instances.size() == 3);
    CHECK(back->instances[0].new_pid == 104);
    CHECK_FALSE(back->instances[0].last_exit);
    CHECK(back->instances[1].pid == 0);
    CHECK(back->instances[1].backoff_ms == 1600);
    CHECK(back->instances[1].restarts == 7);
    REQUIRE(back->instances[1].last_exit);
    CHECK(back->instances[1].last_exit->value == 3);
    CHECK_FALSE(back->instances[1].last_exit->signaled);
    REQUIRE(back->instances[2].last_exit);
    CHECK(back->instances[2].last_exit->signaled);
    CHECK(back->instances[2].last_exit->watchdog);
    CHECK(back->instances[2].watchdog_kills == 2);
}

TEST_CASE("status: unknown keys are skipped, garbage is refused") {
    auto newer = status::decode("supervisor pid=5 target=1 colour=blue\ninstance index=0 pid=6 state=running mood=ok\n");
    REQUIRE(newer);
    CHECK(newer->pid == 5);
    REQUIRE(newer->instances.size() == 1);
    CHECK(newer->instances[0].state == "running");
    CHECK_FALSE(status::decode(""));
    CHECK_FALSE(status::decode("instance index=0\n"));            // no header
    CHECK_FALSE(status::decode("supervisor pid=x\n"));            // not a number
    CHECK_FALSE(status::decode("supervisor pid\n"));              // not key=value
    CHECK_FALSE(status::decode("supervisor pid=99999999999999999999999\n"));
}

TEST_CASE("status: durations are short") {
    CHECK(status::duration(400) == "0.4 s");
    CHECK(status::duration(59900) == "59.9 s");
    CHECK(status::duration(187000) == "3m07s");
    CHECK(status::duration(7380000) == "2h03m");
    CHECK(status::duration(352800000) == "4d02h");
    CHECK(status::duration(-1) == "-");
}

TEST_CASE("status: the table shows a crash loop at a glance") {
    const std::string t = status::table(sample());
    CHECK(t.find("supervisor of 3 instances, up 2m05s, reload under way\n") == 0);
    CHECK(t.find("INSTANCE  PID  ") != std::string::npos);
    CHECK(t.find("backoff (1.6 s left)") != std::string::npos);
    CHECK(t.find("status 3, 0.4 s ago") != std::string::npos);
    CHECK(t.find("SIGABRT (watchdog), 1m01s ago") != std::string::npos);
    CHECK(t.find("ready, new run 104 starting") != std::string::npos);
    // One header and one line per instance, columns aligned.
    size_t lines = 0;
    for (char c : t) lines += c == '\n';
    CHECK(lines == 5);
}

TEST_CASE("status: JSON") {
    status::Document d;
    d.pidfile = "/run/a \"b\".pid";
    d.state = "running";
    d.pid = 100;
    d.supervisor = sample();
    d.now_unix_ms = 1764072000000;  // 2025-11-25T12:00:00Z
    const std::string j = status::json(d);
    CHECK(j.find("\"version\": 1") != std::string::npos);
    CHECK(j.find("\"pidfile\": \"/run/a \\\"b\\\".pid\"") != std::string::npos);
    CHECK(j.find("\"running\": true") != std::string::npos);
    CHECK(j.find("\"backoff_left\": 1.600") != std::string::npos);
    CHECK(j.find("\"signal\": \"SIGABRT\"") != std::string::npos);
    CHECK(j.find("\"at\": \"2025-11-25T11:58:59.000Z\"") != std::string::npos);
    CHECK(j.find("\"code\": 3, \"signal\": null") != std::string::npos);
    status::Document plain;
    plain.pidfile = "/run/x.pid";
    plain.state = "not-running";
    const std::string p = status::json(plain);
    CHECK(p.find("\"pid\": null") != std::string::npos);
    CHECK(p.find("\"supervisor\": null") != std::string::npos);
    CHECK(status::json_string("a\nb\x01") == "\"a\\nb\\u0001\"");
}

TEST_CASE("channel: answers") {
    auto ok = channel::parse_answer("supervisor pid=1\nok done\n");
    REQUIRE(ok);
    CHECK(ok->code == 0);
    CHECK(ok->text == "done");
    CHECK(ok->body == "supervisor pid=1\n");
    auto bare = channel::parse_answer("ok\n");
    REQUIRE(bare);
    CHECK(bare->text.empty());
    auto fail = channel::parse_answer("fail 2 busy: a reload is under way\n");
    REQUIRE(fail);
    CHECK(fail->code == 2);
    CHECK(fail->text == "busy: a reload is under way");
    CHECK_FALSE(channel::parse_answer(""));             // hung up
    CHECK_FALSE(channel::parse_answer("ok done"));      // cut short
    CHECK_FALSE(channel::parse_answer("fail 0 x\n"));   // 0 is not a failure
    CHECK_FALSE(channel::parse_answer("maybe\n"));
    CHECK(channel::socket_path("/run/app.pid") == "/run/app.pid.ctl");
}
