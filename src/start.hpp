// The default verb: start COMMAND as a detached daemon.
#pragma once

#include <sys/types.h>

#include "error.hpp"
#include "options.hpp"

namespace daemonize {

/// Acquires everything that can fail while the user still has a terminal
/// (command path, identity, pidfile lock, stdio files), then detaches.
/// Returns the daemon's PID; on failure nothing is left behind.
[[nodiscard]] Result<pid_t> start_daemon(const Options& opts);

}  // namespace daemonize
