// The instance state machine, driven without forking anything.
#include <doctest/doctest.h>

#include <csignal>

#include "instance.hpp"

using namespace daemonize;
using namespace std::chrono_literals;
using Action = Decision::Action;

namespace {

Rules on_failure() { return Rules{RestartPolicy::on_failure, Backoff{100ms, 1000ms}, {0}}; }
const ExitInfo exit0{false, 0};
const ExitInfo exit1{false, 1};
const ExitInfo term{true, 15};

}  // namespace

TEST_CASE("instance: a failed run is restarted after the backoff") {
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    CHECK(in.phase() == Phase::running);
    auto d = in.ended(exit1, 10, on_failure(), budget, false, 0);
    CHECK(d.action == Action::restart);
    CHECK(d.delay == 100ms);
    CHECK(in.phase() == Phase::backoff);
    CHECK(in.failed());
    CHECK(in.restarts() == 1);
    in.started(110);
    d = in.ended(exit1, 120, on_failure(), budget, false, 0);
    CHECK(d.delay == 200ms);  // the streak doubles it
}

TEST_CASE("instance: a spawn failure is a failed run, retried with the backoff") {
    InstanceState in;
    RestartBudget budget;
    auto d = in.ended(std::nullopt, 0, on_failure(), budget, false, 0);
    CHECK(d.action == Action::restart);
    CHECK(d.delay == 100ms);
    CHECK(in.phase() == Phase::backoff);
    CHECK(in.never_started());
    CHECK(in.failed());
    // Again and again: the backoff grows, nothing is ever stranded.
    d = in.ended(std::nullopt, 100, on_failure(), budget, false, 0);
    CHECK(d.action == Action::restart);
    CHECK(d.delay == 200ms);
    CHECK(budget.used() == 2);
    in.started(300);
    CHECK(in.phase() == Phase::running);
    d = in.ended(exit0, 400, on_failure(), budget, false, 0);
    CHECK(d.action == Action::none);
    CHECK_FALSE(in.never_started());
    CHECK_FALSE(in.failed());
}

TEST_CASE("instance: spawn failures count against --max-restarts") {
    InstanceState in;
    RestartBudget budget({2, 0ms});
    CHECK(in.ended(std::nullopt, 0, on_failure(), budget, false, 0).action == Action::restart);
    CHECK(in.ended(std::nullopt, 1, on_failure(), budget, false, 0).action == Action::restart);
    CHECK(in.ended(std::nullopt, 2, on_failure(), budget, false, 0).action == Action::give_up);
    CHECK(in.phase() == Phase::stopped);
}

TEST_CASE("instance: a stop during the backoff cancels the restart") {
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    REQUIRE(in.ended(exit1, 5, on_failure(), budget, false, 0).action == Action::restart);
    in.stop();
    CHECK(in.phase() == Phase::stopped);
    in.stop();  // twice is the same
    CHECK(in.phase() == Phase::stopped);
}

TEST_CASE("instance: a stop leaves a running process running until it ends") {
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    in.stop();
    CHECK(in.phase() == Phase::running);
    in.signalled(SIGTERM);
    auto d = in.ended(term, 50, on_failure(), budget, true, 0);
    CHECK(d.action == Action::none);
    CHECK(in.phase() == Phase::stopped);
    CHECK_FALSE(in.failed());  // it died of the signal daemonize sent
    CHECK(budget.used() == 0);
}

TEST_CASE("instance: signals while stopping") {
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    in.signalled(SIGTERM);
    in.signalled(9);  // the stop timeout passed: SIGKILL
    CHECK(in.sent_signal() == 9);
    auto d = in.ended(ExitInfo{true, 9}, 10, on_failure(), budget, true, 0);
    CHECK(d.action == Action::none);
    CHECK_FALSE(in.failed());
    // A signal daemonize did not send is a failure (and restarted when not stopping).
    in.started(20);
    in.signalled(10);
    d = in.ended(term, 30, on_failure(), budget, false, 0);
    CHECK(in.failed());
    CHECK(d.action == Action::restart);
    // Signals to an instance that is not running change nothing.
    in.signalled(9);
    CHECK(in.sent_signal() == 0);
}

TEST_CASE("instance: policies") {
    RestartBudget budget;
    InstanceState a;
    a.started(0);
    CHECK(a.ended(exit0, 1, Rules{RestartPolicy::always, Backoff{100ms, 1000ms}, {0}}, budget, false, 0).action ==
          Action::restart);
    CHECK(a.streak() == 0);  // a success starts no streak: at once
    InstanceState n;
    n.started(0);
    CHECK(n.ended(exit1, 1, Rules{RestartPolicy::no, Backoff{}, {0}}, budget, false, 0).action == Action::none);
    InstanceState s;
    s.started(0);
    CHECK(s.ended(ExitInfo{false, 3}, 1, Rules{RestartPolicy::on_failure, Backoff{}, {0, 3}}, budget, false, 0)
              .action == Action::none);  // --success-exit 0,3
}

TEST_CASE("instance: a run longer than MAX starts a new streak") {
    InstanceState in;
    RestartBudget budget;
    for (int i = 0; i < 5; ++i) {
        in.started(i * 10);
        (void)in.ended(exit1, i * 10 + 1, on_failure(), budget, false, 0);
    }
    CHECK(in.streak() == 5);
    in.started(100);
    auto d = in.ended(exit1, 100 + 2000, on_failure(), budget, false, 0);
    CHECK(in.streak() == 1);
    CHECK(d.delay == 100ms);
}

namespace {

Rules min_uptime_rules(RestartPolicy policy = RestartPolicy::on_failure) {
    return Rules{policy, Backoff{100ms, 1000ms}, {0}, 1000ms};
}

}  // namespace

TEST_CASE("instance: a run shorter than --min-uptime is a failure, whatever its status") {
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    auto d = in.ended(exit0, 200, min_uptime_rules(), budget, false, 0);
    CHECK(in.failed());
    CHECK(d.action == Action::restart);
    CHECK(d.delay == 100ms);
    CHECK(in.phase() == Phase::backoff);
    CHECK(in.streak() == 1);
    CHECK(budget.used() == 1);
}

TEST_CASE("instance: a run as long as --min-uptime is judged by its status") {
    for (std::int64_t end : {1000, 1500, 100000}) {
        CAPTURE(end);
        InstanceState in;
        RestartBudget budget;
        in.started(0);
        auto d = in.ended(exit0, end, min_uptime_rules(), budget, false, 0);
        CHECK_FALSE(in.failed());
        CHECK(d.action == Action::none);
        CHECK(in.phase() == Phase::stopped);
        CHECK(budget.used() == 0);
    }
    // A long run that fails is still a failure.
    InstanceState failing;
    RestartBudget budget;
    failing.started(0);
    CHECK(failing.ended(exit1, 5000, min_uptime_rules(), budget, false, 0).action == Action::restart);
    CHECK(failing.failed());
}

TEST_CASE("instance: the uptime counts from the start of this run") {
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    REQUIRE(in.ended(exit0, 200, min_uptime_rules(), budget, false, 0).action == Action::restart);
    in.started(10000);
    auto d = in.ended(exit0, 10200, min_uptime_rules(), budget, false, 0);
    CHECK(in.failed());
    CHECK(d.action == Action::restart);
    in.started(20000);
    d = in.ended(exit0, 21500, min_uptime_rules(), budget, false, 0);
    CHECK_FALSE(in.failed());
    CHECK(d.action == Action::none);
}

TEST_CASE("instance: a short run that daemonize ended is no failure") {
    for (bool stopping : {false, true}) {
        CAPTURE(stopping);
        InstanceState in;
        RestartBudget budget;
        in.started(0);
        in.signalled(SIGTERM);
        auto d = in.ended(term, 200, min_uptime_rules(), budget, stopping, 0);
        CHECK_FALSE(in.failed());
        CHECK(d.action == Action::none);
        CHECK(in.phase() == Phase::stopped);
        CHECK(budget.used() == 0);
    }
    // The next run is judged afresh: the signal was for the last one.
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    in.signalled(SIGTERM);
    (void)in.ended(term, 200, min_uptime_rules(), budget, false, 0);
    in.started(300);
    auto d = in.ended(exit0, 500, min_uptime_rules(), budget, false, 0);
    CHECK(in.failed());
    CHECK(d.action == Action::restart);
}

TEST_CASE("instance: with --restart always a too-short run backs off like a failure") {
    RestartBudget budget;
    InstanceState quick;
    quick.started(0);
    auto d = quick.ended(exit0, 200, min_uptime_rules(RestartPolicy::always), budget, false, 0);
    CHECK(quick.failed());
    CHECK(d.action == Action::restart);
    CHECK(d.delay == 100ms);
    InstanceState slow;
    slow.started(0);
    d = slow.ended(exit0, 1500, min_uptime_rules(RestartPolicy::always), budget, false, 0);
    CHECK_FALSE(slow.failed());
    CHECK(d.action == Action::restart);
    CHECK(d.delay == 0ms);
}

TEST_CASE("instance: too-short runs count against the restart limit") {
    InstanceState in;
    RestartBudget budget({1, 0ms});
    in.started(0);
    CHECK(in.ended(exit0, 200, min_uptime_rules(), budget, false, 0).action == Action::restart);
    in.started(300);
    auto d = in.ended(exit0, 500, min_uptime_rules(), budget, false, 0);
    CHECK(in.failed());
    CHECK(d.action == Action::give_up);
    CHECK(in.phase() == Phase::stopped);
}

TEST_CASE("instance: a watchdog kill is a failure although daemonize sent the signal") {
    InstanceState in;
    RestartBudget budget;
    in.started(0);
    in.watchdog_expired();
    in.signalled(SIGABRT);
    auto d = in.ended(ExitInfo{true, SIGABRT}, 5000, on_failure(), budget, false, 0);
    CHECK(in.failed());
    CHECK(in.ended_by_watchdog());
    CHECK(in.ended_ms() == 5000);
    CHECK(d.action == Action::restart);
    // The next run starts clean: a plain stop by daemonize is no failure.
    in.started(6000);
    in.signalled(SIGTERM);
    d = in.ended(term, 7000, on_failure(), budget, false, 0);
    CHECK_FALSE(in.failed());
    CHECK_FALSE(in.ended_by_watchdog());
    CHECK(d.action == Action::none);
}

TEST_CASE("instance: the last exit is remembered for --status") {
    InstanceState in;
    RestartBudget budget;
    CHECK_FALSE(in.ever_ended());
    in.started(0);
    (void)in.ended(exit1, 250, Rules{RestartPolicy::on_failure, Backoff{}, {0}, Millis{1000}}, budget, false, 0);
    CHECK(in.ever_ended());
    CHECK(in.ended_too_short());
    CHECK(in.last_exit().value == 1);
}
