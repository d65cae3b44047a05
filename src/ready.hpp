// Waiting for readiness in the default mode, and the errors for a command
// that never got there (SPEC.md section 8).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "error.hpp"
#include "notify.hpp"
#include "options.hpp"
#include "policy.hpp"
#include "sys/fd.hpp"

namespace daemonize {

/// The exit status when COMMAND ended before it was ready: its own (128+N
/// for signal N), except that 0 becomes 1, since 0 means "ready".
[[nodiscard]] Error exited_before_ready(const std::string& name, const ExitInfo& how);
/// It exited after `uptime`, less than --min-uptime: the same status.
[[nodiscard]] Error exited_too_soon(const std::string& name, const ExitInfo& how, Millis uptime, Millis min_uptime);
/// The same, when its status cannot be known (it was not our child).
[[nodiscard]] Error vanished_before_ready(const std::string& name);
/// --ready-timeout passed: 124.
[[nodiscard]] Error not_ready_in_time(const std::string& name, Millis timeout);
/// --ready-fd closed without a newline: 124.
[[nodiscard]] Error ready_fd_closed(const std::string& name, int fd);

/// What the caller listens on while it waits.
struct ReadyWatch {
    std::optional<notify::Socket> socket;
    sys::UniqueFd fd;  // read end of the --ready-fd pipe (non-blocking)
    int fd_number = -1;
    uid_t uid = 0;     // the command's user, for senders already gone
};

/// Default mode: waits until `daemon` (our child, the exec'd command) or
/// its tree reports ready; returns the main PID (MAINPID= if one was sent,
/// else `daemon`). If it exits first, or the time runs out, or the fd is
/// closed unready, it (its process group, and MAINPID) is stopped with
/// SIGTERM, then SIGKILL after `stop_timeout`, and reaped. The same when a
/// signal arrives on `stop_fd` (a signalfd for TERM and INT; -1: none):
/// then the error's code is 128+N. Once ready, it must also have run for
/// `min_uptime` since the wait began (without a socket or ready fd to
/// watch, only that is waited for); an exit before is a failed start too.
[[nodiscard]] Result<pid_t> wait_ready(ReadyWatch& watch, pid_t daemon, const std::string& name,
                                       Millis timeout, Millis stop_timeout, int stop_fd, Millis min_uptime);

}  // namespace daemonize
