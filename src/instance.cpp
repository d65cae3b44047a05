// The instance state machine.
#include "instance.hpp"

namespace daemonize {

void InstanceState::started(std::int64_t now_ms) noexcept {
    phase_ = Phase::running;
    started_ms_ = now_ms;
    sent_signal_ = 0;
    watchdog_fired_ = false;
}

Decision InstanceState::ended(std::optional<ExitInfo> how, std::int64_t now_ms, const Rules& rules,
                              RestartBudget& budget, bool stopping, double jitter) {
    never_started_ = !how.has_value();
    last_exit_ = how.value_or(ExitInfo{});
    const Millis uptime{how ? now_ms - started_ms_ : 0};
    // A run that daemonize ended is never too short.
    const bool too_short = how && sent_signal_ == 0 && uptime < rules.min_uptime;
    failed_ = !how || is_failure(*how, rules.success_exit, sent_signal_) || too_short || watchdog_fired_;
    ended_ms_ = now_ms;
    ended_by_watchdog_ = watchdog_fired_;
    ended_too_short_ = too_short;
    phase_ = Phase::stopped;
    sent_signal_ = 0;
    watchdog_fired_ = false;
    if (stopping || !wants_restart(rules.restart, failed_)) return {};
    if (!budget.take(now_ms)) return {Decision::Action::give_up, Millis{0}};
    streak_ = failed_ ? next_streak(streak_, uptime, rules.delay) : 0;
    Millis delay = streak_ > 0 ? backoff_delay(streak_, rules.delay, jitter) : Millis{0};
    phase_ = Phase::backoff;
    ++restarts_;
    return {Decision::Action::restart, delay};
}

void InstanceState::stop() noexcept {
    if (phase_ == Phase::backoff) phase_ = Phase::stopped;
}

void InstanceState::watchdog_expired() noexcept {
    if (phase_ == Phase::running) watchdog_fired_ = true;
}

void InstanceState::signalled(int sig) noexcept {
    if (phase_ == Phase::running) sent_signal_ = sig;
}

}  // namespace daemonize
