// Signal names both ways.
#include <doctest/doctest.h>

#include "sys/signals.hpp"

using namespace daemonize;

TEST_CASE("signal_name") {
    CHECK(sys::signal_name(SIGTERM) == "TERM");
    CHECK(sys::signal_name(SIGKILL) == "KILL");
    CHECK(sys::signal_name(SIGWINCH) == "WINCH");
    CHECK(sys::signal_name(SIGRTMIN + 2) == "RTMIN+2");
}

TEST_CASE("parse_signal") {
    CHECK(*sys::parse_signal("TERM") == SIGTERM);
    CHECK(*sys::parse_signal("SIGTERM") == SIGTERM);
    CHECK(*sys::parse_signal("term") == SIGTERM);
    CHECK(*sys::parse_signal("sighup") == SIGHUP);
    CHECK(*sys::parse_signal("15") == 15);
    CHECK(*sys::parse_signal("9") == SIGKILL);
    CHECK(*sys::parse_signal("RTMIN+1") == SIGRTMIN + 1);
    for (const char* bad : {"", "0", "65", "999", "TERMX", "SIG", "-15", "RTMIN+99"}) {
        CAPTURE(bad);
        CHECK_FALSE(sys::parse_signal(bad));
    }
}

TEST_CASE("every named signal round-trips") {
    for (int sig = 1; sig < SIGRTMIN; ++sig) {
        CAPTURE(sig);
        auto back = sys::parse_signal(sys::signal_name(sig));
        REQUIRE(back);
        CHECK(*back == sig);
    }
}
