// Pidfile content and /proc parsing, and the PID-reuse time check.
#include <doctest/doctest.h>

#include <unistd.h>

#include "pidfile.hpp"
#include "sys/proc.hpp"

using namespace daemonize;

TEST_CASE("parse_pid: clean integers") {
    CHECK(*pidfile::parse_pid("1234\n") == 1234);
    CHECK(*pidfile::parse_pid("1234") == 1234);
    CHECK(*pidfile::parse_pid("2\n") == 2);
    CHECK(*pidfile::parse_pid("1\n") == 1);  // a container's init
    CHECK(*pidfile::parse_pid("4194304\n") == 4194304);
}

TEST_CASE("parse_pid: garbage is never a PID") {
    for (const char* bad : {"", "\n", "0", "0\n", "-1", "-1234\n", "+12", " 12", "12 ", "12\n\n",
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

TEST_CASE("stamps: format and parse") {
    pidfile::Stamp s{"5b43d7aa-32ba-4981-9e9b-4b657a3e8ee3", 4321, 773788};
    auto text = pidfile::format_stamp(s);
    CHECK(text == "5b43d7aa-32ba-4981-9e9b-4b657a3e8ee3 4321 773788");
    auto back = pidfile::parse_stamp(text);
    REQUIRE(back);
    CHECK(back->boot_id == s.boot_id);
    CHECK(back->pid == 4321);
    CHECK(back->start_ticks == 773788);
    for (const char* bad : {"", "x", "b 1", "b 1 ", "b 0 5", "b 1 -5", " 42 5", "b 42 5x", "b 42\n 5", "B 42 5"}) {
        CAPTURE(bad);
        CHECK_FALSE(pidfile::parse_stamp(bad));
    }
}

TEST_CASE("is_alive: a stamp decides, whatever the mtime says") {
    auto me = sys::read_proc_stat(::getpid());
    REQUIRE(me);
    const std::string boot = pidfile::boot_id();
    REQUIRE_FALSE(boot.empty());
    timespec long_ago{1, 0}, far_ahead{4000000000, 0};
    // The mtime alone says "written before this process started": not it.
    CHECK_FALSE(pidfile::is_alive(::getpid(), pidfile::Written{long_ago, std::nullopt}));
    // The stamp says it is this very process: alive, with any mtime.
    pidfile::Stamp mine{boot, ::getpid(), me->start_ticks};
    CHECK(pidfile::is_alive(::getpid(), pidfile::Written{long_ago, mine}));
    CHECK(pidfile::is_alive(::getpid(), pidfile::Written{far_ahead, mine}));
    // Another start time (a reused PID) or another boot: not it, any mtime.
    pidfile::Stamp earlier{boot, ::getpid(), me->start_ticks - 1};
    CHECK_FALSE(pidfile::is_alive(::getpid(), pidfile::Written{far_ahead, earlier}));
    pidfile::Stamp other_boot{"00000000-0000-0000-0000-000000000000", ::getpid(), me->start_ticks};
    CHECK_FALSE(pidfile::is_alive(::getpid(), pidfile::Written{far_ahead, other_boot}));
    // A stamp for another PID (the daemon rewrote the file): the mtime rule.
    pidfile::Stamp for_other{boot, ::getpid() + 1, 1};
    CHECK(pidfile::is_alive(::getpid(), pidfile::Written{far_ahead, for_other}));
}

TEST_CASE("is_alive: PID 1 counts only with a stamp that names it") {
    // Unstamped (or stamped for another process), "1" is this machine's
    // init, which no pidfile of ours can name: --stop must never signal it.
    CHECK_FALSE(pidfile::is_alive(1, pidfile::Written{}));
    pidfile::Written other;
    other.stamp = pidfile::Stamp{pidfile::boot_id(), 1, 12345678};
    CHECK_FALSE(pidfile::is_alive(1, other));
}
