// start: SPEC.md section 3 steps 1-2 in the caller, then detach().
#include "start.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "detach.hpp"
#include "identity.hpp"
#include "log.hpp"
#include "pidfile.hpp"
#include "resolve.hpp"
#include "stdio.hpp"
#include "sys/posix.hpp"

extern char** environ;

namespace daemonize {
namespace {

void set_env(std::vector<std::string>& env, const std::string& name, const std::string& value) {
    std::string entry = name + "=" + value;
    for (auto& e : env) {
        if (std::string_view(e).substr(0, name.size() + 1) == std::string_view(entry).substr(0, name.size() + 1)) {
            e = std::move(entry);
            return;
        }
    }
    env.push_back(std::move(entry));
}

// The caller's environment, then the target user's HOME/USER/LOGNAME, then -E
// (the user's explicit word wins).
std::vector<std::string> build_env(const Options& opts, const std::optional<Identity>& id) {
    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
    if (id && id->set_user) {
        set_env(env, "HOME", id->home);
        set_env(env, "USER", id->name);
        set_env(env, "LOGNAME", id->name);
    }
    for (const auto& [name, value] : opts.env) set_env(env, name, value);
    return env;
}

}  // namespace

Result<pid_t> start_daemon(const Options& opts) {
    if (auto ok = sys::ensure_stdio_open(); !ok) return std::move(ok).error();
    auto cwd = sys::current_dir();
    if (!cwd) return std::move(cwd).error();

    LaunchPlan plan;
    auto path = resolve_command(opts.command.front(), *cwd);
    if (!path) return std::move(path).error();
    plan.path = std::move(*path);
    log::verbose("command: %s", plan.path.c_str());

    auto identity = resolve_identity(opts.identity);
    if (!identity) return std::move(identity).error();
    plan.identity = std::move(*identity);

    // The umask applies to the files opened below, as it would in the daemon.
    ::umask(static_cast<mode_t>(opts.umask));
    plan.umask = opts.umask;
    plan.chdir = make_absolute(*cwd, opts.chdir);

    std::optional<pidfile::Locked> pid_lock;
    if (!opts.pidfile.empty()) {
        auto locked = pidfile::acquire(make_absolute(*cwd, opts.pidfile));
        if (!locked) return std::move(locked).error();
        pid_lock = std::move(*locked);
        plan.pidfile_fd = pid_lock->fd.get();
        plan.pidfile_path = pid_lock->path;
        log::verbose("pidfile %s locked", plan.pidfile_path.c_str());
    }
    auto cleanup_pidfile = [&] {
        if (pid_lock) pidfile::remove(*pid_lock);
    };

    auto stdio = open_stdio(opts.stdio, *cwd);
    if (!stdio) {
        // A pidfile we did not create and did not write is left as it was.
        if (pid_lock && pid_lock->created) cleanup_pidfile();
        return std::move(stdio).error();
    }
    plan.in_fd = stdio->in.get();
    plan.out_fd = stdio->out.get();
    plan.err_fd = stdio->err_fd();

    plan.args = opts.command;
    plan.env = build_env(opts, plan.identity);
    plan.seal();

    auto daemon = detach(plan);
    if (!daemon) {
        // The daemon may have written the pidfile before failing.
        cleanup_pidfile();
        remove_created(*stdio);
        return std::move(daemon).error();
    }
    log::verbose("started %s as PID %d", plan.args.front().c_str(), *daemon);
    return *daemon;
}

}  // namespace daemonize
