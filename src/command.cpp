// The command's directory, root, environment and executable.
#include "command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "envfile.hpp"
#include "resolve.hpp"

extern char** environ;

namespace daemonize {
namespace {

// An env file holds settings, not data: anything larger is a mistake.
constexpr size_t max_env_file = 1 << 20;

// Read through sys::fs: the file may sit in a directory the service can
// write (then it is read with the service's rights, and a link planted
// there cannot make root read one of its own files into the service).
Result<std::string> read_env_file(const std::string& path, const sys::fs::Actor& actor) {
    auto file = sys::fs::open_stream(path, sys::fs::Access::read, actor);
    if (!file) {
        Error e = std::move(file).error();
        e.what = "--env-file: " + e.what;
        return e;
    }
    std::string text;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(file->fd.get(), buf, sizeof buf);
        if (n == -1 && errno == EINTR) continue;
        if (n == -1) return sys_error("--env-file " + path);
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > max_env_file) return usage_error("--env-file " + path + ": larger than 1 MiB");
    }
    return text;
}

Result<std::vector<EnvVar>> read_env_files(const Options& opts, const std::string& cwd, const sys::fs::Actor& actor) {
    std::vector<EnvVar> vars;
    for (const std::string& given : opts.env_files) {
        const bool optional = given.front() == '-';
        const std::string path = make_absolute(cwd, optional ? given.substr(1) : given);
        auto text = read_env_file(path, actor);
        if (!text) {
            if (optional && text.error().err == ENOENT) continue;
            return std::move(text).error();
        }
        auto parsed = parse_env_file(*text, path);
        if (!parsed) return std::move(parsed).error();
        for (auto& v : *parsed) vars.push_back(std::move(v));
    }
    return vars;
}

bool same_dir(const char* a, const std::string& b) {
    struct stat sa {}, sb {};
    return ::stat(a, &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// -c, --chroot and foreground mode decide where the command runs; the
// shell's logical PWD is kept when it still names that directory.
Status place_dirs(const Options& opts, const std::string& cwd, const sys::fs::Actor& actor, CommandPlace& place) {
    const bool foreground = opts.supervise.foreground;
    if (!opts.harden.chroot.empty()) {
        if (::geteuid() != 0) return sys_error("--chroot: only root can change the root directory", EPERM);
        place.root = make_absolute(cwd, opts.harden.chroot);
        // Opened once and used by its fd: a restart chroots to this very
        // directory, whatever has been renamed onto its path since.
        auto dir = sys::fs::open_directory(place.root, actor);
        if (!dir) {
            Error e = std::move(dir).error();
            e.what = "--chroot: " + e.what;
            return e;
        }
        place.root_dir = std::move(*dir);
        // -c is inside the new root; daemonize itself stays outside.
        place.dir = make_absolute("/", opts.chdir);
        place.own_dir = foreground && !opts.chdir_given ? std::string() : "/";
        place.pwd = place.dir;
        return Ok{};
    }
    if (!foreground || opts.chdir_given) {
        place.own_dir = place.dir = make_absolute(cwd, opts.chdir);
        place.pwd = place.dir;
        return Ok{};
    }
    place.dir = cwd;
    const char* pwd = std::getenv("PWD");
    place.pwd = pwd != nullptr && *pwd == '/' && same_dir(pwd, cwd) ? std::string(pwd) : cwd;
    return Ok{};
}

}  // namespace

Result<CommandPlace> place_command(const Options& opts, const std::string& cwd, const std::optional<Identity>& id,
                                   const sys::fs::Actor& actor) {
    CommandPlace place;
    if (auto ok = place_dirs(opts, cwd, actor, place); !ok) return std::move(ok).error();

    EnvPlan env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.inherited.emplace_back(*e);
    env.clear = opts.clear_env;
    if (id && id->set_user) env.identity = {{"HOME", id->home}, {"USER", id->name}, {"LOGNAME", id->name}};
    auto files = read_env_files(opts, cwd, actor);
    if (!files) return std::move(files).error();
    env.files = std::move(*files);
    env.explicit_vars = opts.env;
    env.unset = opts.unset_env;
    env.pwd = place.pwd;
    place.env = build_environment(env);

    // With the command's own PATH; relative to the caller's directory (or,
    // in a chroot, to -c inside it).
    const std::string* path_var = find_env(place.env, "PATH");
    std::string_view search = path_var != nullptr ? std::string_view(*path_var).substr(5) : "/bin:/usr/bin";
    const std::string& root = place.root;
    auto probe = [&root](const std::string& candidate) {
        const std::string real = root + candidate;
        struct stat st {};
        if (::stat(real.c_str(), &st) == -1) return Access::missing;
        if (!S_ISREG(st.st_mode) || ::access(real.c_str(), X_OK) == -1) return Access::not_executable;
        return Access::executable;
    };
    auto path = resolve_command(opts.command.front(), search, root.empty() ? cwd : place.dir, probe);
    if (!path) {
        if (root.empty()) return std::move(path).error();
        return usage_error("cannot execute '" + opts.command.front() + "': " +
                           (path.error().err == EACCES ? "not executable" : "not found") + " inside --chroot " + root);
    }
    if (!root.empty() && probe(*path) == Access::missing)
        return usage_error("cannot execute '" + opts.command.front() + "': " + *path + " not found inside --chroot " + root);
    place.path = std::move(*path);
    return place;
}

}  // namespace daemonize
