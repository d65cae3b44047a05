// The resident supervisor: N instances, restarts, signals, reaping.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "capture.hpp"
#include "options.hpp"
#include "spawn.hpp"

namespace daemonize {

struct SupervisePlan {
    LaunchPlan launch;       // the command, its env and identity; pidfile = ours
    SuperviseOptions opts;
    int instances = 1;       // resolved (never 0)
    std::string child_pidfile;  // absolute, or empty
    bool log_events = true;  // false: plain -f without -v stays quiet
    ReadyOptions ready;
    uid_t command_uid = 0;       // for notification senders already gone
    std::string upstream_notify; // -f under systemd: our own NOTIFY_SOCKET
    std::optional<capture::Capture::Plan> capture;  // output through the supervisor
    bool log_forward_hup = false;  // with capture, SIGHUP reopens; also forward it?
    sys::fs::Actor files;          // who the child pidfile and logs are for
    sys::UniqueFd root_dir;        // --chroot's directory (launch.process.root_fd)
};

/// Runs the supervisor in this process until it is told to stop, gives up,
/// or nothing is left to run; returns daemonize's exit status. The first
/// start of every instance is confirmed on `report_fd` (the caller's pipe;
/// -1 in foreground mode, where a failure is returned as an Error instead).
/// With `ready.wait`, the caller is released only once every instance has
/// reported ready; an instance exiting before that, or the timeout, stops
/// them all and is reported as Stage::exited / Stage::not_ready.
[[nodiscard]] Result<int> supervise(const SupervisePlan& plan, int report_fd);

}  // namespace daemonize
