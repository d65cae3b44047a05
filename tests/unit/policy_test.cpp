// Supervision decisions: failure, restart, backoff, limits, exit codes.
#include <doctest/doctest.h>

#include "policy.hpp"

using namespace daemonize;
using namespace std::chrono_literals;

TEST_CASE("exit_code_of: status, or 128 + signal") {
    CHECK(exit_code_of({false, 0}) == 0);
    CHECK(exit_code_of({false, 3}) == 3);
    CHECK(exit_code_of({true, 9}) == 137);
    CHECK(exit_code_of({true, 15}) == 143);
}

TEST_CASE("is_failure") {
    const std::vector<int> ok{0};
    CHECK_FALSE(is_failure({false, 0}, ok, 0));
    CHECK(is_failure({false, 1}, ok, 0));
    CHECK(is_failure({false, 3}, ok, 0));
    CHECK_FALSE(is_failure({false, 3}, {0, 3}, 0));
    CHECK(is_failure({false, 0}, {3}, 0));  // 0 is success only when listed
    CHECK(is_failure({true, 9}, ok, 0));    // killed by someone else
    CHECK_FALSE(is_failure({true, 15}, ok, 15));  // the TERM we sent
    CHECK(is_failure({true, 9}, ok, 15));   // not the one we sent
}

TEST_CASE("wants_restart per policy") {
    CHECK(wants_restart(RestartPolicy::always, false));
    CHECK(wants_restart(RestartPolicy::always, true));
    CHECK(wants_restart(RestartPolicy::on_failure, true));
    CHECK_FALSE(wants_restart(RestartPolicy::on_failure, false));
    CHECK_FALSE(wants_restart(RestartPolicy::no, true));
    CHECK_FALSE(wants_restart(RestartPolicy::no, false));
}

TEST_CASE("backoff: doubles from min, capped at max") {
    Backoff b{100ms, 1000ms};
    CHECK(backoff_delay(1, b, 0) == 100ms);
    CHECK(backoff_delay(2, b, 0) == 200ms);
    CHECK(backoff_delay(3, b, 0) == 400ms);
    CHECK(backoff_delay(4, b, 0) == 800ms);
    CHECK(backoff_delay(5, b, 0) == 1000ms);
    CHECK(backoff_delay(60, b, 0) == 1000ms);
    CHECK(backoff_delay(0, b, 0) == 100ms);
}

TEST_CASE("backoff: jitter is at most 10 percent either way") {
    Backoff b{1000ms, 30000ms};
    CHECK(backoff_delay(1, b, 1.0) == 1100ms);
    CHECK(backoff_delay(1, b, -1.0) == 900ms);
    CHECK(backoff_delay(1, b, 5.0) == 1100ms);  // clamped
    CHECK(backoff_delay(1, Backoff{0ms, 30000ms}, 1.0) == 0ms);  // 0 stays 0
}

TEST_CASE("backoff: never above MAX, whatever the jitter") {
    Backoff b{100ms, 30000ms};
    for (int streak = 1; streak < 40; ++streak) {
        for (double jitter : {-1.0, -0.3, 0.0, 0.5, 1.0}) {
            CAPTURE(streak);
            CAPTURE(jitter);
            CHECK(backoff_delay(streak, b, jitter) <= 30000ms);
        }
    }
    CHECK(backoff_delay(20, b, 1.0) == 30000ms);
    CHECK(backoff_delay(20, b, -1.0) == 27000ms);  // below the cap, jitter still spreads them
}

TEST_CASE("streak: quick failures add up, a long run resets") {
    Backoff b{100ms, 30000ms};
    CHECK(next_streak(0, 10ms, b) == 1);
    CHECK(next_streak(1, 10ms, b) == 2);
    CHECK(next_streak(7, 30000ms, b) == 8);  // exactly MAX is still quick
    CHECK(next_streak(7, 30001ms, b) == 1);
}

TEST_CASE("restart budget: unlimited") {
    RestartBudget budget;
    for (int i = 0; i < 1000; ++i) CHECK(budget.take(i));
    CHECK(budget.used() == 1000);
}

TEST_CASE("restart budget: N in total (tornado)") {
    RestartBudget budget({3, 0ms});
    CHECK(budget.take(0));
    CHECK(budget.take(100000));
    CHECK(budget.take(200000));
    CHECK_FALSE(budget.take(300000));
    CHECK_FALSE(budget.take(900000000));
    CHECK(budget.used() == 3);
}

TEST_CASE("restart budget: N within any window (systemd start limit)") {
    RestartBudget budget({2, 10000ms});
    CHECK(budget.take(0));
    CHECK(budget.take(1000));
    CHECK_FALSE(budget.take(9999));   // 3rd within 10 s
    CHECK(budget.take(10000));        // the one at 0 left the window
    CHECK_FALSE(budget.take(10500));
    CHECK(budget.take(11000));        // the one at 1000 left
    CHECK(budget.used() == 4);
}

TEST_CASE("restart budget: zero allows nothing") {
    RestartBudget budget({0, 0ms});
    CHECK_FALSE(budget.take(0));
}

TEST_CASE("parse_seconds") {
    CHECK(*parse_seconds("0", "x") == 0ms);
    CHECK(*parse_seconds("0.1", "x") == 100ms);
    CHECK(*parse_seconds(".5", "x") == 500ms);
    CHECK(*parse_seconds("10", "x") == 10000ms);
    CHECK(*parse_seconds("1.234", "x") == 1234ms);
    CHECK(*parse_seconds("100000000", "x") == 100000000000ms);
    CHECK(*parse_seconds("4294967.296", "x") == 4294967296ms);  // no int wrap-around
    for (const char* bad : {"", ".", "1.", "-1", "+1", " 1", "1.2345", "1e3", "abc", "1,5", "1.2.3", "100000000.001",
                            "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_seconds(bad, "--x"));
    }
    CHECK(parse_seconds("x", "--stop-timeout").error().what.find("--stop-timeout") == 0);
}

TEST_CASE("parse_restart_limit") {
    auto total = parse_restart_limit("3");
    REQUIRE(total);
    CHECK(total->count == 3);
    CHECK(total->window == 0ms);
    auto window = parse_restart_limit("5/60");
    REQUIRE(window);
    CHECK(window->count == 5);
    CHECK(window->window == 60000ms);
    for (const char* bad : {"", "x", "-1", "5/", "5/0", "/5", "5/x"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_restart_limit(bad));
    }
}

TEST_CASE("parse_backoff") {
    auto d = parse_backoff("0.1:30");
    REQUIRE(d);
    CHECK(d->min == 100ms);
    CHECK(d->max == 30000ms);
    auto zero = parse_backoff("0");
    REQUIRE(zero);
    CHECK(zero->min == 0ms);
    CHECK(zero->max == 30000ms);
    auto big = parse_backoff("60");
    REQUIRE(big);
    CHECK(big->max == 60000ms);
    CHECK_FALSE(parse_backoff("2:1"));
    CHECK_FALSE(parse_backoff("1:"));
    CHECK_FALSE(parse_backoff("x"));
}

TEST_CASE("parse_exit_codes") {
    CHECK(*parse_exit_codes("0") == std::vector<int>{0});
    CHECK(*parse_exit_codes("0,3,255") == std::vector<int>{0, 3, 255});
    for (const char* bad : {"", ",", "0,", "256", "-1", "a", "1;2"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_exit_codes(bad));
    }
}

TEST_CASE("parse_restart_policy") {
    CHECK(*parse_restart_policy("always") == RestartPolicy::always);
    CHECK(*parse_restart_policy("on-failure") == RestartPolicy::on_failure);
    CHECK(*parse_restart_policy("no") == RestartPolicy::no);
    CHECK_FALSE(parse_restart_policy("yes"));
    CHECK_FALSE(parse_restart_policy("On-Failure"));
}
