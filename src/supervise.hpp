// The resident supervisor: N instances, restarts, signals, reaping.
#pragma once

#include <string>

#include "options.hpp"
#include "spawn.hpp"

namespace daemonize {

struct SupervisePlan {
    LaunchPlan launch;       // the command, its env and identity; pidfile = ours
    SuperviseOptions opts;
    int instances = 1;       // resolved (never 0)
    std::string child_pidfile;  // absolute, or empty
    bool log_events = true;  // false: plain -f without -v stays quiet
};

/// Runs the supervisor in this process until it is told to stop, gives up,
/// or nothing is left to run; returns daemonize's exit status. The first
/// start of every instance is confirmed on `report_fd` (the caller's pipe;
/// -1 in foreground mode, where a failure is returned as an Error instead).
[[nodiscard]] Result<int> supervise(const SupervisePlan& plan, int report_fd);

}  // namespace daemonize
