// Restart decisions, backoff and limits; no system calls here.
#include "policy.hpp"

#include "number.hpp"

#include <algorithm>
#include <string>

namespace daemonize {

int exit_code_of(const ExitInfo& e) noexcept { return e.signaled ? 128 + e.value : e.value; }

bool is_failure(const ExitInfo& e, const std::vector<int>& success_codes, int sent_signal) noexcept {
    if (e.signaled) return e.value != sent_signal;
    return std::find(success_codes.begin(), success_codes.end(), e.value) == success_codes.end();
}

bool wants_restart(RestartPolicy policy, bool failed) noexcept {
    switch (policy) {
    case RestartPolicy::always: return true;
    case RestartPolicy::on_failure: return failed;
    case RestartPolicy::no: return false;
    }
    return false;
}

int next_streak(int streak, Millis uptime, const Backoff& b) noexcept {
    return uptime > b.max ? 1 : streak + 1;
}

Millis backoff_delay(int streak, const Backoff& b, double jitter) noexcept {
    if (streak < 1) streak = 1;
    double ms = static_cast<double>(b.min.count());
    for (int i = 1; i < streak && ms < static_cast<double>(b.max.count()); ++i) ms *= 2;
    ms = std::min(ms, static_cast<double>(b.max.count()));
    jitter = std::clamp(jitter, -1.0, 1.0);
    ms *= 1.0 + jitter / 10.0;
    // Capped again after the jitter: MAX is a promise.
    ms = std::min(ms, static_cast<double>(b.max.count()));
    return Millis{static_cast<Millis::rep>(ms + 0.5)};
}

bool RestartBudget::take(std::int64_t now_ms) {
    if (limit_.count < 0) {
        ++total_;
        return true;
    }
    if (limit_.window.count() == 0) {
        if (total_ >= limit_.count) return false;
        ++total_;
        return true;
    }
    while (!recent_.empty() && recent_.front() <= now_ms - limit_.window.count()) recent_.pop_front();
    if (static_cast<int>(recent_.size()) >= limit_.count) return false;
    recent_.push_back(now_ms);
    ++total_;
    return true;
}

namespace {

Error bad(std::string_view option, std::string_view text, const char* expected) {
    return usage_error(std::string(option) + ": '" + std::string(text) + "' is not " + expected);
}

}  // namespace

Result<Millis> parse_seconds(std::string_view text, std::string_view option) {
    auto ms = parse_millis(text, max_seconds);
    if (!ms) return bad(option, text, "a number of seconds from 0 to 100000000 (like 0.5 or 10)");
    return Millis{*ms};
}

Result<RestartLimit> parse_restart_limit(std::string_view text) {
    auto slash = text.find('/');
    auto count = parse_unsigned<unsigned>(text.substr(0, slash), 1000000);
    if (!count) return bad("--max-restarts", text, "N or N/SECS");
    RestartLimit limit{static_cast<int>(*count), Millis{0}};
    if (slash != std::string_view::npos) {
        auto window = parse_seconds(text.substr(slash + 1), "--max-restarts");
        if (!window || window->count() == 0) return bad("--max-restarts", text, "N or N/SECS with SECS > 0");
        limit.window = *window;
    }
    return limit;
}

Result<Backoff> parse_backoff(std::string_view text) {
    auto colon = text.find(':');
    auto min = parse_seconds(text.substr(0, colon), "--restart-delay");
    if (!min) return min.error();
    Backoff b{*min, std::max(*min, Millis{30000})};
    if (colon != std::string_view::npos) {
        auto max = parse_seconds(text.substr(colon + 1), "--restart-delay");
        if (!max) return max.error();
        if (*max < *min) return bad("--restart-delay", text, "MIN[:MAX] with MIN <= MAX");
        b.max = *max;
    }
    return b;
}

Result<std::vector<int>> parse_exit_codes(std::string_view text) {
    std::vector<int> codes;
    size_t i = 0;
    while (i <= text.size()) {
        size_t end = std::min(text.find(',', i), text.size());
        auto code = parse_unsigned<unsigned>(text.substr(i, end - i), 255);
        if (!code) return bad("--success-exit", text, "a list of exit codes 0-255 like 0,3");
        codes.push_back(static_cast<int>(*code));
        i = end + 1;
    }
    return codes;
}

Result<RestartPolicy> parse_restart_policy(std::string_view text) {
    if (text == "always") return RestartPolicy::always;
    if (text == "on-failure") return RestartPolicy::on_failure;
    if (text == "no") return RestartPolicy::no;
    return bad("--restart", text, "always, on-failure or no");
}

}  // namespace daemonize
