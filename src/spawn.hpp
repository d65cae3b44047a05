// The daemon's side between fork and exec: only prepared data and plain syscalls.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "identity.hpp"
#include "sys/process.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize {

/// Everything the child needs, built before forking (no allocation after fork).
struct LaunchPlan {
    std::string path;               // resolved executable
    std::vector<std::string> args;  // argv as the user gave it
    std::vector<std::string> env;   // "NAME=VALUE"
    std::vector<char*> argv;        // into `args`, null-terminated
    std::vector<char*> envp;        // into `env`, null-terminated
    std::string chdir = "/";         // empty: keep the current directory
    int umask = 022;                 // -1: keep
    int in_fd = -1, out_fd = -1, err_fd = -1;  // -1: keep that stream
    int pidfile_fd = -1;  // -1: no pidfile
    std::string pidfile_path;
    sys::fs::FileId pidfile_id;  // the locked file: the only one ever unlinked
    std::string boot_id;         // for the pidfile's stamp (pidfile::stamp_self)
    std::optional<Identity> identity;
    sys::ProcessPlan process;  // --chroot, --nice, --limit... (the command's only)
    HardenOptions harden;      // the same as given, for error messages
    Millis min_uptime{0};      // --min-uptime, for error messages
    bool take_terminal = false;  // foreground: the instance gets the tty's foreground
    int ready_fd = -1;   // --ready-fd N: the command gets a pipe's write end as fd N
    int ready_src = -1;  // default mode: that write end, in the caller (fds > 2)
    // --listen: the sockets sit on fds 3 .. 2+listen_count in daemonize
    // itself (close-on-exec) from the start, so no other fd can take those
    // numbers; the command inherits them there.
    int listen_count = 0;
    char* listen_pid = nullptr;  // room for LISTEN_PID's value in `env`

    /// Points argv/envp at args/env; call after filling them.
    void seal();
};

/// The step that failed in the child, reported to the caller.
enum class Stage : std::int32_t {
    started = 0,  // not a failure: `value` is the daemon's PID
    setsid,
    fork,
    chdir,
    stdio,
    close_fds,
    signals,
    setgroups,
    setgid,
    setuid,
    regain_root,
    pidfile,
    exec,
    supervise,  // the supervisor's own setup failed
    ready_fd,   // --ready-fd could not be put in place
    process,    // a process setting (Report::step says which)
    // Not failures of daemonize: the command ran but never became ready.
    exited,     // it exited first: `value` is its exit code, or -N for signal N
    too_short,  // the same, after `millis`, less than --min-uptime
    not_ready,  // --ready-timeout passed: `value` is the timeout in ms
    ready_fd_closed,  // EOF on --ready-fd without a newline: `value` is the fd
};

/// One message on the report pipe; small enough to be written atomically.
struct Report {
    Stage stage = Stage::started;
    std::int32_t value = 0;  // errno, or the PID for Stage::started
    std::int32_t step = 0;    // Stage::process: the sys::Step that failed
    std::int32_t index = 0;   // Stage::process: which limit or capability
    std::int32_t millis = 0;  // Stage::too_short: how long it ran
};

/// In the daemon process: umask, chdir, stdio, close fds, reset signals,
/// pidfile, process settings and chroot, identity, capabilities, exec — in
/// that order (SPEC.md section 3, step 5).
/// On failure writes a Report to `report_fd` and _exit()s.
[[noreturn]] void exec_daemon(const LaunchPlan& plan, int report_fd) noexcept;

/// The first half of exec_daemon, for a process that stays daemonize (the
/// supervisor): umask, chdir, stdio, close every fd but `keep_fd` (the
/// report pipe, or a copy of the caller's stderr), the pidfile's,
/// `ready_src` and the --chroot directory, reset signals. Returns the failed step, if any.
[[nodiscard]] std::optional<Report> prepare_process(const LaunchPlan& plan, int keep_fd) noexcept;

/// The fds a supervised instance gets from its supervisor (-1: none).
struct InstanceFds {
    int out = -1, err = -1;  // log capture pipes, for its stdout and stderr
    int ready = -1;          // --ready-fd pipe, for fd plan.ready_fd
};

/// Room for a variable whose value is the instance's own PID
/// (WATCHDOG_PID=, LISTEN_PID=): `text` is in envp; the child writes its
/// PID in decimal at `value` (which has room for 20 digits and a NUL).
struct PidSlot {
    std::array<char*, 2> values{};  // nullptr: none
};

/// In a supervised instance: `fds` in place, own process group, clean
/// signal state, process settings and chroot, identity, capabilities,
/// SIGKILL when the supervisor dies, `slot` filled, exec with `envp`.
[[noreturn]] void exec_instance(const LaunchPlan& plan, char* const* envp, pid_t supervisor, InstanceFds fds,
                                PidSlot slot, int report_fd) noexcept;

/// Starts an instance: vfork, then exec_instance() in the child. Returns the
/// child's PID, or -1 with errno. (detach.cpp vforks the plain daemon the same way.)
[[nodiscard]] pid_t spawn_instance(const LaunchPlan& plan, char* const* envp, pid_t supervisor, InstanceFds fds,
                                   PidSlot slot, int report_fd) noexcept;

/// Writes one Report; for the child side, async-signal-safe.
void send_report(int fd, Stage stage, std::int32_t value) noexcept;
void send_report(int fd, const Report& report) noexcept;

}  // namespace daemonize
