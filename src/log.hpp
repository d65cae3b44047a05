// Messages to daemonize's own stderr, gated by -v/-q.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <ctime>
#include <string_view>

#include "options.hpp"

namespace daemonize::log {

/// Set once by main from -v/-q.
void set_verbosity(Verbosity v) noexcept;

/// "daemonize: <msg>" — always printed.
void error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
/// "daemonize: warning: <msg>" — silenced by -q.
void warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
/// "daemonize: <msg>" — only with -v.
void verbose(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
[[nodiscard]] bool verbose_enabled() noexcept;
/// `when` in local time as RFC 3339 with milliseconds,
/// "2026-11-25T10:00:00.123+01:00", into `out`; returns its length.
size_t format_rfc3339(const timespec& when, char (&out)[40]) noexcept;
/// "2026-11-25T10:00:00.123+00:00 daemonize[PID]: <msg>" — the supervisor's
/// event log; silenced by -q.
void event_v(const char* fmt, va_list ap);

/// Where messages go instead of fd 2 (the supervisor's log sink, which
/// counts and rotates); null: back to fd 2. Set before the event loop.
using EventWriter = void (*)(void* ctx, std::string_view line);
void set_event_writer(EventWriter writer, void* ctx) noexcept;

/// The one owner of what a supervisor changes about daemonize's own output:
/// it keeps a copy of fd 2 as it was (log capture moves fd 2 onto the log
/// file) and, when it goes, puts fd 2 back and removes the event writer,
/// so that an error printed afterwards reaches the caller's terminal and
/// never a sink that no longer exists.
class SinkGuard {
public:
    SinkGuard() noexcept;
    ~SinkGuard();
    SinkGuard(const SinkGuard&) = delete;
    SinkGuard& operator=(const SinkGuard&) = delete;
    /// Routes events to `writer` until the guard goes.
    void install(EventWriter writer, void* ctx) noexcept;
    /// The copy of fd 2 (close-on-exec), -1 if there was none.
    [[nodiscard]] int saved() const noexcept { return saved_stderr_; }

private:
    int saved_stderr_ = -1;
};

}  // namespace daemonize::log
