// Control verbs on a pidfile: --status, --stop, --signal (SPEC.md section 7).
#pragma once

#include <sys/types.h>

#include <ctime>
#include <string>

#include "error.hpp"
#include "options.hpp"
#include "pidfile.hpp"

namespace daemonize::control {

enum class PidState { missing, unreadable, invalid, stale, running };

/// What a pidfile says, checked against the process table.
struct Lookup {
    PidState state = PidState::missing;
    pid_t pid = 0;       // for stale and running
    Error why;           // for unreadable: cannot be read, or breaks a pidfile rule
    pidfile::Written written;  // when and for whom the pidfile was written
};

/// LSB status codes: 0 running, 1 dead but pidfile exists, 3 not running, 4 unknown.
[[nodiscard]] int lsb_code(PidState s) noexcept;
/// The line --status prints ("running (pid N)", "not running", ...).
[[nodiscard]] std::string status_line(const Lookup& l);

/// Reads and judges the pidfile at `path` (sys::fs::open_pidfile: never a
/// link, a FIFO or a file others could have written).
[[nodiscard]] Lookup look_up(const std::string& path);

/// The verbs; each returns daemonize's exit status.
[[nodiscard]] Result<int> status(const Options& opts);
[[nodiscard]] Result<int> stop(const Options& opts);
[[nodiscard]] Result<int> send_signal(const Options& opts);
/// --scale, --reload, --restart-instance: asked of the supervisor on its
/// control socket; its answer decides the exit status.
[[nodiscard]] Result<int> live(const Options& opts);

}  // namespace daemonize::control
