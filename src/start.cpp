// start: SPEC.md section 3 steps 1-2 in the caller, then detach().
#include "start.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "command.hpp"
#include "detach.hpp"
#include "envfile.hpp"
#include "identity.hpp"
#include "log.hpp"
#include "pidfile.hpp"
#include "ready.hpp"
#include "resolve.hpp"
#include "sys/process.hpp"
#include "stdio.hpp"
#include "supervise.hpp"
#include "sys/net.hpp"
#include "sys/posix.hpp"
#include "sys/signals.hpp"

extern char** environ;

namespace daemonize {
namespace {

// The kernel's view of the hardening options, and what only root may ask.
Result<sys::ProcessPlan> plan_process(const Options& opts, const std::optional<Identity>& id) {
    const HardenOptions& h = opts.harden;
    if ((h.keep_caps_given || h.cap_bound) && ::geteuid() != 0)
        return sys_error(std::string(h.keep_caps_given ? "--keep-caps" : "--cap-bound") +
                             ": only root can hand out or bound capabilities", EPERM);
    auto plan = sys::plan_process(h);
    if (!plan) return std::move(plan).error();
    plan->stays_root = !(id && id->set_user && id->uid != 0);
    return plan;
}

int resolve_instances(int requested) {
    if (requested > 0) return requested;
    long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    return cpus > 0 ? static_cast<int>(cpus) : 1;
}

// The supervisor as the daemon process: same preparation as a plain daemon,
// then it writes its own PID and stays. Never returns.
[[noreturn]] void run_detached_supervisor(const SupervisePlan& sp, int report_fd) {
    const LaunchPlan& plan = sp.launch;
    if (auto failed = prepare_process(plan, report_fd)) {
        send_report(report_fd, failed->stage, failed->value);
        _exit(125);
    }
    if (plan.pidfile_fd >= 0) {
        if (int err = pidfile::write_pid(plan.pidfile_fd, ::getpid())) {
            send_report(report_fd, Stage::pidfile, err);
            _exit(125);
        }
        pidfile::stamp_self(plan.pidfile_fd, plan.boot_id.c_str());
    }
    auto code = supervise(sp, report_fd);
    if (!code) {
        send_report(report_fd, Stage::supervise, code.error().err);
        _exit(125);
    }
    _exit(*code);
}

// -f: this process is the supervisor; unset options keep what we inherited.
Result<int> run_foreground(const SupervisePlan& sp) {
    const LaunchPlan& plan = sp.launch;
    // This process is the caller: its stderr (the terminal) is where the
    // error of a failed start belongs, but -o/-e replace fds 0-2 below.
    log::SinkGuard caller_stderr;
    if (auto failed = prepare_process(plan, caller_stderr.saved())) return describe_failure(plan, *failed);
    if (plan.pidfile_fd >= 0) {
        if (int err = pidfile::write_pid(plan.pidfile_fd, ::getpid()))
            return describe_failure(plan, Report{Stage::pidfile, err});
        pidfile::stamp_self(plan.pidfile_fd, plan.boot_id.c_str());
    }
    return supervise(sp, -1);
}

// Who runs what, where and how (SPEC.md 5): the identity, the command's
// place and environment, its process settings, the child pidfile's place.
// Returns who files are opened for.
Result<sys::fs::Actor> plan_command(const Options& opts, const std::string& cwd, SupervisePlan& sp) {
    LaunchPlan& plan = sp.launch;
    auto identity = resolve_identity(opts.identity);
    if (!identity) return std::move(identity).error();
    plan.identity = std::move(*identity);
    const sys::fs::Actor actor = file_actor(plan.identity);

    auto place = place_command(opts, cwd, plan.identity, actor);
    if (!place) return std::move(place).error();
    plan.path = std::move(place->path);
    log::verbose("command: %s%s", place->root.c_str(), plan.path.c_str());
    auto process = plan_process(opts, plan.identity);
    if (!process) return std::move(process).error();
    plan.process = std::move(*process);
    plan.process.root = place->root;
    sp.root_dir = std::move(place->root_dir);
    plan.process.root_fd = sp.root_dir.get();
    plan.process.dir = place->dir;
    plan.chdir = place->own_dir;
    plan.env = std::move(place->env);
    plan.harden = opts.harden;
    plan.min_uptime = opts.min_uptime;
    if (!opts.supervise.child_pidfile.empty()) {
        sp.child_pidfile = make_absolute(cwd, opts.supervise.child_pidfile);
        if (auto ok = sys::fs::check_pidfile_place(sp.child_pidfile, actor); !ok) return ok.error();
    }
    return actor;
}

// Readiness (SPEC.md section 8). A supervisor opens its own socket and
// pipes, one per instance; in the default mode the caller waits itself
// (`wait_here`), and the --ready-fd pipe's write end goes to the daemon.
Status open_readiness(const Options& opts, bool wait_here, LaunchPlan& plan, ReadyWatch& watch,
                      sys::UniqueFd& ready_write) {
    if (!opts.ready.wait) return Ok{};
    plan.ready_fd = opts.ready.fd;
    watch.uid = plan.identity && plan.identity->set_user ? plan.identity->uid : ::geteuid();
    watch.fd_number = opts.ready.fd;
    if (!wait_here) return Ok{};
    auto socket = notify::Socket::open();
    if (!socket) return std::move(socket).error();
    watch.socket = std::move(*socket);
    if (opts.ready.fd >= 0) {
        auto pipe = notify::make_ready_pipe();
        if (!pipe) return std::move(pipe).error();
        watch.fd = std::move(pipe->read);
        ready_write = std::move(pipe->write);
        plan.ready_src = ready_write.get();
    }
    return Ok{};
}

// --listen (SPEC.md 11): fds 3 .. 2+n are taken before anything else is
// opened (by /dev/null, close-on-exec), so that no other fd lands there;
// bind_listen() puts the sockets on them.
Status reserve_listen_fds(int n) {
    if (n == 0) return Ok{};
    sys::UniqueFd null{::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    if (!null.valid()) return sys_error("open /dev/null");
    for (int fd = 3; fd < 3 + n; ++fd) {
        if (null.get() == fd) continue;  // it is a placeholder itself
        if (::dup3(null.get(), fd, O_CLOEXEC) == -1) return sys_error("reserve fd " + std::to_string(fd));
    }
    if (null.get() < 3 + n) (void)null.release();  // it sits in the range: keep it there
    return Ok{};
}

// Binds every --listen socket and moves it onto its fd (3, 4, ...); the
// environment gets LISTEN_FDS, LISTEN_FDNAMES and room for LISTEN_PID.
// Unix sockets created here are listed in `created` for a rollback.
Status bind_listen(const Options& opts, const std::string& cwd, const sys::fs::Actor& actor, LaunchPlan& plan,
                   std::vector<std::pair<std::string, sys::fs::FileId>>& created) {
    if (opts.listen.empty()) return Ok{};
    int fd = 3;
    for (const ListenSpec& spec : opts.listen) {
        sys::UniqueFd sock;
        if (spec.kind == ListenSpec::Kind::unix_stream) {
            const std::string path = make_absolute(cwd, spec.path);
            auto opened = sys::fs::listen_socket(path, actor, static_cast<mode_t>(opts.listen_mode), true);
            if (!opened) {
                Error e = std::move(opened).error();
                e.what = "--listen " + spec.text + ": " + e.what;
                return e;
            }
            created.emplace_back(path, opened->id);
            sock = std::move(opened->fd);
        } else {
            auto bound = sys::bind_inet(spec);
            if (!bound) return std::move(bound).error();
            sock = std::move(*bound);
        }
        if (::dup3(sock.get(), fd, O_CLOEXEC) == -1) return sys_error("move the --listen socket to fd " + std::to_string(fd));
        log::verbose("listening on %s (fd %d)", spec.text.c_str(), fd);
        ++fd;
    }
    plan.listen_count = static_cast<int>(opts.listen.size());
    set_env(plan.env, "LISTEN_FDS", std::to_string(plan.listen_count));
    set_env(plan.env, "LISTEN_FDNAMES", listen_fdnames(opts.listen));
    // The process that execs writes its PID here (its own, after fork).
    set_env(plan.env, "LISTEN_PID", std::string(24, '\0'));
    return Ok{};
}

// For -v: the command line as a shell would take it back ('...' where needed).
std::string quoted(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") ==
                              std::string::npos) {
            out += w;
            continue;
        }
        out += '\'';
        for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        out += '\'';
    }
    return out;
}

// -v: who the command runs as.
void report_identity(const std::optional<Identity>& id) {
    if (!log::verbose_enabled()) return;
    if (!id || !id->switch_ids) {
        log::verbose("identity: unchanged (uid %u, gid %u)", static_cast<unsigned>(::getuid()),
                     static_cast<unsigned>(::getgid()));
        return;
    }
    std::string groups;
    for (gid_t g : id->groups) groups += (groups.empty() ? "" : ",") + std::to_string(g);
    log::verbose("identity: %s (uid %u, gid %u, groups %s)", id->set_user ? id->name.c_str() : "group only",
                 static_cast<unsigned>(id->set_user ? id->uid : ::getuid()), static_cast<unsigned>(id->gid),
                 groups.empty() ? "none" : groups.c_str());
}

// -v: where the standard streams go. A Python command writing to a file
// or a pipe block-buffers its output: say so, since "nothing in the log" is
// the usual first surprise.
void report_stdio(const Options& opts, const std::vector<std::string>& env, const std::string& out_path,
                  const std::string& err_path) {
    if (!log::verbose_enabled()) return;
    const char* unset = opts.supervise.foreground ? "inherited" : "/dev/null";
    const char* mode = opts.stdio.truncate ? " (truncated)" : " (appending)";
    if (opts.log.syslog) {
        log::verbose("stdin: %s; stdout and stderr: syslog, tag %s (if nobody listens: %s)",
                     opts.stdio.in.empty() ? unset : opts.stdio.in.c_str(),
                     opts.log.syslog_tag.empty() ? "the command's name" : opts.log.syslog_tag.c_str(),
                     out_path.empty() ? unset : out_path.c_str());
    } else {
        log::verbose("stdin: %s; stdout: %s%s; stderr: %s%s", opts.stdio.in.empty() ? unset : opts.stdio.in.c_str(),
                     out_path.empty() ? unset : out_path.c_str(), out_path.empty() ? "" : mode,
                     !err_path.empty() ? err_path.c_str() : out_path.empty() ? unset : "with stdout",
                     err_path.empty() ? "" : mode);
    }
    const std::string& command = opts.command.front();
    const std::string base = command.substr(command.rfind('/') + 1);
    if (base.rfind("python", 0) != 0 || (out_path.empty() && !opts.log.syslog)) return;
    // -u among the interpreter's own options (before the script or -c/-m's value).
    bool unbuffered = false;
    for (auto a = opts.command.begin() + 1; a != opts.command.end() && a->size() > 1 && (*a)[0] == '-'; ++a) {
        if ((*a)[1] != '-' && a->find('u') != std::string::npos) unbuffered = true;
        if (*a == "-c" || *a == "-m") break;
    }
    // The environment the command gets (after -E, --env-file, --unset...).
    const std::string* var = find_env(env, "PYTHONUNBUFFERED");
    if (var != nullptr && var->size() > std::string_view("PYTHONUNBUFFERED=").size()) unbuffered = true;
    if (!unbuffered)
        log::verbose("note: %s buffers what it writes to a file or pipe: lines arrive late, and are lost if it is "
                     "killed; use '%s -u' or -E PYTHONUNBUFFERED=1", base.c_str(), base.c_str());
}

}  // namespace

Result<int> run_start(const Options& opts) {
    const bool foreground = opts.supervise.foreground;
    if (auto ok = sys::ensure_stdio_open(); !ok) return std::move(ok).error();
    if (auto ok = reserve_listen_fds(static_cast<int>(opts.listen.size())); !ok) return std::move(ok).error();
    auto cwd = sys::current_dir();
    if (!cwd) return std::move(cwd).error();
    if (log::verbose_enabled())
        log::verbose("daemonize %s, uid %u, in %s: %s", DAEMONIZE_VERSION, static_cast<unsigned>(::getuid()), cwd->c_str(),
                     quoted(opts.command).c_str());

    SupervisePlan sp;
    LaunchPlan& plan = sp.launch;
    auto actor_or = plan_command(opts, *cwd, sp);
    if (!actor_or) return std::move(actor_or).error();
    const sys::fs::Actor actor = *actor_or;
    report_identity(plan.identity);

    ReadyWatch watch;
    sys::UniqueFd ready_write;
    const bool wait_here = (opts.ready.wait || opts.min_uptime.count() > 0) && !opts.supervise.active();
    if (auto ok = open_readiness(opts, wait_here, plan, watch, ready_write); !ok) return std::move(ok).error();

    // The umask applies to the files opened below, as it would in the daemon.
    // In the foreground, cwd, umask and stdio stay as inherited unless given.
    plan.umask = -1;
    if (!foreground || opts.umask_given) {
        ::umask(static_cast<mode_t>(opts.umask));
        plan.umask = static_cast<int>(opts.umask);
    }

    // Pidfiles are stamped with this boot's id and the process's start time.
    if (!opts.pidfile.empty() || !sp.child_pidfile.empty()) plan.boot_id = pidfile::boot_id();
    std::optional<pidfile::Locked> pid_lock;
    if (!opts.pidfile.empty()) {
        auto locked = pidfile::acquire(make_absolute(*cwd, opts.pidfile), actor);
        if (!locked) return std::move(locked).error();
        pid_lock = std::move(*locked);
        plan.pidfile_fd = pid_lock->fd.get();
        plan.pidfile_path = pid_lock->path;
        plan.pidfile_id = pid_lock->id;
        // "./a.pid" and "a.pid", or two links to one directory: one file.
        if (!sp.child_pidfile.empty() && sys::fs::names(sp.child_pidfile, pid_lock->id, actor)) {
            if (pid_lock->created) pidfile::remove(*pid_lock, actor);
            return usage_error("--child-pidfile " + sp.child_pidfile + " is the same file as --pidfile " +
                               pid_lock->path);
        }
        log::verbose("pidfile %s locked", plan.pidfile_path.c_str());
    }
    std::vector<std::pair<std::string, sys::fs::FileId>> sockets;  // unix sockets we created
    // Undoes a start that failed: the unix sockets we created always; the
    // pidfile if we created it, or if something may have written it (the
    // daemon). A pidfile that was there and was not written is left as it was.
    auto cleanup = [&](bool pidfile_written) {
        if (pid_lock && (pidfile_written || pid_lock->created)) pidfile::remove(*pid_lock, actor);
        for (const auto& [path, id] : sockets) sys::fs::unlink_if(path, id, actor);
    };
    if (auto ok = bind_listen(opts, *cwd, actor, plan, sockets); !ok) {
        cleanup(false);
        return std::move(ok).error();
    }

    // With log capture the supervisor's own stderr is the -e (or -o) file,
    // "%i" read as "supervisor"; each instance's files are opened here once
    // so that errors show now, and by the supervisor for good.
    const bool capture = opts.supervise.capture;
    int instances = resolve_instances(opts.supervise.instances);
    auto absolute = [&](const std::string& p) { return p.empty() ? p : make_absolute(*cwd, p); };
    const std::string out_path = absolute(opts.stdio.out), err_path = absolute(opts.stdio.err);
    StdioOptions own = opts.stdio;
    std::vector<std::string> instance_files;
    if (capture) {
        own.out = out_path;
        own.err = err_path;
        for (std::string* path : {&own.out, &own.err}) {
            if (path->find("%i") == std::string::npos) continue;
            for (int i = 0; i < instances; ++i) instance_files.push_back(capture::expand_instance(*path, std::to_string(i)));
            *path = capture::expand_instance(*path, "supervisor");
        }
    }
    auto stdio = open_stdio(own, *cwd, foreground, actor);
    if (stdio && !instance_files.empty()) {
        if (auto ok = prepare_outputs(instance_files, opts.stdio.truncate, *stdio, actor); !ok) {
            remove_created(*stdio, actor);
            stdio = std::move(ok).error();
        }
    }
    if (!stdio) {
        cleanup(false);
        return std::move(stdio).error();
    }
    plan.in_fd = stdio->in.get();
    plan.out_fd = stdio->out.get();
    plan.err_fd = stdio->err_fd();
    report_stdio(opts, plan.env, out_path, err_path == out_path ? std::string() : err_path);
    if (log::verbose_enabled()) {
        char mask[8] = "kept";
        if (plan.umask >= 0) std::snprintf(mask, sizeof mask, "%03o", static_cast<unsigned>(plan.umask) & 0777u);
        log::verbose("working directory: %s; umask %s", plan.chdir.empty() ? "kept" : plan.chdir.c_str(), mask);
    }

    plan.args = opts.command;
    // With -w the socket is ours, whatever -E or the caller said.
    if (watch.socket) set_env(plan.env, "NOTIFY_SOCKET", watch.socket->address());
    plan.seal();
    if (plan.listen_count > 0) {
        for (char* e : plan.envp) {
            if (e != nullptr && std::strncmp(e, "LISTEN_PID=", 11) == 0) plan.listen_pid = e + 11;
        }
    }

    sp.opts = opts.supervise;
    sp.instances = instances;
    sp.files = actor;
    if (capture) {
        sp.capture = capture::Capture::Plan{opts.log, out_path, err_path, opts.command.front(), instances, false, actor};
        sp.log_forward_hup = opts.log.forward_hup;
        if (opts.log.syslog) {
            // Say it here, on the caller's terminal, rather than only in a log.
            std::string socket = capture::syslog_socket_path();
            if (!capture::syslog_listening(socket)) {
                const std::string& to = !opts.stdio.out.empty() ? opts.stdio.out : opts.stdio.err;
                log::warn("syslog: nobody listens on %s (%s); output goes to %s", socket.c_str(), std::strerror(errno),
                          to.empty() ? (foreground ? "standard output and error" : "/dev/null") : to.c_str());
                sp.capture->syslog_warned = true;
            }
        }
    }

    sp.log_events = !opts.supervise.plain_init() || log::verbose_enabled();
    plan.take_terminal = foreground && sp.instances == 1;
    sp.ready = opts.ready;
    sp.command_uid = watch.uid;
    if (foreground && opts.ready.wait) {
        // Under systemd Type=notify: READY=1 goes up once the command is ready.
        if (const char* up = std::getenv("NOTIFY_SOCKET"); up != nullptr && *up != '\0') sp.upstream_notify = up;
    }

    if (foreground) {
        // prepare_process() closes the stdio files once they are on 0-2.
        (void)stdio->in.release();
        (void)stdio->out.release();
        (void)stdio->err.release();
        auto code = run_foreground(sp);
        if (!code) {
            cleanup(true);
            remove_created(*stdio, actor);
        }
        return code;
    }

    // TERM or INT while the caller waits for readiness stops the unready
    // command (and removes the pidfile): nothing left behind, exit 128+N.
    std::optional<sys::BlockedSignals> interruptible;
    if (opts.ready.wait || opts.min_uptime.count() > 0) interruptible.emplace(std::initializer_list<int>{SIGTERM, SIGINT});
    const int stop_fd = interruptible ? interruptible->fd() : -1;

    DaemonMain daemon_main;
    if (opts.supervise.active()) daemon_main = [&sp](int report_fd) { run_detached_supervisor(sp, report_fd); };
    auto daemon = detach(plan, daemon_main, Interrupt{stop_fd, opts.supervise.stop_timeout + Millis{5000}});
    ready_write.reset();  // now only the command holds the --ready-fd pipe
    if (!daemon) {
        // The daemon may have written the pidfile before failing. What a
        // command that ran wrote to its log files explains why it failed.
        cleanup(true);
        if (!daemon.error().command_ran) remove_created(*stdio, actor);
        return std::move(daemon).error();
    }
    if (opts.supervise.active())
        log::verbose("started %s under its supervisor, PID %d: exec confirmed for every instance",
                     plan.args.front().c_str(), *daemon);
    else
        log::verbose("started %s as PID %d: exec confirmed", plan.args.front().c_str(), *daemon);
    if (!wait_here) return 0;

    auto main_pid =
        wait_ready(watch, *daemon, plan.args.front(), opts.ready.timeout, opts.supervise.stop_timeout, stop_fd, opts.min_uptime);
    if (!main_pid) {
        cleanup(true);
        return std::move(main_pid).error();
    }
    if (*main_pid != *daemon && pid_lock) {
        if (int err = pidfile::write_pid(pid_lock->fd.get(), *main_pid))
            log::warn("cannot write MAINPID %d to %s: %s", static_cast<int>(*main_pid), pid_lock->path.c_str(),
                      std::strerror(err));
        pidfile::stamp(pid_lock->fd.get(), *main_pid, plan.boot_id);
    }
    return 0;
}

}  // namespace daemonize
