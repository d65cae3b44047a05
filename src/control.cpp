// Control verbs. Signals go through a pidfd opened *before* the liveness
// check, so the process we checked is the process we signal.
#include "control.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "channel.hpp"
#include "cli.hpp"
#include "log.hpp"
#include "pidfile.hpp"
#include "resolve.hpp"
#include "status.hpp"
#include "sys/posix.hpp"
#include "sys/proc.hpp"
#include "sys/signals.hpp"

namespace daemonize::control {
namespace {

// How long --stop waits for a process to vanish after SIGKILL.
constexpr int kill_wait_ms = 5000;
// What a supervisor needs beyond its --stop-timeout to kill, reap and exit.
constexpr Millis supervisor_margin{5000};

// What --stop is about to stop.
struct Target {
    bool supervisor = false;
    Millis stop_timeout{0};  // the supervisor's own
};

// A supervisor holds its pidfile's lock for life (a plain daemon lets go at
// its exec), and its command line is daemonize's, which says how long it
// takes to stop.
Target judge(const std::string& path, pid_t pid) {
    auto file = sys::fs::open_pidfile(path, false, sys::fs::Actor::current());
    if (!file || ::flock(file->fd.get(), LOCK_EX | LOCK_NB) == 0 || errno != EWOULDBLOCK) return {};
    auto args = sys::read_cmdline(pid);
    if (args.empty()) return {};
    auto cmd = parse_cli(args);
    if (!cmd || cmd->action != Action::run || cmd->options.verb != Verb::start || !cmd->options.supervise.active())
        return {};
    return Target{true, cmd->options.supervise.stop_timeout};
}


Error not_running_error() { return Error{ExitCode::not_running_or_busy, "not running", 0}; }

std::string describe(int sig) { return "SIG" + sys::signal_name(sig); }

// A pidfd for the pidfile's process, or nullopt if that process is gone
// (or was replaced by a newer one with the same PID).
std::optional<sys::UniqueFd> pin(const Lookup& l) {
    int fd = sys::pidfd_open(l.pid);
    if (fd == -1) return std::nullopt;
    sys::UniqueFd pidfd{fd};
    if (!pidfile::is_alive(l.pid, l.written)) return std::nullopt;
    return pidfd;
}

// Readable pidfd = the process exited (a zombie counts as exited). Waits
// of any length (up to --stop-timeout's 10^8 s), in poll-sized steps.
bool wait_exit(int pidfd, std::int64_t timeout_ms) {
    const std::int64_t deadline = sys::monotonic_ms() + timeout_ms;
    pollfd p{pidfd, POLLIN, 0};
    for (;;) {
        std::int64_t left = std::max<std::int64_t>(deadline - sys::monotonic_ms(), 0);
        int n = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left, 1 << 30)));
        if (n > 0) return true;
        if (n == -1 && errno != EINTR) return false;
        if (n == 0 && left == 0) return false;
    }
}

// Removes the pidfile if it still names `pid` and no start holds its lock.
void remove_if_names(const std::string& path, pid_t pid) {
    const auto actor = sys::fs::Actor::current();
    auto file = sys::fs::open_pidfile(path, false, actor);
    if (!file) return;
    int fd = file->fd.get();
    if (::flock(fd, LOCK_EX | LOCK_NB) == -1) return;
    char buf[32];
    ssize_t n = ::pread(fd, buf, sizeof buf, 0);
    if (n < 0) return;
    auto named = pidfile::parse_pid(std::string_view(buf, static_cast<size_t>(n)));
    if (pid == 0 || (named && *named == pid)) sys::fs::unlink_if(path, file->id, actor);
}

// The pidfile's absolute path (sys::fs resolves from "/").
Result<std::string> pidfile_path(const Options& opts) {
    auto cwd = sys::current_dir();
    if (!cwd) return std::move(cwd).error();
    return make_absolute(*cwd, opts.pidfile);
}

void remove_stale(const std::string& path, const Lookup& l) {
    log::verbose("removing stale pidfile %s", path.c_str());
    remove_if_names(path, l.state == PidState::stale ? l.pid : 0);
}

// --retry: signals and waits as the schedule says (start-stop-daemon's
// rules); KILL takes the whole tree, as the default escalation does.
Result<int> stop_by_schedule(const Options& opts, const std::string& path, pid_t pid, int pidfd) {
    const auto& steps = opts.stop_schedule;
    bool killed = false;  // a KILL went out: the process is about to go
    for (size_t i = 0; i < steps.size();) {
        const StopStep& step = steps[i];
        switch (step.kind) {
        case StopStep::Kind::repeat: i = static_cast<size_t>(step.value); continue;
        case StopStep::Kind::wait:
            if (wait_exit(pidfd, step.value)) {
                log::verbose("PID %d stopped", pid);
                remove_if_names(path, pid);
                return 0;
            }
            break;
        case StopStep::Kind::signal: {
            const int sig = static_cast<int>(step.value);
            log::verbose("sending %s to PID %d", describe(sig).c_str(), pid);
            if (sig == SIGKILL) {
                sys::kill_tree(pid, pidfd);
                killed = true;
            } else if (sys::pidfd_send_signal(pidfd, sig) == -1 && errno != ESRCH) {
                return sys_error("send " + describe(sig) + " to PID " + std::to_string(pid));
            }
            break;
        }
        }
        ++i;
    }
    // After a KILL ("TERM/30/KILL", or "--retry 0") it is gone in a moment.
    if (killed && wait_exit(pidfd, kill_wait_ms)) {
        remove_if_names(path, pid);
        return 0;
    }
    return Error{ExitCode::still_running,
                 "PID " + std::to_string(pid) + " still running at the end of the --retry schedule", 0};
}

}  // namespace

int lsb_code(PidState s) noexcept {
    switch (s) {
    case PidState::running: return 0;
    case PidState::stale:
    case PidState::invalid: return 1;
    case PidState::missing: return 3;
    case PidState::unreadable: return 4;
    }
    return 4;
}

std::string status_line(const Lookup& l) {
    switch (l.state) {
    case PidState::running: return "running (pid " + std::to_string(l.pid) + ")";
    case PidState::stale: return "not running (stale pidfile, pid " + std::to_string(l.pid) + ")";
    case PidState::invalid: return "not running (stale pidfile with no valid PID)";
    case PidState::missing: return "not running";
    case PidState::unreadable: return "status unknown: " + format_error(l.why);
    }
    return "status unknown";
}

Lookup look_up(const std::string& path) {
    Lookup l;
    auto file = sys::fs::open_pidfile(path, false, sys::fs::Actor::current());
    if (!file) {
        l.state = file.error().err == ENOENT ? PidState::missing : PidState::unreadable;
        l.why = std::move(file).error();
        return l;
    }
    int fd = file->fd.get();
    char buf[64];
    ssize_t n = sys::retry_eintr([&] { return ::pread(fd, buf, sizeof buf, 0); });
    if (n < 0) {
        l.state = PidState::unreadable;
        l.why = sys_error("read pidfile " + path);
        return l;
    }
    l.written = pidfile::written(fd);
    auto pid = pidfile::parse_pid(std::string_view(buf, static_cast<size_t>(n)));
    if (!pid) {
        l.state = PidState::invalid;
        return l;
    }
    l.pid = *pid;
    l.state = pidfile::is_alive(*pid, l.written) ? PidState::running : PidState::stale;
    return l;
}

namespace {

// What the supervisor behind a running pidfile says about its instances:
// nullopt with `why` empty when nothing answers there (a plain daemon).
std::optional<status::Supervisor> ask_status(const std::string& path, const Lookup& l, std::string& why) {
    auto pidfd = pin(l);  // the PID stays this process while we ask
    if (!pidfd) return std::nullopt;
    auto answer = channel::ask(channel::socket_path(path), l.pid, "status");
    if (!answer) {
        const int err = answer.error().err;
        if (err != ENOENT && err != ECONNREFUSED) why = format_error(answer.error());
        return std::nullopt;
    }
    if (answer->code != 0) {
        why = answer->text;
        return std::nullopt;
    }
    auto decoded = status::decode(answer->body);
    if (!decoded) {
        why = format_error(decoded.error());
        return std::nullopt;
    }
    return std::move(*decoded);
}

const char* state_name(PidState s) {
    switch (s) {
    case PidState::running: return "running";
    case PidState::stale:
    case PidState::invalid: return "stale";
    case PidState::missing: return "not-running";
    case PidState::unreadable: return "unknown";
    }
    return "unknown";
}

void print(const std::string& text) {
    // The exit code is the answer; a closed stdout must not change it.
    if (auto ok = sys::write_all(STDOUT_FILENO, text.data(), text.size()); !ok)
        log::warn("cannot print the status: %s", format_error(ok.error()).c_str());
}

}  // namespace

Result<int> status(const Options& opts) {
    auto path = pidfile_path(opts);
    if (!path) {
        log::error("%s", format_error(path.error()).c_str());
        return lsb_code(PidState::unreadable);
    }
    Lookup l = look_up(*path);
    std::string why;
    std::optional<status::Supervisor> sup;
    if (l.state == PidState::running) sup = ask_status(*path, l, why);
    if (opts.json) {
        status::Document doc;
        doc.pidfile = *path;
        doc.state = state_name(l.state);
        doc.pid = l.state == PidState::running || l.state == PidState::stale ? l.pid : 0;
        doc.error = l.state == PidState::unreadable ? format_error(l.why) : why;
        doc.supervisor = std::move(sup);
        timespec ts{};
        ::clock_gettime(CLOCK_REALTIME, &ts);
        doc.now_unix_ms = static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
        print(status::json(doc));
        return lsb_code(l.state);
    }
    if (l.state == PidState::unreadable) {
        log::error("%s", format_error(l.why).c_str());
        return lsb_code(l.state);
    }
    std::string text = status_line(l) + "\n";
    if (sup) text += status::table(*sup);
    print(text);
    if (!why.empty()) log::warn("instances not shown: %s", why.c_str());
    return lsb_code(l.state);
}

namespace {

// The process a pidfile names, pinned by a pidfd for as long as we act on
// it; "not running" (1) when there is none.
struct Running {
    std::string path;
    Lookup lookup;
    sys::UniqueFd pidfd;
};

Result<Running> running(const Options& opts) {
    auto path = pidfile_path(opts);
    if (!path) return std::move(path).error();
    Lookup l = look_up(*path);
    if (l.state == PidState::unreadable) return l.why;
    auto pidfd = l.state == PidState::running ? pin(l) : std::nullopt;
    if (!pidfd) return not_running_error();
    return Running{std::move(*path), std::move(l), std::move(*pidfd)};
}

}  // namespace

Result<int> live(const Options& opts) {
    auto target = running(opts);
    if (!target) return std::move(target).error();
    const Lookup& l = target->lookup;
    std::string request = opts.verb == Verb::scale     ? "scale " + std::to_string(opts.scale)
                          : opts.verb == Verb::reload ? "reload"
                                                      : "restart " + std::to_string(opts.restart_instance);
    const std::string socket = channel::socket_path(target->path);
    log::verbose("asking the supervisor (PID %d) on %s: %s", l.pid, socket.c_str(), request.c_str());
    auto answer = channel::ask(socket, l.pid, request);
    if (!answer) {
        const int err = answer.error().err;
        if (err == ENOENT || err == ECONNREFUSED)
            return Error{ExitCode::failure,
                         "PID " + std::to_string(l.pid) + " is not a supervisor with live control (nothing listens on " +
                             socket + "; it needs -r, -n or -f, and -p)",
                         0};
        return std::move(answer).error();
    }
    if (answer->code != 0) return Error{static_cast<ExitCode>(answer->code), answer->text, 0};
    if (!answer->text.empty()) print(answer->text + "\n");
    return 0;
}

Result<int> send_signal(const Options& opts) {
    auto target = running(opts);
    if (!target) return std::move(target).error();
    const Lookup& l = target->lookup;
    if (sys::pidfd_send_signal(target->pidfd.get(), opts.signal) == -1) {
        if (errno == ESRCH) return not_running_error();
        return sys_error("send " + describe(opts.signal) + " to PID " + std::to_string(l.pid));
    }
    log::verbose("sent %s to PID %d", describe(opts.signal).c_str(), l.pid);
    return 0;
}

Result<int> stop(const Options& opts) {
    auto path = pidfile_path(opts);
    if (!path) return std::move(path).error();
    Lookup l = look_up(*path);
    if (l.state == PidState::unreadable) return l.why;
    auto pidfd = l.state == PidState::running ? pin(l) : std::nullopt;
    if (!pidfd) {
        if (l.state == PidState::stale || l.state == PidState::invalid) remove_stale(*path, l);
        return not_running_error();
    }
    if (!opts.stop_schedule.empty()) return stop_by_schedule(opts, *path, l.pid, pidfd->get());
    const Target target = judge(*path, l.pid);
    // A supervisor stops its instances first: give it the time it takes
    // (its own --stop-timeout, and some to kill and reap), unless told otherwise.
    Millis wait = opts.supervise.stop_timeout;
    if (target.supervisor && !opts.supervise.stop_timeout_given) wait = target.stop_timeout + supervisor_margin;
    if (sys::pidfd_send_signal(pidfd->get(), opts.signal) == -1) {
        if (errno == ESRCH) return not_running_error();
        return sys_error("send " + describe(opts.signal) + " to PID " + std::to_string(l.pid));
    }
    log::verbose("sent %s to PID %d%s", describe(opts.signal).c_str(), l.pid, target.supervisor ? " (a supervisor)" : "");
    if (!wait_exit(pidfd->get(), wait.count())) {
        log::warn("PID %d still running after %.3f s: SIGKILL to it and every process below it", l.pid,
                  static_cast<double>(wait.count()) / 1000);
        sys::kill_tree(l.pid, pidfd->get());
        if (!wait_exit(pidfd->get(), kill_wait_ms))
            return Error{ExitCode::still_running, "PID " + std::to_string(l.pid) + " survived SIGKILL", 0};
    }
    log::verbose("PID %d stopped", l.pid);
    remove_if_names(*path, l.pid);
    return 0;
}

}  // namespace daemonize::control
