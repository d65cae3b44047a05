// Pidfile content and /proc parsing, and the PID-reuse time check.
#include <doctest/doctest.h>

#include "pidfile.hpp"
#include "sys/proc.hpp"

using namespace daemonize;

TEST_CASE("parse_pid: clean integers") {
    CHECK(*pidfile::parse_pid("1234\n") == 1234);
    CHECK(*pidfile::parse_pid("1234") == 1234);
    CHECK(*pidfile::parse_pid("2\n") == 2);
    CHECK(*pidfile::parse_pid("4194304\n") == 4194304);
}

TEST_CASE("parse_pid: garbage is never a PID") {
    for (const char* bad : {"", "\n", "0", "0\n", "1", "1\n", "-1", "-1234\n", "+12", " 12", "12 ", "12\n\n",
                            "12x", "x12", "012", "4194305", "99999999999999999999", "12\r\n", "1e3", "0x10",
                            "12\n13\n", "abc"}) {
        CAPTURE(bad);
        CHECK_FALSE(pidfile::parse_pid(bad));
    }
}

TEST_CASE("parse_proc_stat: state and start time, comm with spaces and parens") {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt
    // majflt cmajflt utime stime cutime cstime priority nice threads itreal starttime
    const char* text = "42 (my (odd) prog) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1234 5";
    auto st = sys::parse_proc_stat(text);
    REQUIRE(st);
    CHECK(st->state == 'S');
    CHECK(st->ppid == 1);
    CHECK(st->start_ticks == 987654);

    auto zombie = sys::parse_proc_stat("7 (z) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0");
    REQUIRE(zombie);
    CHECK(zombie->state == 'Z');
    CHECK(zombie->start_ticks == 55);

    auto child = sys::parse_proc_stat("9 (sh) R 4321 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 56 0 0");
    REQUIRE(child);
    CHECK(child->ppid == 4321);
}

TEST_CASE("parse_proc_stat: truncated text") {
    CHECK_FALSE(sys::parse_proc_stat(""));
    CHECK_FALSE(sys::parse_proc_stat("42 (x"));
    CHECK_FALSE(sys::parse_proc_stat("42 (x) S 1 2 3"));
    CHECK_FALSE(sys::parse_proc_stat("42 (x) S x 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 56 0 0"));
}

TEST_CASE("started_no_later_than: older processes qualify, newer ones do not") {
    const time_t boot = 1'700'000'000;
    const long hz = 100;
    const timespec written{boot + 100, 500'000'000};  // written 100.5 s after boot
    CHECK(pidfile::started_no_later_than(50 * hz, hz, boot, written));    // started at 50 s
    CHECK(pidfile::started_no_later_than(100 * hz, hz, boot, written));   // same second
    CHECK(pidfile::started_no_later_than(101 * hz, hz, boot, written));   // within the slack
    CHECK_FALSE(pidfile::started_no_later_than(102 * hz, hz, boot, written));
    CHECK_FALSE(pidfile::started_no_later_than(5000 * hz, hz, boot, written));
}
