// Pure supervision logic: what an exit means, whether and when to restart.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace daemonize {

using Millis = std::chrono::milliseconds;

enum class RestartPolicy { no, on_failure, always };

/// How a child ended, decoded from its wait status by the caller.
struct ExitInfo {
    bool signaled = false;
    int value = 0;  // exit code, or signal number if `signaled`
};

/// tini's rule: the exit code, or 128 + the signal number.
[[nodiscard]] int exit_code_of(const ExitInfo& e) noexcept;

/// Failure = a nonzero exit not listed in `success_codes`, or death by a
/// signal other than `sent_signal` (the last one daemonize sent it; 0: none).
[[nodiscard]] bool is_failure(const ExitInfo& e, const std::vector<int>& success_codes, int sent_signal) noexcept;

/// Whether `policy` restarts a child that ended like this.
[[nodiscard]] bool wants_restart(RestartPolicy policy, bool failed) noexcept;

struct Backoff {
    Millis min{100};
    Millis max{30000};

    bool operator==(const Backoff&) const = default;
};

/// The consecutive-failure streak after a run of `uptime`: a run longer than
/// backoff.max starts a new streak.
[[nodiscard]] int next_streak(int streak, Millis uptime, const Backoff& b) noexcept;

/// min * 2^(streak-1) scaled by (1 + jitter/10) where jitter is in [-1, 1]
/// (±10%, so that instances do not restart in lockstep), then capped at max.
[[nodiscard]] Millis backoff_delay(int streak, const Backoff& b, double jitter) noexcept;

/// --max-restarts: N in total, or N within any window of SECS.
struct RestartLimit {
    int count = -1;      // -1: unlimited
    Millis window{0};    // 0: in total

    bool operator==(const RestartLimit&) const = default;
};

/// Counts restarts against a RestartLimit. Times are milliseconds on any
/// monotonic clock.
class RestartBudget {
public:
    explicit RestartBudget(RestartLimit limit = {}) : limit_(limit) {}
    /// Records a restart at `now` if the limit allows it; false: give up.
    [[nodiscard]] bool take(std::int64_t now_ms);
    [[nodiscard]] int used() const noexcept { return total_; }

private:
    RestartLimit limit_;
    std::deque<std::int64_t> recent_;  // restart times within the window
    int total_ = 0;
};

/// "3" → {3, 0}; "5/60" → {5, 60 s}.
[[nodiscard]] Result<RestartLimit> parse_restart_limit(std::string_view text);
/// The largest number of seconds any option takes (over three years).
inline constexpr std::int64_t max_seconds = 100000000;
/// "0.1" → 100 ms; "2" → 2000 ms. Non-negative decimal seconds, at most
/// max_seconds, at most three decimals.
[[nodiscard]] Result<Millis> parse_seconds(std::string_view text, std::string_view option);
/// "MIN[:MAX]"; MAX defaults to 30 s (or MIN if larger).
[[nodiscard]] Result<Backoff> parse_backoff(std::string_view text);
/// "0,3,4" → {0, 3, 4}; each 0..255.
[[nodiscard]] Result<std::vector<int>> parse_exit_codes(std::string_view text);
/// "always", "on-failure", "no".
[[nodiscard]] Result<RestartPolicy> parse_restart_policy(std::string_view text);

}  // namespace daemonize
