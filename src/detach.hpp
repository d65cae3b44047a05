// The double fork: caller → session leader → daemon, with exec confirmation.
#pragma once

#include <sys/types.h>

#include "error.hpp"
#include "spawn.hpp"

namespace daemonize {

/// fork → setsid → fork → exec_daemon(plan). Returns the daemon's PID once
/// its execve succeeded; otherwise the error the daemon reported (126/127 for
/// exec, 125 for everything else), with the failed daemon already reaped.
[[nodiscard]] Result<pid_t> detach(const LaunchPlan& plan);

/// Turns a child's failure report into the caller's error message.
[[nodiscard]] Error describe_failure(const LaunchPlan& plan, const Report& report);

}  // namespace daemonize
