// Live control (SPEC.md 10): what the supervisor answers on its control
// socket, and the operations that take time: --scale, --reload,
// --restart-instance, one at a time.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>

#include "log.hpp"
#include "number.hpp"
#include "supervisor.hpp"

namespace daemonize::supervisor {


// The control socket next to the pidfile. Without it the service runs as
// before; only the live verbs are missing, so a failure is a warning.
void Supervisor::open_control() {
    if (plan_.launch.pidfile_fd < 0 || plan_.launch.pidfile_path.empty()) return;
    auto server = channel::Server::open(channel::socket_path(plan_.launch.pidfile_path), plan_.files, ::geteuid());
    if (!server) {
        log::warn("no live control (--status per instance, --scale, --reload): %s",
                  format_error(server.error()).c_str());
        return;
    }
    control_ = std::move(*server);
}

std::string Supervisor::state_of(const Instance& in) const {
    switch (in.life.phase()) {
    case Phase::backoff: return "backoff";
    case Phase::stopped: return "stopped";
    case Phase::running: break;
    }
    if (in.stopping) return "stopping";
    if (plan_.ready.wait) return in.ready ? "ready" : "starting";
    if (now_ms() - in.life.started_ms() < plan_.launch.min_uptime.count()) return "starting";
    return "running";
}

status::Supervisor Supervisor::snapshot() const {
    const std::int64_t now = now_ms();
    status::Supervisor s;
    s.pid = ::getpid();
    s.target = op_.kind == Operation::Kind::scale ? op_.target
                                                   : static_cast<int>(std::count_if(instances_.begin(), instances_.end(),
                                                                                    [](const Owned& in) { return !in->retired; }));
    s.uptime_ms = now - started_ms_;
    s.operation = op_.kind == Operation::Kind::reload ? "reload" : op_.kind == Operation::Kind::scale ? "scale" : "";
    s.watchdog_ms = plan_.opts.watchdog.count();
    for (const auto& owned : instances_) {
        const Instance& in = *owned;
        status::Instance st;
        st.index = in.index;
        st.state = state_of(in);
        if (in.life.running()) {
            st.pid = in.pid;
            st.uptime_ms = now - in.life.started_ms();
        }
        if (in.life.phase() == Phase::backoff) st.backoff_ms = std::max<std::int64_t>(in.restart_at - now, 0);
        st.restarts = in.life.restarts();
        st.watchdog_kills = in.watchdog_kills;
        if (in.life.ever_ended()) {
            const ExitInfo& e = in.life.last_exit();
            st.last_exit = status::LastExit{e.signaled, e.value, now - in.life.ended_ms(), in.life.ended_by_watchdog(),
                                            in.life.ended_too_short()};
        }
        if (candidate_ && candidate_->index == in.index && candidate_->life.running()) st.new_pid = candidate_->pid;
        for (const auto& old : retiring_) {
            if (old->index == in.index && old->life.running()) st.old_pid = old->pid;
        }
        s.instances.push_back(std::move(st));
    }
    return s;
}

void Supervisor::on_request(const channel::Request& r) {
    if (!r.refused.empty()) {
        event("control: refused a request from uid %u (pid %d): %s", static_cast<unsigned>(r.uid),
              static_cast<int>(r.pid), r.refused.c_str());
        return;
    }
    if (r.verb == "status") {
        control_->answer(r.client, status::encode(snapshot()), 0, "");
        return;
    }
    const bool scale = r.verb == "scale", reload = r.verb == "reload", restart = r.verb == "restart";
    if (!scale && !reload && !restart) {
        control_->answer(r.client, {}, 125, "unknown request '" + r.verb.substr(0, 40) + "'");
        return;
    }
    std::optional<int> n;
    if (scale || restart) {
        auto v = parse_unsigned<unsigned>(r.arg, 10000);
        if (!v) {
            control_->answer(r.client, {}, 125, "'" + r.arg.substr(0, 40) + "' is not a number from 0 to 10000");
            return;
        }
        n = static_cast<int>(*v);
    }
    const char* refusal = stopping_                               ? "the supervisor is stopping"
                          : startup_                              ? "the supervisor is still starting its instances"
                          : op_.kind == Operation::Kind::reload  ? "busy: a reload is under way"
                          : op_.kind == Operation::Kind::scale   ? "busy: instances are being stopped for --scale"
                                                                  : nullptr;
    if (refusal != nullptr) {
        control_->answer(r.client, {}, 2, refusal);
        return;
    }
    if (scale && *n > 1 && !plan_.child_pidfile.empty()) {
        control_->answer(r.client, {}, 125, "--child-pidfile names a single instance's PID: cannot scale to " +
                                                std::to_string(*n) + " instances");
        return;
    }
    if (restart && static_cast<size_t>(*n) >= instances_.size()) {
        control_->answer(r.client, {}, 125,
                         "there is no instance " + std::to_string(*n) + " (instances are 0 to " +
                             std::to_string(static_cast<int>(instances_.size()) - 1) + ")");
        return;
    }
    event("control: %s%s from uid %u (pid %d)", r.verb.c_str(), r.arg.empty() ? "" : (" " + r.arg).c_str(),
          static_cast<unsigned>(r.uid), static_cast<int>(r.pid));
    if (scale) {
        scale_to(*n, r.client);
        return;
    }
    op_ = Operation{Operation::Kind::reload, r.client, {}, 0, 0};
    if (restart) {
        op_.todo.push_back(*n);
    } else {
        for (const auto& in : instances_) op_.todo.push_back(in->index);
    }
    reload_next();
}

// New instances take the next numbers; extra ones are stopped highest
// first. Answered once started, or once the extra ones have exited.
void Supervisor::scale_to(int n, std::uint64_t client) {
    const int before = static_cast<int>(instances_.size());
    scaled_ = true;
    if (n == before) {
        control_->answer(client, {}, 0, "already " + std::to_string(n) + " instance" + (n == 1 ? "" : "s"));
        return;
    }
    if (n < before) {
        event("scaling from %d to %d instances", before, n);
        op_ = Operation{Operation::Kind::scale, client, {}, 0, n};
        for (int i = before - 1; i >= n; --i) retire(*instances_[static_cast<size_t>(i)]);
        trim();
        return;
    }
    event("scaling from %d to %d instances", before, n);
    std::string failed;
    for (int i = before; i < n; ++i) {
        if (capture_) {
            if (auto ok = capture_->ensure_instance(i); !ok) {
                failed = format_error(ok.error());
                break;
            }
        }
        auto in = make_instance(i, Role::current);
        if (!in) {
            failed = format_error(in.error());
            break;
        }
        instances_.push_back(std::move(*in));
        Instance& added = *instances_.back();
        if (auto pid = spawn(added); !pid) {
            event("instance %d: %s", added.index, format_error(pid.error()).c_str());
            if (added.pid < 0) end_run(added, std::nullopt);
        }
    }
    if (capture_) {
        log_fds_.clear();
        capture_->poll_fds(log_fds_);
    }
    const int now = static_cast<int>(instances_.size());
    if (!failed.empty()) {
        event("scaling stopped at %d instances: %s", now, failed.c_str());
        control_->answer(client, {}, 2, "scaled to " + std::to_string(now) + " instances only: " + failed);
        return;
    }
    control_->answer(client, {}, 0, "scaled from " + std::to_string(before) + " to " + std::to_string(n) + " instances");
}

void Supervisor::retire(Instance& in) {
    in.retired = true;
    change(in, [](InstanceState& life) { life.stop(); });  // a pending restart is off
    stop_run(in, SIGTERM);
}

// Removes retired instances from the end once they have stopped; a scale
// down is done when all have.
void Supervisor::trim() {
    while (!instances_.empty() && instances_.back()->retired && !instances_.back()->life.running()) {
        event("instance %d stopped for --scale", instances_.back()->index);
        instances_.pop_back();
    }
    if (op_.kind == Operation::Kind::scale && static_cast<int>(instances_.size()) <= op_.target)
        end_operation(0, "scaled to " + std::to_string(op_.target) + " instance" + (op_.target == 1 ? "" : "s"));
}

// How long a reload's new run must have run to count as up (besides being
// ready, with readiness).
std::int64_t Supervisor::settle_ms() const {
    if (plan_.launch.min_uptime.count() > 0) return plan_.launch.min_uptime.count();
    return plan_.ready.wait ? 0 : default_settle_ms;
}

// The next instance of a reload: start its new run beside the old one.
void Supervisor::reload_next() {
    while (!op_.todo.empty()) {
        const int i = op_.todo.front();
        if (static_cast<size_t>(i) >= instances_.size() || instances_[static_cast<size_t>(i)]->retired) {
            op_.todo.erase(op_.todo.begin());
            continue;
        }
        auto in = make_instance(i, Role::candidate);
        if (!in) {
            end_operation(2, "instance " + std::to_string(i) + ": " + format_error(in.error()));
            return;
        }
        candidate_ = std::move(*in);
        if (auto pid = spawn(*candidate_); !pid) {
            // Its process, if any, exits 126/127 by itself.
            drop_candidate(format_error(pid.error()));
            return;
        }
        check_candidate();  // with neither readiness nor a settle time
        return;
    }
    const int n = op_.done;
    end_operation(0, "replaced " + std::to_string(n) + " instance" + (n == 1 ? "" : "s"));
}

void Supervisor::check_candidate() {
    if (!candidate_ || !candidate_->life.running()) return;
    const Instance& c = *candidate_;
    // Being stopped (the supervisor stops, the watchdog fired): never up.
    if (stopping_ || op_.kind != Operation::Kind::reload || c.stopping) return;
    if (plan_.ready.wait && !c.ready) return;
    if (now_ms() - c.life.started_ms() < settle_ms()) return;
    promote();
}

// The new run is up: it becomes the instance, with the instance's history;
// the old run is stopped gracefully, and the next instance waits for that.
void Supervisor::promote() {
    if (op_.todo.empty() || op_.todo.front() != candidate_->index) return;  // not this reload's: never
    Owned fresh = std::move(candidate_);
    const int i = fresh->index;
    Owned old = std::move(instances_[static_cast<size_t>(i)]);
    const std::int64_t started = fresh->life.started_ms();
    fresh->life = old->life;
    fresh->life.started(started);
    fresh->role = Role::current;
    fresh->up = true;
    fresh->watchdog_kills = old->watchdog_kills;
    active_ += 1 - (old->life.phase() != Phase::stopped);
    // The old run's pending restart (if it had died meanwhile) is off: its
    // timer id is not the new run's.
    fresh->timer = 0;
    instances_[static_cast<size_t>(i)] = std::move(fresh);
    Instance& now = *instances_[static_cast<size_t>(i)];
    if (capture_) capture_->set_pid(i, now.pid);
    if (!plan_.child_pidfile.empty()) write_child_pidfile(now.pid);
    op_.todo.erase(op_.todo.begin());
    ++op_.done;
    if (old->life.running()) {
        event("instance %d: new run (pid %d) is up; stopping the old run (pid %d)", i, static_cast<int>(now.pid),
              static_cast<int>(old->pid));
        old->role = Role::retiring;
        // Its notifications are no longer read: closed, a sender gets an
        // error at once instead of blocking on a full queue while it drains.
        old->socket.reset();
        old->ready_fd.reset();
        stop_run(*old, SIGTERM);
        retiring_.push_back(std::move(old));
        return;  // on_exit of the old run goes on
    }
    event("instance %d: new run (pid %d) is up", i, static_cast<int>(now.pid));
    reload_next();
}

// The new run failed: the old one stays, the reload ends here.
// A reload's new run that will not be promoted: if it still runs, it is
// an old run now (stopped by whoever dropped it, reaped like the others).
void Supervisor::retire_candidate() {
    if (!candidate_) return;
    if (candidate_->life.running()) {
        candidate_->role = Role::retiring;
        candidate_->socket.reset();
        candidate_->ready_fd.reset();
        retiring_.push_back(std::move(candidate_));
    }
    candidate_.reset();
}

void Supervisor::drop_candidate(const std::string& why) {
    if (candidate_) {
        const int i = candidate_->index;
        retire_candidate();
        const Instance& in = *instances_[static_cast<size_t>(i)];
        std::string kept = in.life.running() ? "; the old run (pid " + std::to_string(in.pid) + ") keeps running" : "";
        event("instance %d: %s%s: reload aborted", i, why.c_str(), kept.c_str());
        end_operation(2, "instance " + std::to_string(i) + ": " + why + kept + " (" + std::to_string(op_.done) +
                             " of the instances were replaced before)");
        return;
    }
    end_operation(2, why);
}

void Supervisor::end_operation(int code, const std::string& text) {
    if (op_.kind == Operation::Kind::none) return;
    const std::uint64_t client = op_.client;
    op_ = Operation{};
    if (control_) control_->answer(client, {}, code, text);
}

}  // namespace daemonize::supervisor
