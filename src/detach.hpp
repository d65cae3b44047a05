// The double fork: caller → session leader → daemon, with exec confirmation.
#pragma once

#include <sys/types.h>

#include <functional>

#include "error.hpp"
#include "policy.hpp"
#include "spawn.hpp"

namespace daemonize {

/// What the daemon process runs; must not return. Its report pipe is passed.
using DaemonMain = std::function<void(int report_fd)>;

/// While the caller waits for a supervisor to report ready: a signalfd for
/// TERM and INT, and how long the supervisor may take to stop.
struct Interrupt {
    int fd = -1;
    Millis stop_wait{0};
};

/// fork → setsid → fork → `daemon_main` (default: exec_daemon(plan)).
/// Returns the daemon's PID once the report pipe reached EOF without a
/// failure (its execve succeeded, or a supervisor closed it); otherwise the
/// error reported (126/127 for exec, 125 for everything else), with the
/// failed daemon already reaped. A signal on `interrupt.fd` meanwhile stops
/// the daemon (TERM, then the whole tree is killed after stop_wait) and
/// gives 128+N.
[[nodiscard]] Result<pid_t> detach(const LaunchPlan& plan, const DaemonMain& daemon_main = {},
                                   Interrupt interrupt = {});

/// Turns a child's failure report into the caller's error message.
[[nodiscard]] Error describe_failure(const LaunchPlan& plan, const Report& report);

}  // namespace daemonize
