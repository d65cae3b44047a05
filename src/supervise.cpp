// The supervisor's event loop: a signalfd read in ppoll with the nearest
// deadline as timeout; no sleeping, no polling, no work while idle.
#include "supervise.hpp"
#include "supervisor.hpp"

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

#include "channel.hpp"
#include "detach.hpp"
#include "instance.hpp"
#include "log.hpp"
#include "notify.hpp"
#include "number.hpp"
#include "pidfile.hpp"
#include "policy.hpp"
#include "ready.hpp"
#include "status.hpp"
#include "sys/posix.hpp"
#include "sys/proc.hpp"
#include "sys/signals.hpp"


namespace daemonize {
namespace supervisor {

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

// An instance (or a reload's new run of one) with its environment: the
// command's, with DAEMONIZE_INSTANCE, and its own NOTIFY_SOCKET and
// WATCHDOG_* when readiness or the watchdog needs them.
Result<Supervisor::Owned> Supervisor::make_instance(int index, Role role) {
    auto in = std::make_unique<Instance>();
    in->index = index;
    in->role = role;
    const bool notify = plan_.ready.wait || plan_.opts.watchdog.count() > 0;
    if (notify) {
        auto socket = notify::Socket::open();
        if (!socket) return std::move(socket).error();
        in->notify_var = "NOTIFY_SOCKET=" + socket->address();
        in->socket = std::move(*socket);
    }
    in->env_var = "DAEMONIZE_INSTANCE=" + std::to_string(index);
    auto ours = [&](const char* e) {
        auto is = [&](const char* name) { return std::strncmp(e, name, std::strlen(name)) == 0; };
        return is("DAEMONIZE_INSTANCE=") || (notify && is("NOTIFY_SOCKET=")) ||
               (plan_.opts.watchdog.count() > 0 && (is("WATCHDOG_USEC=") || is("WATCHDOG_PID=")));
    };
    for (char* e : plan_.launch.envp) {
        if (e != nullptr && !ours(e)) in->envp.push_back(e);
    }
    in->envp.push_back(in->env_var.data());
    if (notify) in->envp.push_back(in->notify_var.data());
    if (plan_.opts.watchdog.count() > 0) {
        in->watchdog_var = "WATCHDOG_USEC=" + std::to_string(plan_.opts.watchdog.count() * 1000);
        // The child writes its PID here (PidSlot): room for any pid_t.
        in->pid_var = "WATCHDOG_PID=" + std::string(24, '\0');
        in->envp.push_back(in->watchdog_var.data());
        in->envp.push_back(in->pid_var.data());
    }
    in->envp.push_back(nullptr);
    return in;
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
    PidSlot slot;
    slot.values[0] = in.pid_var.empty() ? nullptr : in.pid_var.data() + std::strlen("WATCHDOG_PID=");
    slot.values[1] = plan_.launch.listen_pid;  // shared: spawns are one at a time
    pid_t pid = spawn_instance(plan_.launch, in.envp.data(), ::getpid(), fds, slot, pipe->write.get());
    if (pid == -1) {
        in.ready_fd.reset();
        return sys_error("vfork");
    }
    pipe->write.reset();
    ready_write.reset();
    in.ready = false;
    in.stopping = false;
    in.run = ++next_id_;
    ::setpgid(pid, pid);  // also done by the child; whoever is first wins the race
    in.pid = pid;
    // Our unreaped child: the PID cannot be reused, so this pidfd is it.
    in.pidfd.reset(sys::pidfd_open(pid));
    if (capture_ && in.role == Role::current) capture_->set_pid(in.index, pid);
    change(in, [](InstanceState& life) { life.started(now_ms()); });
    by_pid_[pid] = &in;
    runs_[in.run] = &in;

    // The child is registered either way: a failed one exits 126/127 and is
    // handled like any other failed run.
    Report r;
    auto n = sys::read_full(pipe->read.get(), &r, sizeof r);
    if (n && *n == sizeof r) {
        spawn_failure_ = r;
        return describe_failure(plan_.launch, r);
    }
    if (!plan_.ready.wait) arm_watchdog(in);
    if (in.role == Role::candidate) {
        event("instance %d: new run started (pid %d)", in.index, pid);
        if (settle_ms() > 0) timers_.push(Timer{now_ms() + settle_ms(), TimerKind::settle, in.run});
        if (plan_.ready.wait && plan_.ready.timeout.count() > 0)
            timers_.push(Timer{now_ms() + plan_.ready.timeout.count(), TimerKind::reload_deadline, in.run});
        return pid;
    }
    if (startup_ && plan_.launch.min_uptime.count() > 0)
        timers_.push(Timer{now_ms() + plan_.launch.min_uptime.count(), TimerKind::uptime, in.run});
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
    if (!in.life.running() || in.pid <= 0) return;  // never kill(-1) or kill(0)
    bool sent = in.pidfd.valid() ? sys::pidfd_send_signal(in.pidfd.get(), sig) == 0 : ::kill(in.pid, sig) == 0;
    if (sent) in.life.signalled(sig);
    if (sig == SIGKILL) ::kill(-in.pid, SIGKILL);
}

// One run asked to stop: `sig` now, SIGKILL after --stop-timeout.
void Supervisor::stop_run(Instance& in, int sig) {
    if (!in.life.running()) return;
    in.stopping = true;
    signal(in, sig);
    timers_.push(Timer{now_ms() + plan_.opts.stop_timeout.count(), TimerKind::kill, in.run});
}

std::string Supervisor::label(const Instance& in) const {
    const std::string index = "instance " + std::to_string(in.index);
    switch (in.role) {
    case Role::candidate: return "new run of " + index;
    case Role::retiring: return "old run of " + index;
    case Role::current: break;
    }
    return index;
}

void Supervisor::on_exit(Instance& in, int status) {
    by_pid_.erase(in.pid);
    runs_.erase(in.run);
    in.pidfd.reset();
    if (capture_) capture_->drain_instance(in.index);
    ExitInfo info{WIFSIGNALED(status), WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)};
    double uptime = static_cast<double>(now_ms() - in.life.started_ms()) / 1000;
    const int pid = static_cast<int>(in.pid);
    in.pid = -1;
    // Say why a run that exited 0 may still count as failed.
    const double min_uptime = static_cast<double>(plan_.launch.min_uptime.count()) / 1000;
    const char* too_short = !stopping_ && in.role == Role::current && in.life.sent_signal() == 0 && uptime < min_uptime
                                ? ", less than --min-uptime"
                                : "";
    const std::string who = label(in);
    if (info.signaled) {
        event("%s (pid %d) killed by SIG%s after %.3f s%s", who.c_str(), pid, sys::signal_name(info.value).c_str(),
              uptime, too_short);
    } else {
        event("%s (pid %d) exited with status %d after %.3f s%s", who.c_str(), pid, info.value, uptime, too_short);
    }
    if (in.ready_fd.valid()) in.ready_fd.reset();
    if (in.role != Role::current) {
        // Not an instance of its own: its end restarts nothing.
        (void)in.life.ended(info, now_ms(), rules_, budget_, true, 0);
    }
    if (in.role == Role::retiring) {
        std::erase_if(retiring_, [&](const Owned& o) { return o.get() == &in; });  // `in` is gone
        if (op_.kind == Operation::Kind::reload && retiring_.empty() && !candidate_) reload_next();
        return;
    }
    if (in.role == Role::candidate) {
        const std::string how = info.signaled ? "was killed by SIG" + sys::signal_name(info.value)
                                              : "exited with status " + std::to_string(info.value);
        drop_candidate("the new run (pid " + std::to_string(pid) + ") " + how + " before it was up");
        return;
    }
    if (startup_) {
        // Not all ready (or up long enough) yet: this start has failed,
        // whatever the policy.
        const std::int32_t how = info.signaled ? -info.value : info.value;
        const bool short_run = (!plan_.ready.wait || in.ready) && !in.up;
        change(in, [&](InstanceState& life) { (void)life.ended(info, now_ms(), rules_, budget_, true, 0); });
        startup_failed(short_run ? Report{Stage::too_short, how, 0, 0, static_cast<std::int32_t>(uptime * 1000)}
                                 : Report{Stage::exited, how});
        return;
    }
    end_run(in, info);
    if (in.retired) trim();
}

// A run ended (`how`), or could not begin (nullopt): the pure state
// decides, this performs it.
void Supervisor::end_run(Instance& in, std::optional<ExitInfo> how) {
    const double jitter = std::uniform_real_distribution<double>(-1.0, 1.0)(rng_);
    Decision next;
    change(in, [&](InstanceState& life) {
        next = life.ended(how, now_ms(), rules_, budget_, stopping_ || in.retired, jitter);
    });
    switch (next.action) {
    case Decision::Action::none: return;
    case Decision::Action::give_up:
        event("giving up: %d restarts reached the --max-restarts limit", budget_.used());
        gave_up_ = true;
        begin_stop(SIGTERM);
        return;
    case Decision::Action::restart:
        event("instance %d restarting in %.3f s", in.index, static_cast<double>(next.delay.count()) / 1000);
        in.timer = ++next_id_;
        in.restart_at = now_ms() + next.delay.count();
        timers_.push(Timer{in.restart_at, TimerKind::restart, in.timer, in.index});
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
        if (it != by_pid_.end()) on_exit(*it->second, status);
        inherited_.erase(pid);
    }
}

void Supervisor::forward(int sig) {
    each_process([&](Instance& in) { signal(in, sig); });
}

void Supervisor::begin_stop(int sig) {
    if (stopping_) return;
    stopping_ = true;
    retire_candidate();  // a reload's new run is never promoted now; signalled below
    if (op_.kind != Operation::Kind::none) end_operation(2, "the supervisor is stopping");
    for (auto& in : instances_) change(*in, [](InstanceState& life) { life.stop(); });
    each_process([&](Instance& in) {
        in.stopping = true;
        signal(in, sig);
    });
    timers_.push(Timer{now_ms() + plan_.opts.stop_timeout.count(), TimerKind::stop_deadline, ++stop_generation_});
}

Instance* Supervisor::live_run(std::uint64_t run) const {
    auto it = runs_.find(run);
    return it == runs_.end() ? nullptr : it->second;
}

void Supervisor::fire_timers() {
    std::int64_t now = now_ms();
    while (!timers_.empty() && timers_.top().at_ms <= now) {
        Timer t = timers_.top();
        timers_.pop();
        if (timer_live(t)) fire(t);
    }
}

void Supervisor::fire(const Timer& t) {
    Instance* run = live_run(t.id);  // for the per-run kinds
    switch (t.kind) {
    case TimerKind::uptime: count_up(*run); return;
    case TimerKind::ready_deadline:
        if (std::all_of(instances_.begin(), instances_.end(), [](const Owned& in) { return in->ready; }))
            return;  // all ready, only --min-uptime left to wait for
        event("not every instance was ready after %.3f s: stopping", static_cast<double>(plan_.ready.timeout.count()) / 1000);
        startup_failed(Report{Stage::not_ready, static_cast<std::int32_t>(plan_.ready.timeout.count())});
        return;
    case TimerKind::fd_grace: startup_failed(Report{Stage::ready_fd_closed, plan_.ready.fd}); return;
    case TimerKind::stop_deadline:
        each_process([&](Instance& in) {
            if (!in.life.running()) return;
            event("%s (pid %d) still running after %.3f s: SIGKILL", label(in).c_str(), in.pid,
                  static_cast<double>(plan_.opts.stop_timeout.count()) / 1000);
            signal(in, SIGKILL);
        });
        return;
    case TimerKind::kill:
        event("%s (pid %d) still running %.3f s after it was asked to stop: SIGKILL", label(*run).c_str(), run->pid,
              static_cast<double>(plan_.opts.stop_timeout.count()) / 1000);
        signal(*run, SIGKILL);
        return;
    case TimerKind::settle: check_candidate(); return;
    case TimerKind::reload_deadline:
        stop_run(*run, SIGTERM);
        drop_candidate("the new run (pid " + std::to_string(run->pid) + ") was not ready after " +
                       status::duration(plan_.ready.timeout.count()));
        return;
    case TimerKind::watchdog:
        if (run->watchdog_due > now_ms()) {  // pinged since: look again then
            timers_.push(Timer{run->watchdog_due, TimerKind::watchdog, run->run});
            return;
        }
        watchdog_kill(*run, "sent no WATCHDOG=1 for " + status::duration(plan_.opts.watchdog.count()));
        return;
    case TimerKind::restart: break;
    }
    Instance& in = *instances_[static_cast<size_t>(t.index)];
    if (in.life.phase() != Phase::backoff || stopping_) return;
    if (auto pid = spawn(in); !pid) {
        event("instance %d: %s", in.index, format_error(pid.error()).c_str());
        // No process at all (fork, pipe or fd limits): a failed run like
        // any other, retried with the backoff. (A failed exec exits 126/127.)
        if (in.pid < 0) end_run(in, std::nullopt);
    }
}

bool Supervisor::timer_live(const Timer& t) const {
    switch (t.kind) {
    case TimerKind::restart:
        return static_cast<size_t>(t.index) < instances_.size() && instances_[static_cast<size_t>(t.index)]->timer == t.id;
    case TimerKind::stop_deadline: return t.id == stop_generation_;
    case TimerKind::ready_deadline: return startup_;
    case TimerKind::uptime: return startup_ && live_run(t.id) != nullptr;
    case TimerKind::fd_grace: {
        const Instance* in = live_run(t.id);
        return startup_ && in != nullptr && !in->ready;
    }
    case TimerKind::kill: return live_run(t.id) != nullptr;
    case TimerKind::settle:
        return candidate_ && candidate_->run == t.id && candidate_->life.running();
    case TimerKind::reload_deadline:  // about readiness: moot once ready
        return candidate_ && candidate_->run == t.id && candidate_->life.running() && !candidate_->ready;
    case TimerKind::watchdog: {
        const Instance* in = live_run(t.id);
        return in != nullptr && !in->stopping;
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

// Runs on while a process of ours lives; with none left, until told to stop
// if it was scaled to 0 (it waits for --scale), else the work has ended.
bool Supervisor::keep_running() const {
    if (active_ > 0 || candidate_ || !retiring_.empty()) return true;
    return !stopping_ && instances_.empty();
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
    // The socket goes before the pidfile: whoever finds no pidfile finds
    // no supervisor to ask either.
    control_.reset();
    kill_leftovers();
    // Everything the instances wrote before they exited reaches the logs.
    if (capture_) capture_->drain();
    if (!plan_.child_pidfile.empty()) sys::fs::unlink_if(plan_.child_pidfile, child_pidfile_, plan_.files);
    if (plan_.launch.pidfile_fd >= 0) sys::fs::unlink_if(plan_.launch.pidfile_path, plan_.launch.pidfile_id, plan_.files);
    if (startup_code_) return *startup_code_;
    if (gave_up_) return 1;
    if (plan_.instances == 1 && !scaled_ && plan_.opts.restart == RestartPolicy::no && !instances_.empty())
        return exit_code_of(instances_.front()->life.last_exit());
    if (stopping_) return 0;
    for (const auto& in : instances_) {
        if (in->life.failed()) return 1;
    }
    return 0;
}

std::vector<pollfd>& Supervisor::poll_set() {
    pollfds_.clear();
    poll_owner_.clear();
    pollfds_.push_back(pollfd{sigfd_.get(), POLLIN, 0});
    for (size_t stream = 0; stream < log_fds_.size(); ++stream) {
        pollfds_.push_back(pollfd{log_fds_[stream], POLLIN, 0});
        poll_owner_.push_back(Owner{Source::log, nullptr, stream});
    }
    each_process([&](Instance& in) {
        if (in.role == Role::retiring) return;  // replaced: what it says no longer matters
        if (in.socket) {
            pollfds_.push_back(pollfd{in.socket->fd(), POLLIN, 0});
            poll_owner_.push_back(Owner{Source::notify, &in, 0});
        }
        if (in.ready_fd.valid()) {
            pollfds_.push_back(pollfd{in.ready_fd.get(), POLLIN, 0});
            poll_owner_.push_back(Owner{Source::ready_fd, &in, 0});
        }
    });
    control_at_ = pollfds_.size();
    if (control_) control_->poll_fds(pollfds_);
    return pollfds_;
}

void Supervisor::read_notifications(Instance& in) {
    auto said = notify::drain(*in.socket, ::getpid(), plan_.command_uid);
    for (const auto& status : said.statuses) {
        if (log::verbose_enabled()) event("instance %d: %s", in.index, status.c_str());
        if (!plan_.upstream_notify.empty() && plan_.instances == 1) relay_upstream("STATUS=" + status);
    }
    if (!in.life.running()) return;
    if (said.mainpid && in.role == Role::current) {
        event("instance %d reports main PID %d", in.index, static_cast<int>(*said.mainpid));
        if (!plan_.child_pidfile.empty()) write_child_pidfile(*said.mainpid);
    }
    if (said.watchdog && plan_.opts.watchdog.count() > 0 && in.watchdog_due > 0)
        in.watchdog_due = now_ms() + plan_.opts.watchdog.count();
    if (said.ready && plan_.ready.wait) mark_ready(in);
    if (said.watchdog_trigger && plan_.opts.watchdog.count() > 0 && !in.stopping)
        watchdog_kill(in, "sent WATCHDOG=trigger");
}

void Supervisor::read_ready_fd(Instance& in) {
    switch (notify::read_ready_fd(in.ready_fd.get())) {
    case notify::FdState::ready: mark_ready(in); break;
    case notify::FdState::closed:
        in.ready_fd.reset();
        if (in.ready) break;
        if (startup_ && in.role == Role::current) {
            timers_.push(Timer{now_ms() + closed_fd_grace_ms, TimerKind::fd_grace, in.run});
        } else if (in.role == Role::candidate) {
            stop_run(in, SIGTERM);
            drop_candidate("the new run (pid " + std::to_string(in.pid) + ") closed fd " + std::to_string(plan_.ready.fd) +
                           " without reporting ready");
        } else {
            event("%s (pid %d) closed fd %d without reporting ready", label(in).c_str(), static_cast<int>(in.pid),
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
    arm_watchdog(in);     // with readiness, the watchdog runs from READY=1 (as systemd's)
    if (in.role == Role::candidate) {
        event("instance %d: new run (pid %d) ready", in.index, static_cast<int>(in.pid));
        check_candidate();
        return;
    }
    if (!startup_) {
        event("instance %d (pid %d) ready again", in.index, static_cast<int>(in.pid));
        return;
    }
    event("instance %d (pid %d) ready", in.index, static_cast<int>(in.pid));
    count_up(in);
}

void Supervisor::arm_watchdog(Instance& in) {
    if (plan_.opts.watchdog.count() == 0 || !in.life.running()) return;
    in.watchdog_due = now_ms() + plan_.opts.watchdog.count();
    timers_.push(Timer{in.watchdog_due, TimerKind::watchdog, in.run});
}

// A hung run: SIGABRT (a core dump shows where it hangs), SIGKILL after
// --stop-timeout; it then counts as failed, and the policy decides.
void Supervisor::watchdog_kill(Instance& in, const std::string& why) {
    event("%s (pid %d) %s: SIGABRT (watchdog)", label(in).c_str(), static_cast<int>(in.pid), why.c_str());
    in.life.watchdog_expired();
    ++in.watchdog_kills;
    stop_run(in, SIGABRT);
    if (in.role == Role::candidate) drop_candidate("the new run (pid " + std::to_string(in.pid) + ") hung (watchdog)");
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
    started_ms_ = now_ms();

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
        auto in = make_instance(i, Role::current);
        if (!in) return std::move(in).error();
        instances_.push_back(std::move(*in));
    }
    open_control();
    // Someone waits for the start: the caller (report_fd), or systemd.
    startup_ = plan_.ready.wait || (plan_.launch.min_uptime.count() > 0 && report_fd >= 0);
    if (startup_ && plan_.ready.wait && plan_.ready.timeout.count() > 0)
        timers_.push(Timer{now_ms() + plan_.ready.timeout.count(), TimerKind::ready_deadline, 0});
    for (auto& owned : instances_) {
        auto pid = spawn(*owned);
        if (!pid) {
            // The first start failed: undo the others and tell the caller.
            control_.reset();
            if (report_fd >= 0) send_report(report_fd, spawn_failure_);
            startup_ = false;
            begin_stop(SIGKILL);
            while (active_ > 0) {
                int status = 0;
                pid_t p = ::waitpid(-1, &status, 0);
                if (p == -1) break;
                if (auto it = by_pid_.find(p); it != by_pid_.end()) {
                    change(*it->second, [&](InstanceState& life) {
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

    // Settled: what parsing and planning touched need not stay resident
    // (-f: 1644 kB RSS before, 584 kB after; tini 1284 kB, dumb-init 1256
    // kB). Restarts and requests bring pages back, so it is done again after
    // events, at most every 10 s (the faults cost a restart about 0.05 ms).
    sys::drop_program_pages();
    std::int64_t dropped_ms = now_ms();
    while (keep_running()) {
        auto& fds = poll_set();
        int timeout = poll_timeout_ms();
        int n = ::poll(fds.data(), fds.size(), timeout);
        if (n == -1 && errno != EINTR) return sys_error("poll");
        // Notifications before exits: a READY=1 sent just before an exit counts.
        for (size_t i = 1; n > 0 && i < control_at_; ++i) {
            if (fds[i].revents == 0) continue;
            const Owner& owner = poll_owner_[i - 1];
            switch (owner.source) {
            case Source::log: capture_->on_readable(owner.stream, now_ms()); break;
            case Source::ready_fd: read_ready_fd(*owner.in); break;
            case Source::notify: read_notifications(*owner.in); break;
            }
        }
        if (capture_) capture_->flush_due(now_ms());
        if (n > 0 && control_ && control_at_ < fds.size()) {
            for (const auto& request : control_->on_events(fds.data() + control_at_, fds.size() - control_at_))
                on_request(request);
        }
        signalfd_siginfo si{};
        while (::read(sigfd_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
            int sig = static_cast<int>(si.ssi_signo);
            if (sig == SIGCHLD) {
                reap();
                if (control_) control_->resume();
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
        if (std::int64_t now = now_ms(); now - dropped_ms >= 10000) {
            sys::drop_program_pages();
            dropped_ms = now;
        }
    }
    return finish();
}

}  // namespace supervisor

Result<int> supervise(const SupervisePlan& plan, int report_fd) {
    supervisor::Supervisor s(plan);
    return s.run(report_fd);
}

}  // namespace daemonize
