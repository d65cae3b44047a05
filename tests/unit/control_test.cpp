// Control verbs: LSB codes and what --status says.
#include <doctest/doctest.h>

#include "cli.hpp"
#include "parse_words.hpp"
#include "control.hpp"

using namespace daemonize;
using control::PidState;

TEST_CASE("lsb_code") {
    CHECK(control::lsb_code(PidState::running) == 0);
    CHECK(control::lsb_code(PidState::stale) == 1);
    CHECK(control::lsb_code(PidState::invalid) == 1);
    CHECK(control::lsb_code(PidState::missing) == 3);
    CHECK(control::lsb_code(PidState::unreadable) == 4);
}

TEST_CASE("status_line") {
    CHECK(control::status_line({PidState::running, 42, {}, {}}) == "running (pid 42)");
    CHECK(control::status_line({PidState::stale, 42, {}, {}}) == "not running (stale pidfile, pid 42)");
    CHECK(control::status_line({PidState::missing, 0, {}, {}}) == "not running");
    CHECK(control::status_line({PidState::invalid, 0, {}, {}}).find("not running (stale pidfile") == 0);
    Error refused{ExitCode::failure, "pidfile p is a FIFO, not a regular file", 0};
    CHECK(control::status_line({PidState::unreadable, 0, refused, {}}) ==
          "status unknown: pidfile p is a FIFO, not a regular file");
}


TEST_CASE("cli: verbs") {
    auto st = parse({"--status", "-p", "x.pid"});
    REQUIRE(st);
    CHECK(st->options.verb == Verb::status);
    CHECK(st->options.command.empty());

    auto stop = parse({"--stop", "-p", "x.pid", "--stop-timeout", "3", "--signal", "INT"});
    REQUIRE(stop);
    CHECK(stop->options.verb == Verb::stop);
    CHECK(stop->options.signal == 2);
    CHECK(stop->options.supervise.stop_timeout == std::chrono::milliseconds(3000));

    auto sig = parse({"--signal", "SIGUSR1", "-p", "x.pid"});
    REQUIRE(sig);
    CHECK(sig->options.verb == Verb::signal);
    CHECK(sig->options.signal == 10);

    auto num = parse({"--signal", "1", "-p", "x.pid"});
    REQUIRE(num);
    CHECK(num->options.signal == 1);

    auto plain_stop = parse({"--stop", "-p", "x.pid"});
    REQUIRE(plain_stop);
    CHECK(plain_stop->options.signal == 15);
}

TEST_CASE("cli: verb usage errors") {
    CHECK_FALSE(parse({"--status"}));                             // no pidfile
    CHECK_FALSE(parse({"--stop"}));
    CHECK_FALSE(parse({"--signal", "HUP"}));
    CHECK_FALSE(parse({"--status", "--stop", "-p", "x"}));         // two verbs
    CHECK_FALSE(parse({"--status", "--signal", "HUP", "-p", "x"}));
    CHECK_FALSE(parse({"--status", "-p", "x", "sleep", "1"}));      // a command too
    CHECK_FALSE(parse({"--stop", "-p", "x", "--", "sleep"}));
    CHECK_FALSE(parse({"--signal", "NOPE", "-p", "x"}));            // unknown signal
    CHECK_FALSE(parse({"--stop", "-r", "-p", "x"}));
    auto cmd = parse({"--status", "-p", "x", "ls"});
    REQUIRE_FALSE(cmd);
    CHECK(cmd.error().code == ExitCode::failure);
    CHECK(cmd.error().what.find("no COMMAND") != std::string::npos);
}
