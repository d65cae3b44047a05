// The supervisor's state, shared by its two halves: supervise.cpp (the
// event loop: spawning, exits, restarts, readiness, signals) and live.cpp
// (live control: status, scaling, rolling restarts). Private to them.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "capture.hpp"
#include "channel.hpp"
#include "instance.hpp"
#include "notify.hpp"
#include "policy.hpp"
#include "spawn.hpp"
#include "status.hpp"
#include "supervise.hpp"
#include "sys/posix.hpp"

namespace daemonize::supervisor {

inline std::int64_t now_ms() { return sys::monotonic_ms(); }

// Which process of an instance this is. During a reload an instance has
// its current run and a new one (until that is up), then the old one
// (until it has stopped).
enum class Role { current, candidate, retiring };

struct Instance {
    int index = 0;
    Role role = Role::current;
    InstanceState life;    // phase, backoff streak, last exit: pure (instance.hpp)
    pid_t pid = -1;        // while running: our child, not yet reaped
    sys::UniqueFd pidfd;   // while running: every signal goes through it
    std::uint64_t timer = 0;       // id of its pending restart timer
    std::int64_t restart_at = 0;   // when that restart is due
    std::uint64_t run = 0;         // id of the current run (unique in this supervisor)
    std::string env_var;   // "DAEMONIZE_INSTANCE=i"
    std::string watchdog_var, pid_var;  // WATCHDOG_USEC=, WATCHDOG_PID= (filled in by the child)
    std::vector<char*> envp;
    // Readiness (-w) and watchdog: its own socket, so a message says which
    // instance it is about even when the sender is gone; a fresh
    // --ready-fd pipe per run.
    std::optional<notify::Socket> socket;
    std::string notify_var;  // "NOTIFY_SOCKET=@..."
    sys::UniqueFd ready_fd;
    bool ready = false;
    bool up = false;         // counted: ready (with -w) and up for --min-uptime
    bool stopping = false;   // daemonize asked this run to stop
    bool retired = false;    // scaled away: never restarted, removed once stopped
    std::int64_t watchdog_due = 0;  // the run is killed if no WATCHDOG=1 comes by then
    int watchdog_kills = 0;
};

enum class TimerKind {
    restart,         // an instance's backoff is over
    stop_deadline,   // --stop-timeout after the stop began: SIGKILL
    ready_deadline,  // --ready-timeout after the start
    fd_grace,        // an instance closed its --ready-fd unready; is it exiting?
    uptime,          // an instance has run for --min-uptime
    kill,            // --stop-timeout after one run was asked to stop
    settle,          // a reload's new run has run long enough to count as up
    reload_deadline, // a reload's new run was not ready within --ready-timeout
    watchdog,        // a run's watchdog may have expired
};

// `id` is an instance's timer id (restart), a run id (per-run kinds) or a
// generation (stop_deadline); ids are never reused.
struct Timer {
    std::int64_t at_ms;
    TimerKind kind;
    std::uint64_t id;
    int index = -1;  // restart: the instance
    bool operator>(const Timer& o) const { return at_ms > o.at_ms; }
};

// After EOF on an instance's ready fd, how long it gets to show that it is
// exiting before the start counts as failed (as in the default mode).
inline constexpr std::int64_t closed_fd_grace_ms = 1000;
// A reload's new run counts as up after this long when neither readiness
// nor --min-uptime says otherwise: most programs that cannot start fail
// within it.
inline constexpr std::int64_t default_settle_ms = 1000;

// A live request that takes time (--scale down, --reload): one at a time.
struct Operation {
    enum class Kind { none, scale, reload } kind = Kind::none;
    std::uint64_t client = 0;  // who waits for the answer (it may have left)
    std::vector<int> todo;     // reload: the instances still to replace, in order
    int done = 0;              // reload: replaced so far
    int target = 0;            // scale: the number of instances asked for
};

class Supervisor {
public:
    Supervisor(const SupervisePlan& plan)
        : plan_(plan),
          rules_{plan.opts.restart, plan.opts.delay, plan.opts.success_exit, plan.launch.min_uptime},
          budget_(plan.opts.max_restarts),
          rng_(::getpid()) {}
    Result<int> run(int report_fd);

private:
    using Owned = std::unique_ptr<Instance>;

    void event(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    Status setup_signals();
    [[nodiscard]] Result<Owned> make_instance(int index, Role role);
    Result<pid_t> spawn(Instance& in);
    void on_exit(Instance& in, int status);
    void end_run(Instance& in, std::optional<ExitInfo> how);
    template <typename F>
    void change(Instance& in, F&& f);
    template <typename F>
    void each_process(F&& f);
    void reap();
    void begin_stop(int sig);
    void forward(int sig);
    void fire_timers();
    void fire(const Timer& t);
    int poll_timeout_ms();
    [[nodiscard]] bool keep_running() const;
    void write_child_pidfile(pid_t pid);
    void signal(Instance& in, int sig);
    void stop_run(Instance& in, int sig);
    void kill_leftovers();
    [[nodiscard]] bool timer_live(const Timer& t) const;
    [[nodiscard]] Instance* live_run(std::uint64_t run) const;
    void read_notifications(Instance& in);
    void read_ready_fd(Instance& in);
    void mark_ready(Instance& in);
    void arm_watchdog(Instance& in);
    void watchdog_kill(Instance& in, const std::string& why);
    void count_up(Instance& in);
    void startup_done();
    void startup_failed(const Report& report);
    void relay_upstream(const std::string& message);
    void release_caller();
    std::vector<pollfd>& poll_set();
    [[nodiscard]] int finish();
    // Live control (SPEC.md 10).
    void open_control();
    void on_request(const channel::Request& r);
    [[nodiscard]] status::Supervisor snapshot() const;
    [[nodiscard]] std::string state_of(const Instance& in) const;
    void scale_to(int n, std::uint64_t client);
    void retire(Instance& in);
    void trim();
    void reload_next();
    [[nodiscard]] std::int64_t settle_ms() const;
    void check_candidate();
    void promote();
    void drop_candidate(const std::string& why);
    void retire_candidate();
    void end_operation(int code, const std::string& text);
    [[nodiscard]] std::string label(const Instance& in) const;

    const SupervisePlan& plan_;
    const Rules rules_;
    // Stable addresses: by_pid_, runs_ and the poll set point into them.
    std::vector<Owned> instances_;   // [i] is instance i
    Owned candidate_;                // a reload's new run, until it is up
    std::vector<Owned> retiring_;    // runs replaced by a reload, until they exit
    std::unordered_map<pid_t, Instance*> by_pid_;
    std::unordered_map<std::uint64_t, Instance*> runs_;  // live runs by id
    std::uint64_t next_id_ = 0;      // for run and timer ids
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
    RestartBudget budget_;
    std::minstd_rand rng_;
    sys::UniqueFd sigfd_;
    int active_ = 0;  // instances not stopped: O(1) "anything left?", for -n 1024
    bool stopping_ = false;
    bool gave_up_ = false;
    bool scaled_ = false;  // the instance count was changed live
    Report spawn_failure_;  // why the last spawn failed
    std::uint64_t stop_generation_ = 0;
    std::int64_t started_ms_ = 0;
    // Readiness: until every instance is ready the caller waits on
    // report_fd_; any exit meanwhile is a failed start.
    bool startup_ = false;
    int ready_count_ = 0;
    int report_fd_ = -1;
    std::optional<int> startup_code_;  // our exit status after a failed start
    bool upstream_warned_ = false;
    std::vector<pollfd> pollfds_;
    enum class Source { notify, ready_fd, log };
    struct Owner {
        Source source;
        Instance* in;  // notify, ready_fd
        size_t stream; // log
    };
    std::vector<Owner> poll_owner_;  // per pollfds_[1..control_at_)
    size_t control_at_ = 0;          // where the control channel's fds begin in pollfds_
    std::unique_ptr<capture::Capture> capture_;
    std::vector<int> log_fds_;
    sys::fs::FileId child_pidfile_;  // the child pidfile we wrote last
    // Children this process already had when it became the supervisor (-f
    // exec'd by a shell with background jobs): not the service's, never
    // killed as leftovers. Our children until reaped, so the PIDs are safe.
    std::unordered_set<pid_t> inherited_;
    std::optional<channel::Server> control_;
    Operation op_;
};

// Runs one event through the instance's pure state, keeping count of the
// instances that are not stopped (O(1) "anything left?", for -n 1024).
template <typename F>
void Supervisor::change(Instance& in, F&& f) {
    const bool counted = in.role == Role::current;
    const bool before = in.life.phase() != Phase::stopped;
    f(in.life);
    if (counted) active_ += (in.life.phase() != Phase::stopped) - before;
}

// Every instance object that may have a process: instances, a reload's new
// run and the old runs it replaced.
template <typename F>
void Supervisor::each_process(F&& f) {
    for (auto& in : instances_) f(*in);
    if (candidate_) f(*candidate_);
    for (auto& in : retiring_) f(*in);
}

}  // namespace daemonize::supervisor
