// Messages to daemonize's own stderr, gated by -v/-q.
#pragma once

#include <cstdarg>
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
/// "2026-11-25T10:00:00.123+0000 daemonize[PID]: <msg>" — the supervisor's
/// event log; silenced by -q.
void event_v(const char* fmt, va_list ap);

/// Where messages go instead of fd 2 (the supervisor's log sink, which
/// counts and rotates); null: back to fd 2. Set before the event loop.
using EventWriter = void (*)(void* ctx, std::string_view line);
void set_event_writer(EventWriter writer, void* ctx) noexcept;

}  // namespace daemonize::log
