// Detaching: SPEC.md section 3, steps 3, 4 and 6.
#include "detach.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "log.hpp"
#include "ready.hpp"
#include "sys/posix.hpp"
#include "sys/proc.hpp"
#include "sys/signals.hpp"

namespace daemonize {
namespace {

// A plain daemon (no supervisor) is started by vfork, twice, the way
// posix_spawn starts a process: no page tables are copied, and each parent
// resumes exactly when its child has exec'd or exited, so when the caller
// runs again the daemon's exec is decided and reported (measured here,
// 0.14 ms less of the caller's wait than fork twice, bench/launch.sh). The
// rules of spawn_instance() (spawn.cpp) hold for both children: they run on
// the caller's memory and stack, use only data prepared before, write no
// memory of the caller's (not even the pipe's RAII objects), and leave only
// through execve or _exit. A supervisor stays, so it is forked.
[[gnu::noinline]] pid_t vfork_daemon(const LaunchPlan& plan, int report_fd) noexcept {
    pid_t pid = ::vfork();
    if (pid == 0) exec_daemon(plan, report_fd);
    return pid;
}

// The session leader: new session, then fork again so the daemon is not a
// session leader and can never acquire a controlling terminal.
[[noreturn]] void run_session_leader(const LaunchPlan& plan, const DaemonMain& daemon_main, int report_fd) noexcept {
    if (::setsid() == -1) {
        send_report(report_fd, Stage::setsid, errno);
        _exit(125);
    }
    pid_t pid = daemon_main ? ::fork() : vfork_daemon(plan, report_fd);
    if (pid == -1) {
        send_report(report_fd, Stage::fork, errno);
        _exit(125);
    }
    if (pid == 0) {  // forked: the supervisor
        daemon_main(report_fd);
        exec_daemon(plan, report_fd);
    }
    send_report(report_fd, Stage::started, pid);
    _exit(0);
}

[[gnu::noinline]] pid_t vfork_session_leader(const LaunchPlan& plan, int report_fd) noexcept {
    pid_t pid = ::vfork();
    if (pid == 0) run_session_leader(plan, DaemonMain{}, report_fd);
    return pid;
}

// The session leader and, through it, the daemon. Returns the leader's
// PID, or -1 with errno.
pid_t start_session_leader(const LaunchPlan& plan, const DaemonMain& daemon_main, sys::Pipe& pipe) {
    if (!daemon_main) {
        // Every signal blocked until both children are gone: no handler may
        // run on this memory in a child (exec_daemon resets the dispositions
        // before it unblocks them).
        sigset_t all, saved;
        sigfillset(&all);
        ::sigprocmask(SIG_SETMASK, &all, &saved);
        pid_t leader = vfork_session_leader(plan, pipe.write.get());
        int err = errno;
        ::sigprocmask(SIG_SETMASK, &saved, nullptr);
        errno = err;
        return leader;
    }
    pid_t leader = ::fork();
    if (leader == 0) {
        pipe.read.reset();
        run_session_leader(plan, daemon_main, pipe.write.get());
    }
    return leader;
}

struct Outcome {
    pid_t daemon = -1;
    std::optional<Report> failure;
    int interrupted = 0;  // the signal that came on the interrupt fd
};

// Reads reports until EOF: the daemon's copy of the pipe closes at its
// execve (close-on-exec) or at its exit, or a supervisor closes it once
// ready. A signal on `stop_fd` ends the wait early.
Result<Outcome> read_reports(int fd, int stop_fd) {
    Outcome out;
    for (;;) {
        pollfd p[2] = {{fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
        if (::poll(p, stop_fd >= 0 ? 2 : 1, -1) == -1) {
            if (errno == EINTR) continue;
            return sys_error("poll");
        }
        if (stop_fd >= 0 && (p[1].revents & POLLIN) != 0) {
            signalfd_siginfo si{};
            if (::read(stop_fd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
                out.interrupted = static_cast<int>(si.ssi_signo);
                return out;
            }
        }
        if (p[0].revents == 0) continue;
        Report r;
        auto n = sys::read_full(fd, &r, sizeof r);
        if (!n) return std::move(n).error();
        if (*n == 0) return out;
        if (*n != sizeof r) return usage_error("short report from the daemon process");
        if (r.stage == Stage::started) {
            out.daemon = r.value;
        } else if (!out.failure) {
            out.failure = r;
        }
    }
}

// TERM to the daemon (a supervisor stops its instances), and after `wait`
// SIGKILL to it and its whole tree; then reaped (as a subreaper the caller
// inherited it).
void stop_daemon(pid_t daemon, Millis wait) {
    sys::UniqueFd fd{sys::pidfd_open(daemon)};
    if (!fd.valid()) return;
    (void)sys::pidfd_send_signal(fd.get(), SIGTERM);
    pollfd p{fd.get(), POLLIN, 0};
    const std::int64_t deadline = sys::monotonic_ms() + wait.count();
    while (::poll(&p, 1, static_cast<int>(std::clamp<std::int64_t>(deadline - sys::monotonic_ms(), 0, 1 << 30))) == 0) {
        if (sys::monotonic_ms() >= deadline) {
            sys::kill_tree(daemon, fd.get());
            break;
        }
    }
    (void)sys::wait_pid(daemon);
}

}  // namespace

Error describe_failure(const LaunchPlan& plan, const Report& report) {
    int err = report.value;
    switch (report.stage) {
    case Stage::exec:
        return Error{err == ENOENT ? ExitCode::not_found : ExitCode::cannot_execute,
                     "cannot execute '" + plan.args.front() + "'", err};
    case Stage::setsid: return sys_error("setsid", err);
    case Stage::fork: return sys_error("fork", err);
    case Stage::chdir: return sys_error("chdir " + plan.chdir, err);
    case Stage::stdio: return sys_error("redirect standard streams", err);
    case Stage::close_fds: return sys_error("close inherited file descriptors", err);
    case Stage::signals: return sys_error("reset signal dispositions", err);
    case Stage::setgroups: return sys_error("setgroups", err);
    case Stage::setgid:
        return sys_error("setgid " + std::to_string(plan.identity ? plan.identity->gid : 0), err);
    case Stage::setuid:
        return sys_error("setuid " + std::to_string(plan.identity ? plan.identity->uid : 0), err);
    case Stage::regain_root: return usage_error("root privileges could be regained after dropping them; refusing to run");
    case Stage::pidfile: return sys_error("write pidfile " + plan.pidfile_path, err);
    case Stage::supervise: return sys_error("start the supervisor", err);
    case Stage::ready_fd: return sys_error("put the readiness pipe on fd " + std::to_string(plan.ready_fd), err);
    case Stage::process:
        return sys_error(sys::describe_step(plan.process, plan.harden, static_cast<sys::Step>(report.step), report.index),
                         err);
    case Stage::exited:
        return exited_before_ready(plan.args.front(), ExitInfo{err < 0, err < 0 ? -err : err});
    case Stage::too_short:
        return exited_too_soon(plan.args.front(), ExitInfo{err < 0, err < 0 ? -err : err}, Millis{report.millis},
                               plan.min_uptime);
    case Stage::not_ready: return not_ready_in_time(plan.args.front(), Millis{err});
    case Stage::ready_fd_closed: return ready_fd_closed(plan.args.front(), err);
    case Stage::started: break;
    }
    return usage_error("unknown failure in the daemon process");
}

Result<pid_t> detach(const LaunchPlan& plan, const DaemonMain& daemon_main, Interrupt interrupt) {
    auto pipe = sys::make_pipe();
    if (!pipe) return std::move(pipe).error();

    // As a subreaper, the caller inherits the daemon when the session leader
    // exits, so a daemon that failed before exec can be reaped here instead
    // of lingering as a zombie under a PID 1 that does not reap.
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) log::verbose("cannot become a subreaper: %s", strerror(errno));

    // Inherited SIGCHLD=SIG_IGN would make the kernel reap our children
    // itself, and waitpid() fail with ECHILD.
    ::signal(SIGCHLD, SIG_DFL);

    pid_t leader = start_session_leader(plan, daemon_main, *pipe);
    if (leader == -1) return sys_error(daemon_main ? "fork" : "vfork");
    pipe->write.reset();

    auto outcome = read_reports(pipe->read.get(), interrupt.fd);
    if (auto status = sys::wait_pid(leader); !status) return std::move(status).error();
    if (!outcome) return std::move(outcome).error();
    if (outcome->interrupted != 0) {
        if (outcome->daemon > 0) stop_daemon(outcome->daemon, interrupt.stop_wait);
        return Error{static_cast<ExitCode>(128 + outcome->interrupted),
                     "interrupted by SIG" + sys::signal_name(outcome->interrupted) + " while waiting for '" +
                         plan.args.front() + "' to be ready; stopped it",
                     0, true};
    }
    if (outcome->failure) {
        if (outcome->daemon > 0) (void)sys::wait_pid(outcome->daemon);
        return describe_failure(plan, *outcome->failure);
    }
    if (outcome->daemon <= 0) return usage_error("the daemon process vanished before reporting");
    return outcome->daemon;
}

}  // namespace daemonize
