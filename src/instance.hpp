// One supervised instance as pure state: what happened to it in, what the
// supervisor does next out (s6-supervise's state × event table). No system
// calls: the loop in supervise.cpp performs the decisions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "policy.hpp"

namespace daemonize {

enum class Phase {
    stopped,  // not running, nothing pending
    running,  // a process runs (until it is reaped)
    backoff,  // waiting to be started again
};

/// What the supervisor does after an instance's run ended.
struct Decision {
    enum class Action { none, restart, give_up };
    Action action = Action::none;
    Millis delay{0};  // for restart: how long to wait first
};

/// The parts of the options that decide restarts.
struct Rules {
    RestartPolicy restart = RestartPolicy::no;
    Backoff delay;
    std::vector<int> success_exit{0};
    Millis min_uptime{0};  // a shorter run is a failure, whatever its status
};

class InstanceState {
public:
    /// A run began: its process exists (its execve succeeded or is under way).
    void started(std::int64_t now_ms) noexcept;
    /// The run ended: `how` it exited, or nullopt if it could not be started
    /// at all (fork, pipe or fd limits): a failed run like any other, so it
    /// is retried with the backoff and counted against the restart limit.
    /// With `stopping`, nothing is restarted. `jitter` is in [-1, 1].
    [[nodiscard]] Decision ended(std::optional<ExitInfo> how, std::int64_t now_ms, const Rules& rules,
                                 RestartBudget& budget, bool stopping, double jitter);
    /// The supervisor stops: a pending restart is cancelled (a running
    /// process is stopped by signals, and ends through ended()).
    void stop() noexcept;
    /// daemonize sent `sig` to the running process: dying of it is no failure.
    void signalled(int sig) noexcept;
    /// The run missed its watchdog (--watchdog): however it ends now, even
    /// of the signal daemonize sends it, it failed.
    void watchdog_expired() noexcept;

    [[nodiscard]] Phase phase() const noexcept { return phase_; }
    [[nodiscard]] bool running() const noexcept { return phase_ == Phase::running; }
    [[nodiscard]] int sent_signal() const noexcept { return sent_signal_; }
    [[nodiscard]] int streak() const noexcept { return streak_; }
    [[nodiscard]] int restarts() const noexcept { return restarts_; }
    [[nodiscard]] std::int64_t started_ms() const noexcept { return started_ms_; }
    /// The last run: how it ended (meaningless if it never started) and
    /// whether that was a failure.
    [[nodiscard]] const ExitInfo& last_exit() const noexcept { return last_exit_; }
    [[nodiscard]] bool never_started() const noexcept { return never_started_; }
    [[nodiscard]] bool failed() const noexcept { return failed_; }
    /// When the last run ended, and whether the watchdog or --min-uptime
    /// made it a failure (for --status).
    [[nodiscard]] std::int64_t ended_ms() const noexcept { return ended_ms_; }
    [[nodiscard]] bool ended_by_watchdog() const noexcept { return ended_by_watchdog_; }
    [[nodiscard]] bool ended_too_short() const noexcept { return ended_too_short_; }
    [[nodiscard]] bool ever_ended() const noexcept { return ended_ms_ >= 0; }

private:
    Phase phase_ = Phase::stopped;
    int sent_signal_ = 0;
    int streak_ = 0;  // consecutive quick failures
    int restarts_ = 0;
    std::int64_t started_ms_ = 0;
    ExitInfo last_exit_;
    bool never_started_ = false;
    bool failed_ = false;
    bool watchdog_fired_ = false;  // this run
    std::int64_t ended_ms_ = -1;
    bool ended_by_watchdog_ = false;
    bool ended_too_short_ = false;
};

}  // namespace daemonize
