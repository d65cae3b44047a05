// The caller's wait for readiness in the default mode: poll on the
// notification socket, the --ready-fd pipe and pidfds, with one deadline.
#include "ready.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>

#include "log.hpp"
#include "sys/posix.hpp"
#include "sys/proc.hpp"
#include "sys/signals.hpp"

namespace daemonize {
namespace {

// After EOF on the ready fd, how long the command gets to show that it is
// exiting (its fds close just before its exit is visible) before we
// conclude it closed the fd on purpose.
constexpr std::int64_t closed_fd_grace_ms = 1000;

std::string seconds(Millis ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g s", static_cast<double>(ms.count()) / 1000);
    return buf;
}

// The processes the wait is about: the daemon (our child) and, after a
// MAINPID=, the process it named.
struct Tracked {
    pid_t daemon = -1;
    sys::UniqueFd daemon_fd;
    bool daemon_gone = false;
    std::optional<ExitInfo> daemon_status;  // if it is ours to reap
    bool daemon_ours = true;  // a zombie we have not reaped keeps its PID and group reserved
    pid_t main = -1;
    sys::UniqueFd main_fd;             // only when main != daemon
    bool main_gone = false;
    pid_t group = -1;                  // the daemon's process group

    bool main_exited() const { return main == daemon ? daemon_gone : main_gone; }

    // The group and PID are safe to signal while the daemon is alive or an
    // unreaped zombie of ours: neither number can have been reused.
    void signal_all(int sig) const {
        if (daemon_ours && group > 1) ::kill(-group, sig);
        if (daemon_ours) ::kill(daemon, sig);
        if (main_fd.valid()) (void)sys::pidfd_send_signal(main_fd.get(), sig);
    }

    // Looks at the daemon's exit without reaping it (WNOWAIT), see above.
    void peek_daemon() {
        siginfo_t info{};
        int r = sys::retry_eintr([&] { return ::waitid(P_PID, static_cast<id_t>(daemon), &info, WEXITED | WNOHANG | WNOWAIT); });
        if (r == 0 && info.si_pid == daemon) {
            daemon_gone = true;
            bool signaled = info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED;
            daemon_status = ExitInfo{signaled, info.si_status};
        } else if (r == -1 && errno == ECHILD) {
            daemon_gone = true;  // not our child after all (no subreaper): no status
            daemon_ours = false;
        }
    }

    void reap() const {
        if (daemon_status) (void)sys::wait_pid(daemon);
    }

    // Takes note of exits without blocking.
    void check_exits() {
        if (!daemon_gone) {
            pollfd p{daemon_fd.get(), POLLIN, 0};
            if (!daemon_fd.valid() || ::poll(&p, 1, 0) == 1) peek_daemon();
        }
        if (main_fd.valid() && !main_gone) {
            pollfd p{main_fd.get(), POLLIN, 0};
            if (::poll(&p, 1, 0) == 1) main_gone = true;
        }
    }

    bool all_gone() const { return daemon_gone && (!main_fd.valid() || main_gone); }

    // Polls the pidfds until both processes are gone or `until` passes.
    void wait_gone(std::int64_t until) {
        for (;;) {
            check_exits();
            if (all_gone()) return;
            std::int64_t left = until - sys::monotonic_ms();
            if (left <= 0) return;
            std::array<pollfd, 2> p{pollfd{daemon_fd.get(), POLLIN, 0}, pollfd{main_fd.get(), POLLIN, 0}};
            if (daemon_gone) p[0].fd = -1;
            if (main_gone) p[1].fd = -1;
            ::poll(p.data(), p.size(), static_cast<int>(std::min<std::int64_t>(left, 1 << 30)));
        }
    }

    void stop(Millis stop_timeout) {
        signal_all(SIGTERM);
        wait_gone(sys::monotonic_ms() + stop_timeout.count());
        if (!all_gone()) {
            log::warn("still running after %s: SIGKILL", seconds(stop_timeout).c_str());
            signal_all(SIGKILL);
            wait_gone(sys::monotonic_ms() + 5000);
        }
    }
};

// The signal read from `fd` (a signalfd for TERM and INT), or 0.
int stop_requested(int fd) {
    if (fd < 0) return 0;
    signalfd_siginfo si{};
    if (::read(fd, &si, sizeof si) != static_cast<ssize_t>(sizeof si)) return 0;
    return static_cast<int>(si.ssi_signo);
}

}  // namespace

Error exited_before_ready(const std::string& name, const ExitInfo& how) {
    Error e;
    e.command_ran = true;
    if (how.signaled) {
        e.code = static_cast<ExitCode>(128 + how.value);
        e.what = "'" + name + "' was killed by SIG" + sys::signal_name(how.value) + " before it was ready";
    } else {
        e.code = static_cast<ExitCode>(how.value == 0 ? 1 : how.value);
        e.what = "'" + name + "' exited with status " + std::to_string(how.value) + " before it was ready";
    }
    return e;
}

Error exited_too_soon(const std::string& name, const ExitInfo& how, Millis uptime, Millis min_uptime) {
    Error e = exited_before_ready(name, how);
    const std::string when = " after " + seconds(uptime) + ", before --min-uptime " + seconds(min_uptime);
    e.what = e.what.substr(0, e.what.size() - std::string_view(" before it was ready").size()) + when;
    return e;
}

Error vanished_before_ready(const std::string& name) {
    return Error{ExitCode::not_running_or_busy, "'" + name + "' exited before it was ready", 0, true};
}

Error not_ready_in_time(const std::string& name, Millis timeout) {
    return Error{ExitCode::not_ready, "'" + name + "' was not ready after " + seconds(timeout) + "; stopped it", 0,
                 true};
}

Error ready_fd_closed(const std::string& name, int fd) {
    return Error{ExitCode::not_ready,
                 "'" + name + "' closed fd " + std::to_string(fd) + " without reporting ready; stopped it", 0, true};
}

// After READY=1 the socket goes away with this process. systemd-notify
// sends BARRIER=1 right after READY=1 and fails if nobody is there to take
// it; it is a helper process in the command's tree, so while the tree has
// more than its main process, keep listening until a barrier is answered or
// the socket has been quiet a moment (bounded).
void linger(const ReadyWatch& watch, pid_t main, pid_t self) {
    constexpr std::int64_t quiet_ms = 100, at_most_ms = 2000;
    if (!watch.socket || sys::descendants_of(main).empty()) return;
    const std::int64_t end = sys::monotonic_ms() + at_most_ms;
    std::int64_t quiet_until = sys::monotonic_ms() + quiet_ms;
    for (;;) {
        std::int64_t now = sys::monotonic_ms();
        std::int64_t until = std::min(quiet_until, end);
        if (now >= until) return;
        pollfd p{watch.socket->fd(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(until - now)) <= 0) continue;
        auto said = notify::drain(*watch.socket, self, watch.uid);
        if (said.barrier) return;
        quiet_until = sys::monotonic_ms() + quiet_ms;
    }
}

Error interrupted(const std::string& name, int sig, bool for_ready) {
    return Error{static_cast<ExitCode>(128 + sig),
                 "interrupted by SIG" + sys::signal_name(sig) + " while waiting for '" + name + "' to be " +
                     (for_ready ? "ready" : "up for --min-uptime") + "; stopped it",
                 0, true};
}

Result<pid_t> wait_ready(ReadyWatch& watch, pid_t daemon, const std::string& name, Millis timeout,
                         Millis stop_timeout, int stop_fd, Millis min_uptime) {
    const pid_t self = ::getpid();
    Tracked t;
    t.daemon = t.main = daemon;
    t.daemon_fd = sys::UniqueFd{sys::pidfd_open(daemon)};
    t.group = ::getpgid(daemon);
    // ESRCH: gone and reaped already, which check_exits() finds out.
    if (!t.daemon_fd.valid() && errno != ESRCH) return sys_error("watch PID " + std::to_string(daemon));
    const std::int64_t start = sys::monotonic_ms();
    std::int64_t deadline = timeout.count() > 0 ? start + timeout.count() : INT64_MAX;
    std::int64_t fd_closed_at = -1;
    // Without -w, only --min-uptime is waited for: "ready" from the start.
    const bool for_ready = watch.socket || watch.fd.valid();
    bool was_ready = !for_ready;
    const std::int64_t up_at = start + min_uptime.count();
    if (was_ready) deadline = up_at;

    for (;;) {
        // Messages first, and always (not only when poll said so): a
        // READY=1 sent just before the command exited still counts.
        bool ready = false;
        if (watch.socket) {
            auto said = notify::drain(*watch.socket, self, watch.uid);
            for (const auto& status : said.statuses) log::verbose("%s: %s", name.c_str(), status.c_str());
            if (said.mainpid && *said.mainpid != t.main) {
                sys::UniqueFd fd{sys::pidfd_open(*said.mainpid)};
                if (fd.valid()) {
                    log::verbose("main PID of '%s' is now %d", name.c_str(), static_cast<int>(*said.mainpid));
                    t.main = *said.mainpid;
                    t.main_fd = *said.mainpid == daemon ? sys::UniqueFd{} : std::move(fd);
                    t.main_gone = false;
                }
            }
            ready = said.ready;
        }
        if (watch.fd.valid()) {
            switch (notify::read_ready_fd(watch.fd.get())) {
            case notify::FdState::ready: ready = true; break;
            case notify::FdState::closed:
                watch.fd.reset();
                if (!was_ready) fd_closed_at = sys::monotonic_ms();
                break;
            case notify::FdState::pending: break;
            }
        }
        if (ready && !was_ready) {
            was_ready = true;
            watch.fd.reset();  // one newline is the whole protocol
            linger(watch, t.main, self);
            log::verbose("'%s' is ready (main PID %d) after %.3f s", name.c_str(), static_cast<int>(t.main),
                         static_cast<double>(sys::monotonic_ms() - start) / 1000);
            deadline = up_at;
        }

        t.check_exits();
        if (t.main_exited() && (!was_ready || sys::monotonic_ms() < up_at)) {
            // Anything it left behind in its process group goes too.
            t.stop(stop_timeout);
            t.reap();
            // MAINPID, or a daemon that was not our child: no status to pass on.
            if (t.main != daemon || !t.daemon_status) return vanished_before_ready(name);
            if (was_ready) return exited_too_soon(name, *t.daemon_status, Millis{sys::monotonic_ms() - start}, min_uptime);
            return exited_before_ready(name, *t.daemon_status);
        }

        std::int64_t now = sys::monotonic_ms();
        if (was_ready && now >= up_at) {
            // Gone by now, even if only just: no success for a dead PID.
            t.check_exits();
            if (t.main_exited() && min_uptime.count() > 0) {
                t.stop(stop_timeout);
                t.reap();
                if (t.main != daemon || !t.daemon_status) return vanished_before_ready(name);
                return exited_too_soon(name, *t.daemon_status, Millis{now - start}, min_uptime);
            }
            t.reap();  // a forking command that already left
            if (min_uptime.count() > 0)
                log::verbose("'%s' still running after --min-uptime %s", name.c_str(), seconds(min_uptime).c_str());
            return t.main;
        }
        if (fd_closed_at >= 0 && now - fd_closed_at >= closed_fd_grace_ms) {
            t.stop(stop_timeout);
            t.reap();
            return ready_fd_closed(name, watch.fd_number);
        }
        if (!was_ready && now >= deadline) {
            log::verbose("'%s' not ready after %s: stopping it", name.c_str(), seconds(timeout).c_str());
            t.stop(stop_timeout);
            t.reap();
            return not_ready_in_time(name, timeout);
        }

        std::int64_t until = deadline;
        if (fd_closed_at >= 0) until = std::min(until, fd_closed_at + closed_fd_grace_ms);
        if (int sig = stop_requested(stop_fd)) {
            t.stop(stop_timeout);
            t.reap();
            return interrupted(name, sig, for_ready && !was_ready);
        }

        std::array<pollfd, 5> p{};
        nfds_t n = 0;
        if (stop_fd >= 0) p[n++] = pollfd{stop_fd, POLLIN, 0};
        if (watch.socket) p[n++] = pollfd{watch.socket->fd(), POLLIN, 0};
        if (watch.fd.valid()) p[n++] = pollfd{watch.fd.get(), POLLIN, 0};
        if (!t.daemon_gone && t.daemon_fd.valid()) p[n++] = pollfd{t.daemon_fd.get(), POLLIN, 0};
        if (t.main_fd.valid() && !t.main_gone) p[n++] = pollfd{t.main_fd.get(), POLLIN, 0};
        int wait_ms = until == INT64_MAX ? -1 : static_cast<int>(std::clamp<std::int64_t>(until - now, 0, 1 << 30));
        if (::poll(p.data(), n, wait_ms) == -1 && errno != EINTR) return sys_error("poll");
    }
}

}  // namespace daemonize
