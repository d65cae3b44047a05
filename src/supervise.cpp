// The supervisor's event loop: a signalfd read in ppoll with the nearest
// deadline as timeout; no sleeping, no polling, no work while idle.
#include "supervise.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <chrono>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <functional>
#include <memory>
#include <tuple>
#include <queue>
#include <random>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "detach.hpp"
#include "instance.hpp"
#include "log.hpp"
#include "notify.hpp"
#include "pidfile.hpp"
#include "policy.hpp"
#include "ready.hpp"
#include "sys/posix.hpp"
#include "sys/proc.hpp"
#include "sys/signals.hpp"

namespace daemonize {
namespace {

std::int64_t now_ms() { return sys::monotonic_ms(); }

struct Instance {
    int index = 0;
    InstanceState life;    // phase, backoff streak, last exit: pure (instance.hpp)
    pid_t pid = -1;        // while running: our child, not yet reaped
    sys::UniqueFd pidfd;   // while running: every signal goes through it
    std::uint64_t timer = 0;  // generation of its pending restart timer
    std::string env_var;   // "DAEMONIZE_INSTANCE=i"
    std::vector<char*> envp;
    // Readiness (-w): its own socket, so a message says which instance it
    // is about even when the sender is gone; a fresh --ready-fd pipe per run.
    std::optional<notify::Socket> socket;
    std::string notify_var;  // "NOTIFY_SOCKET=@..."
    sys::UniqueFd ready_fd;
    bool ready = false;
    bool up = false;         // counted: ready (with -w) and up for --min-uptime
    std::uint64_t runs = 0;  // generation of the current run
};

enum class TimerKind {
    restart,         // an instance's backoff is over
    stop_deadline,   // --stop-timeout after the stop began: SIGKILL
    ready_deadline,  // --ready-timeout after the start
    fd_grace,        // an instance closed its --ready-fd unready; is it exiting?
    uptime,          // an instance has run for --min-uptime
};

struct Timer {
    std::int64_t at_ms;
    TimerKind kind;
    int instance;
    std::uint64_t generation;
    bool operator>(const Timer& o) const { return at_ms > o.at_ms; }
};

// After EOF on an instance's ready fd, how long it gets to show that it is
// exiting before the start counts as failed (as in the default mode).
constexpr std::int64_t closed_fd_grace_ms = 1000;

class Supervisor {
public:
    Supervisor(const SupervisePlan& plan)
        : plan_(plan),
          rules_{plan.opts.restart, plan.opts.delay, plan.opts.success_exit, plan.launch.min_uptime},
          budget_(plan.opts.max_restarts),
          rng_(::getpid()) {}
    Result<int> run(int report_fd);

private:
    void event(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    Status setup_signals();
    Result<pid_t> spawn(Instance& in);
    void on_exit(Instance& in, int status);
    void end_run(Instance& in, std::optional<ExitInfo> how);
    template <typename F>
    void change(Instance& in, F&& f);
    void reap();
    void begin_stop(int sig);
    void forward(int sig);
    void fire_timers();
    int poll_timeout_ms();
    bool anything_left() const { return active_ > 0; }
    void write_child_pidfile(pid_t pid);
    void signal(Instance& in, int sig);
    void kill_leftovers();
    [[nodiscard]] bool timer_live(const Timer& t) const;
    Status setup_readiness();
    void read_notifications(Instance& in);
    void read_ready_fd(Instance& in);
    void mark_ready(Instance& in);
    void count_up(Instance& in);
    void startup_done();
    void startup_failed(const Report& report);
    void relay_upstream(const std::string& message);
    void release_caller();
    std::vector<pollfd>& poll_set();
    [[nodiscard]] int finish();

    const SupervisePlan& plan_;
    const Rules rules_;
    std::vector<Instance> instances_;
    std::unordered_map<pid_t, int> by_pid_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
    RestartBudget budget_;
    std::minstd_rand rng_;
    sys::UniqueFd sigfd_;
    int active_ = 0;  // instances not stopped: O(1) "anything left?"
    bool stopping_ = false;
    bool gave_up_ = false;
    Report spawn_failure_;  // why the last spawn failed
    std::uint64_t stop_generation_ = 0;
    // Readiness: until every instance is ready the caller waits on
    // report_fd_; any exit meanwhile is a failed start.
    bool startup_ = false;
    int ready_count_ = 0;
    int report_fd_ = -1;
    std::optional<int> startup_code_;  // our exit status after a failed start
    bool upstream_warned_ = false;
    std::vector<pollfd> pollfds_;
    enum class Source { notify, ready_fd, log };
    std::vector<std::pair<int, Source>> poll_owner_;  // (instance, or log stream; what) per pollfds_[1..]
    std::unique_ptr<capture::Capture> capture_;
    std::vector<int> log_fds_;
    sys::fs::FileId child_pidfile_;  // the child pidfile we wrote last
    // Children this process already had when it became the supervisor (-f
    // exec'd by a shell with background jobs): not the service's, never
    // killed as leftovers. Our children until reaped, so the PIDs are safe.
    std::unordered_set<pid_t> inherited_;
};

void Supervisor::event(const char* fmt, ...) {
    if (!plan_.log_events) return;
    va_list ap;
    va_start(ap, fmt);
    log::event_v(fmt, ap);
    va_end(ap);
}

Status Supervisor::setup_signals() {
    // Events go to stderr, which may be a pipe whose reader is gone; a log
    // line must never kill the supervisor (exec_instance restores SIGPIPE).
    ::signal(SIGPIPE, SIG_IGN);
    // Every signal that could kill or stop the supervisor is read from the
    // signalfd instead (SIGNALS in the man page has the table).
    auto fd = sys::open_signalfd(sys::supervisor_signals(), nullptr);
    if (!fd) return std::move(fd).error();
    sigfd_ = std::move(*fd);
    return Ok{};
}

// fork + exec with confirmation: EOF on the close-on-exec pipe means the
// execve succeeded; otherwise the child sends its errno and exits 126/127.
Result<pid_t> Supervisor::spawn(Instance& in) {
    auto pipe = sys::make_pipe();
    if (!pipe) return std::move(pipe).error();
    sys::UniqueFd ready_write;
    if (plan_.ready.fd >= 0) {
        auto ready = notify::make_ready_pipe();
        if (!ready) return std::move(ready).error();
        in.ready_fd = std::move(ready->read);
        ready_write = std::move(ready->write);
    }
    InstanceFds fds;
    fds.ready = ready_write.get();
    if (capture_) std::tie(fds.out, fds.err) = capture_->instance_fds(in.index);
    pid_t pid = spawn_instance(plan_.launch, in.envp.data(), ::getpid(), fds, pipe->write.get());
    if (pid == -1) {
        in.ready_fd.reset();
        return sys_error("vfork");
    }
    pipe->write.reset();
    ready_write.reset();
    in.ready = false;
    ++in.runs;
    ::setpgid(pid, pid);  // also done by the child; whoever is first wins the race
    in.pid = pid;
    // Our unreaped child: the PID cannot be reused, so this pidfd is it.
    in.pidfd.reset(sys::pidfd_open(pid));
    if (capture_) capture_->set_pid(in.index, pid);
    change(in, [](InstanceState& life) { life.started(now_ms()); });
    by_pid_[pid] = in.index;

    // The child is registered either way: a failed one exits 126/127 and is
    // handled like any other failed run.
    Report r;
    auto n = sys::read_full(pipe->read.get(), &r, sizeof r);
    if (n && *n == sizeof r) {
        spawn_failure_ = r;
        return describe_failure(plan_.launch, r);
    }
    if (startup_ && plan_.launch.min_uptime.count() > 0)
        timers_.push(Timer{now_ms() + plan_.launch.min_uptime.count(), TimerKind::uptime, in.index, in.runs});
    if (plan_.ready.wait && !startup_) {
        event("instance %d started (pid %d); not counted ready until it notifies", in.index, pid);
    } else {
        event("instance %d started (pid %d)", in.index, pid);
    }
    if (!plan_.child_pidfile.empty()) write_child_pidfile(pid);
    return pid;
}

void Supervisor::write_child_pidfile(pid_t pid) {
    // A new file renamed into place: a reader never sees half of it, and
    // whatever the service put at that name is replaced, not followed.
    auto id = sys::fs::replace(plan_.child_pidfile, std::to_string(pid) + "\n", child_pidfile_, plan_.files,
                               [&](int fd) { pidfile::stamp(fd, pid, plan_.launch.boot_id); });
    if (!id) {
        log::warn("cannot write child pidfile %s: %s", plan_.child_pidfile.c_str(), format_error(id.error()).c_str());
        return;
    }
    child_pidfile_ = *id;
}

// Signals only an instance we know to be alive (running = not reaped yet),
// through its pidfd; with SIGKILL its process group too, which cannot
// belong to anyone else while its leader is unreaped.
void Supervisor::signal(Instance& in, int sig) {
    if (!in.life.running()) return;
    bool sent = in.pidfd.valid() ? sys::pidfd_send_signal(in.pidfd.get(), sig) == 0 : ::kill(in.pid, sig) == 0;
    if (sent) in.life.signalled(sig);
    if (sig == SIGKILL) ::kill(-in.pid, SIGKILL);
}

// Runs one event through the instance's pure state, keeping count of the
// instances that are not stopped (O(1) "anything left?", for -n 1024).
template <typename F>
void Supervisor::change(Instance& in, F&& f) {
    const bool before = in.life.phase() != Phase::stopped;
    f(in.life);
    active_ += (in.life.phase() != Phase::stopped) - before;
}

void Supervisor::on_exit(Instance& in, int status) {
    by_pid_.erase(in.pid);
    in.pidfd.reset();
    if (capture_) capture_->drain_instance(in.index);
    ExitInfo info{WIFSIGNALED(status), WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)};
    double uptime = static_cast<double>(now_ms() - in.life.started_ms()) / 1000;
    const int pid = static_cast<int>(in.pid);
    in.pid = -1;
    // Say why a run that exited 0 may still count as failed.
    const double min_uptime = static_cast<double>(plan_.launch.min_uptime.count()) / 1000;
    const char* too_short = !stopping_ && in.life.sent_signal() == 0 && uptime < min_uptime ? ", less than --min-uptime" : "";
    if (info.signaled) {
        event("instance %d (pid %d) killed by SIG%s after %.3f s%s", in.index, pid, sys::signal_name(info.value).c_str(),
              uptime, too_short);
    } else {
        event("instance %d (pid %d) exited with status %d after %.3f s%s", in.index, pid, info.value, uptime, too_short);
    }
    if (in.ready_fd.valid()) in.ready_fd.reset();
    if (startup_) {
        // Not all ready (or up long enough) yet: this start has failed,
        // whatever the policy.
        const std::int32_t how = info.signaled ? -info.value : info.value;
        const bool too_short = (!plan_.ready.wait || in.ready) && !in.up;
        change(in, [&](InstanceState& life) { (void)life.ended(info, now_ms(), rules_, budget_, true, 0); });
        startup_failed(too_short ? Report{Stage::too_short, how, 0, 0, static_cast<std::int32_t>(uptime * 1000)}
                                 : Report{Stage::exited, how});
        return;
    }
    end_run(in, info);
}

// A run ended (`how`), or could not begin (nullopt): the pure state
// decides, this performs it.
void Supervisor::end_run(Instance& in, std::optional<ExitInfo> how) {
    const double jitter = std::uniform_real_distribution<double>(-1.0, 1.0)(rng_);
    Decision next;
    change(in, [&](InstanceState& life) { next = life.ended(how, now_ms(), rules_, budget_, stopping_, jitter); });
    switch (next.action) {
    case Decision::Action::none: return;
    case Decision::Action::give_up:
        event("giving up: %d restarts reached the --max-restarts limit", budget_.used());
        gave_up_ = true;
        begin_stop(SIGTERM);
        return;
    case Decision::Action::restart:
        event("instance %d restarting in %.3f s", in.index, static_cast<double>(next.delay.count()) / 1000);
        timers_.push(Timer{now_ms() + next.delay.count(), TimerKind::restart, in.index, ++in.timer});
        return;
    }
}

// Every exited child: our instances, and orphans we inherited as subreaper.
void Supervisor::reap() {
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;  // 0: none left exited; -1/ECHILD: no children
        auto it = by_pid_.find(pid);
        if (it != by_pid_.end()) on_exit(instances_[static_cast<size_t>(it->second)], status);
        inherited_.erase(pid);
    }
}

void Supervisor::forward(int sig) {
    for (auto& in : instances_) signal(in, sig);
}

void Supervisor::begin_stop(int sig) {
    if (stopping_) return;
    stopping_ = true;
    for (auto& in : instances_) change(in, [](InstanceState& life) { life.stop(); });
    forward(sig);
    timers_.push(Timer{now_ms() + plan_.opts.stop_timeout.count(), TimerKind::stop_deadline, -1, ++stop_generation_});
}

void Supervisor::fire_timers() {
    std::int64_t now = now_ms();
    while (!timers_.empty() && timers_.top().at_ms <= now) {
        Timer t = timers_.top();
        timers_.pop();
        if (!timer_live(t)) continue;
        if (t.kind == TimerKind::uptime) {
            count_up(instances_[static_cast<size_t>(t.instance)]);
            continue;
        }
        if (t.kind == TimerKind::ready_deadline) {
            if (std::all_of(instances_.begin(), instances_.end(), [](const Instance& in) { return in.ready; }))
                continue;  // all ready, only --min-uptime left to wait for
            event("not every instance was ready after %.3f s: stopping", static_cast<double>(plan_.ready.timeout.count()) / 1000);
            startup_failed(Report{Stage::not_ready, static_cast<std::int32_t>(plan_.ready.timeout.count())});
            continue;
        }
        if (t.kind == TimerKind::fd_grace) {
            startup_failed(Report{Stage::ready_fd_closed, plan_.ready.fd});
            continue;
        }
        if (t.kind == TimerKind::stop_deadline) {
            for (auto& in : instances_) {
                if (!in.life.running()) continue;
                event("instance %d (pid %d) still running after %.3f s: SIGKILL", in.index, in.pid,
                      static_cast<double>(plan_.opts.stop_timeout.count()) / 1000);
                signal(in, SIGKILL);
            }
            continue;
        }
        Instance& in = instances_[static_cast<size_t>(t.instance)];
        if (in.life.phase() != Phase::backoff || stopping_) continue;
        if (auto pid = spawn(in); !pid) {
            event("instance %d: %s", in.index, format_error(pid.error()).c_str());
            // No process at all (fork, pipe or fd limits): a failed run like
            // any other, retried with the backoff. (A failed exec exits 126/127.)
            if (in.pid < 0) end_run(in, std::nullopt);
        }
    }
}

bool Supervisor::timer_live(const Timer& t) const {
    switch (t.kind) {
    case TimerKind::restart: return t.generation == instances_[static_cast<size_t>(t.instance)].timer;
    case TimerKind::stop_deadline: return t.generation == stop_generation_;
    case TimerKind::ready_deadline: return startup_;
    case TimerKind::uptime: {
        const Instance& in = instances_[static_cast<size_t>(t.instance)];
        return startup_ && in.life.running() && in.runs == t.generation;
    }
    case TimerKind::fd_grace: {
        const Instance& in = instances_[static_cast<size_t>(t.instance)];
        return startup_ && in.life.running() && in.runs == t.generation && !in.ready;
    }
    }
    return false;
}

int Supervisor::poll_timeout_ms() {
    while (!timers_.empty() && !timer_live(timers_.top())) timers_.pop();
    std::int64_t flush = capture_ ? capture_->next_flush_ms() : -1;
    if (flush >= 0 && (timers_.empty() || flush < timers_.top().at_ms))
        return static_cast<int>(std::clamp<std::int64_t>(flush - now_ms(), 0, 1 << 30));
    if (timers_.empty()) return -1;
    std::int64_t left = timers_.top().at_ms - now_ms();
    return left < 0 ? 0 : static_cast<int>(std::min<std::int64_t>(left, 1 << 30));
}

// At exit, whatever still lives below the supervisor, but for the children
// it started with, belongs to the service: as a subreaper it inherits every
// orphan of its instances. Those are its
// children until it reaps them, so their PIDs cannot be reused meanwhile;
// killing one makes its own children ours, hence the rounds.
void Supervisor::kill_leftovers() {
    constexpr int max_rounds = 100;  // a fork bomb must not keep us here forever
    const pid_t self = ::getpid();
    for (int round = 0; round < max_rounds; ++round) {
        auto left = sys::children_of(self);
        std::erase_if(left, [&](pid_t pid) { return inherited_.count(pid) != 0; });
        if (left.empty()) return;
        for (pid_t pid : left) {
            sys::UniqueFd fd{sys::pidfd_open(pid)};
            if (fd.valid()) (void)sys::pidfd_send_signal(fd.get(), SIGKILL);
        }
        for (pid_t pid : left) (void)sys::retry_eintr([&] { return ::waitpid(pid, nullptr, 0); });
    }
}

// Cleans up and decides the exit status: 1 after giving up; a single
// instance that is not restarted passes its status through (tini); else 0
// after a stop request, or when the work ended: 0 if all succeeded, else 1.
int Supervisor::finish() {
    kill_leftovers();
    // Everything the instances wrote before they exited reaches the logs.
    if (capture_) capture_->drain();
    if (!plan_.child_pidfile.empty()) sys::fs::unlink_if(plan_.child_pidfile, child_pidfile_, plan_.files);
    if (plan_.launch.pidfile_fd >= 0) sys::fs::unlink_if(plan_.launch.pidfile_path, plan_.launch.pidfile_id, plan_.files);
    if (startup_code_) return *startup_code_;
    if (gave_up_) return 1;
    if (plan_.instances == 1 && plan_.opts.restart == RestartPolicy::no)
        return exit_code_of(instances_.front().life.last_exit());
    if (stopping_) return 0;
    for (const auto& in : instances_) {
        if (in.life.failed()) return 1;
    }
    return 0;
}

Status Supervisor::setup_readiness() {
    if (!plan_.ready.wait) return Ok{};
    for (auto& in : instances_) {
        auto socket = notify::Socket::open();
        if (!socket) return std::move(socket).error();
        in.notify_var = "NOTIFY_SOCKET=" + socket->address();
        in.socket = std::move(*socket);
    }
    return Ok{};
}

std::vector<pollfd>& Supervisor::poll_set() {
    pollfds_.clear();
    poll_owner_.clear();
    pollfds_.push_back(pollfd{sigfd_.get(), POLLIN, 0});
    for (size_t stream = 0; stream < log_fds_.size(); ++stream) {
        pollfds_.push_back(pollfd{log_fds_[stream], POLLIN, 0});
        poll_owner_.emplace_back(static_cast<int>(stream), Source::log);
    }
    if (!plan_.ready.wait) return pollfds_;
    for (const auto& in : instances_) {
        if (in.socket) {
            pollfds_.push_back(pollfd{in.socket->fd(), POLLIN, 0});
            poll_owner_.emplace_back(in.index, Source::notify);
        }
        if (in.ready_fd.valid()) {
            pollfds_.push_back(pollfd{in.ready_fd.get(), POLLIN, 0});
            poll_owner_.emplace_back(in.index, Source::ready_fd);
        }
    }
    return pollfds_;
}

void Supervisor::read_notifications(Instance& in) {
    auto said = notify::drain(*in.socket, ::getpid(), plan_.command_uid);
    for (const auto& status : said.statuses) {
        if (log::verbose_enabled()) event("instance %d: %s", in.index, status.c_str());
        if (!plan_.upstream_notify.empty() && plan_.instances == 1) relay_upstream("STATUS=" + status);
    }
    if (said.mainpid && in.life.running()) {
        event("instance %d reports main PID %d", in.index, static_cast<int>(*said.mainpid));
        if (!plan_.child_pidfile.empty()) write_child_pidfile(*said.mainpid);
    }
    if (said.ready && in.life.running()) mark_ready(in);
}

void Supervisor::read_ready_fd(Instance& in) {
    switch (notify::read_ready_fd(in.ready_fd.get())) {
    case notify::FdState::ready: mark_ready(in); break;
    case notify::FdState::closed:
        in.ready_fd.reset();
        if (in.ready) break;
        if (startup_) {
            timers_.push(Timer{now_ms() + closed_fd_grace_ms, TimerKind::fd_grace, in.index, in.runs});
        } else {
            event("instance %d (pid %d) closed fd %d without reporting ready", in.index, static_cast<int>(in.pid),
                  plan_.ready.fd);
        }
        break;
    case notify::FdState::pending: break;
    }
}

void Supervisor::mark_ready(Instance& in) {
    if (in.ready) return;
    in.ready = true;
    in.ready_fd.reset();  // one newline is the whole protocol (as with s6)
    if (!startup_) {
        event("instance %d (pid %d) ready again", in.index, static_cast<int>(in.pid));
        return;
    }
    event("instance %d (pid %d) ready", in.index, static_cast<int>(in.pid));
    count_up(in);
}

// During the start, an instance counts once it is ready (with -w) and has
// run for --min-uptime; the caller is released when all count.
void Supervisor::count_up(Instance& in) {
    if (!startup_ || in.up || !in.life.running()) return;
    if (plan_.ready.wait && !in.ready) return;
    if (now_ms() - in.life.started_ms() < plan_.launch.min_uptime.count()) return;
    in.up = true;
    if (plan_.launch.min_uptime.count() > 0)
        event("instance %d (pid %d) up for --min-uptime", in.index, static_cast<int>(in.pid));
    if (++ready_count_ == plan_.instances) startup_done();
}

// Closes the report pipe: EOF, the caller returns (0, unless a failure
// was reported on it just before).
void Supervisor::release_caller() {
    if (report_fd_ < 0) return;
    ::close(report_fd_);
    report_fd_ = -1;
}

void Supervisor::startup_done() {
    startup_ = false;
    if (plan_.instances > 1) event("all %d instances ready", plan_.instances);
    release_caller();
    if (!plan_.upstream_notify.empty()) relay_upstream("READY=1\nMAINPID=" + std::to_string(::getpid()));
}

void Supervisor::startup_failed(const Report& report) {
    if (!startup_) return;
    startup_ = false;
    Error e = describe_failure(plan_.launch, report);
    startup_code_ = static_cast<int>(e.code);
    if (report_fd_ >= 0) {
        send_report(report_fd_, report);
        release_caller();
    } else {
        log::error("%s", format_error(e).c_str());
    }
    begin_stop(SIGTERM);
}

void Supervisor::relay_upstream(const std::string& message) {
    if (auto ok = notify::send(plan_.upstream_notify, message); !ok && !upstream_warned_) {
        log::warn("%s", format_error(ok.error()).c_str());
        upstream_warned_ = true;
    }
}

Result<int> Supervisor::run(int report_fd) {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) == -1) log::warn("cannot become a subreaper: %s", std::strerror(errno));
    for (pid_t pid : sys::children_of(::getpid())) inherited_.insert(pid);
    if (auto ok = setup_signals(); !ok) return std::move(ok).error();
    report_fd_ = report_fd;

    instances_.resize(static_cast<size_t>(plan_.instances));
    if (auto ok = setup_readiness(); !ok) return std::move(ok).error();
    // Whatever happens below, fd 2 and the event writer are as they were
    // when run() returns (before capture_, which they point into, goes).
    log::SinkGuard sink_guard;
    if (plan_.capture) {
        capture_ = std::make_unique<capture::Capture>(*plan_.capture);
        if (auto ok = capture_->start(); !ok) return std::move(ok).error();
        capture_->poll_fds(log_fds_);
        if (capture::FileSink* sink = capture_->event_sink())
            sink_guard.install([](void* ctx, std::string_view line) { static_cast<capture::FileSink*>(ctx)->write(line); },
                               sink);
    }
    for (int i = 0; i < plan_.instances; ++i) {
        Instance& in = instances_[static_cast<size_t>(i)];
        in.index = i;
        in.env_var = "DAEMONIZE_INSTANCE=" + std::to_string(i);
        for (char* e : plan_.launch.envp) {
            if (e == nullptr || std::strncmp(e, "DAEMONIZE_INSTANCE=", 19) == 0) continue;
            if (plan_.ready.wait && std::strncmp(e, "NOTIFY_SOCKET=", 14) == 0) continue;
            in.envp.push_back(e);
        }
        in.envp.push_back(in.env_var.data());
        if (!in.notify_var.empty()) in.envp.push_back(in.notify_var.data());
        in.envp.push_back(nullptr);
    }
    // Someone waits for the start: the caller (report_fd), or systemd.
    startup_ = plan_.ready.wait || (plan_.launch.min_uptime.count() > 0 && report_fd >= 0);
    if (startup_ && plan_.ready.wait && plan_.ready.timeout.count() > 0)
        timers_.push(Timer{now_ms() + plan_.ready.timeout.count(), TimerKind::ready_deadline, -1, 0});
    for (auto& in : instances_) {
        auto pid = spawn(in);
        if (!pid) {
            // The first start failed: undo the others and tell the caller.
            if (report_fd >= 0) send_report(report_fd, spawn_failure_);
            startup_ = false;
            begin_stop(SIGKILL);
            while (anything_left()) {
                int status = 0;
                pid_t p = ::waitpid(-1, &status, 0);
                if (p == -1) break;
                if (auto it = by_pid_.find(p); it != by_pid_.end()) {
                    change(instances_[static_cast<size_t>(it->second)], [&](InstanceState& life) {
                        (void)life.ended(ExitInfo{}, now_ms(), rules_, budget_, true, 0);
                    });
                    by_pid_.erase(it);
                }
            }
            if (plan_.launch.pidfile_fd >= 0 && report_fd < 0)
                sys::fs::unlink_if(plan_.launch.pidfile_path, plan_.launch.pidfile_id, plan_.files);
            if (capture_) capture_->drain();
            return std::move(pid).error();
        }
    }
    if (!startup_) release_caller();

    while (anything_left()) {
        auto& fds = poll_set();
        int timeout = poll_timeout_ms();
        int n = ::poll(fds.data(), fds.size(), timeout);
        if (n == -1 && errno != EINTR) return sys_error("poll");
        // Notifications before exits: a READY=1 sent just before an exit counts.
        for (size_t i = 1; n > 0 && i < fds.size(); ++i) {
            if (fds[i].revents == 0) continue;
            auto [index, source] = poll_owner_[i - 1];
            if (source == Source::log) {
                capture_->on_readable(static_cast<size_t>(index), now_ms());
                continue;
            }
            Instance& in = instances_[static_cast<size_t>(index)];
            if (source == Source::ready_fd) {
                read_ready_fd(in);
            } else {
                read_notifications(in);
            }
        }
        if (capture_) capture_->flush_due(now_ms());
        signalfd_siginfo si{};
        while (::read(sigfd_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
            int sig = static_cast<int>(si.ssi_signo);
            if (sig == SIGCHLD) {
                reap();
            } else if (sig == SIGTERM || sig == SIGINT) {
                event("received SIG%s: stopping", sys::signal_name(sig).c_str());
                begin_stop(sig);
            } else if (sig == SIGHUP && capture_) {
                capture_->reopen();
                event("received SIGHUP: log files reopened");
                if (plan_.log_forward_hup) forward(sig);
            } else {
                forward(sig);
            }
        }
        fire_timers();
    }
    return finish();
}

}  // namespace

Result<int> supervise(const SupervisePlan& plan, int report_fd) {
    Supervisor s(plan);
    return s.run(report_fd);
}

}  // namespace daemonize
