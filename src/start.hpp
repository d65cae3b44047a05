// The default verb: start COMMAND as a daemon, or supervise it.
#pragma once

#include "error.hpp"
#include "options.hpp"

namespace daemonize {

/// Acquires everything that can fail while the user still has a terminal
/// (command path, identity, pidfile lock, stdio files), then detaches the
/// command or a supervisor, or supervises in the foreground. Returns the exit
/// status; on failure nothing is left behind.
[[nodiscard]] Result<int> run_start(const Options& opts);

}  // namespace daemonize
