// Command and path resolution.
#include "resolve.hpp"

#include <cerrno>

namespace daemonize {

std::string make_absolute(std::string_view cwd, std::string_view path) {
    std::string joined;
    if (path.empty() || path.front() != '/') {
        joined.assign(cwd);
        joined += '/';
    }
    joined += path;

    std::string out;
    out.reserve(joined.size());
    size_t i = 0;
    while (i < joined.size()) {
        size_t end = joined.find('/', i);
        if (end == std::string::npos) end = joined.size();
        std::string_view part(joined.data() + i, end - i);
        if (!part.empty() && part != ".") {
            out += '/';
            out += part;
        }
        i = end + 1;
    }
    if (out.empty()) out = "/";
    // A trailing slash (or "/.") says "directory"; keep it for exec's error.
    if (joined.size() > 1 && (joined.back() == '/' || joined.ends_with("/.")) && out != "/") out += '/';
    return out;
}

Result<std::string> resolve_command(std::string_view name, std::string_view path_env,
                                    std::string_view cwd, const AccessProbe& probe) {
    const std::string shown = "cannot execute '" + std::string(name) + "'";
    if (name.empty()) return Error{ExitCode::not_found, shown, ENOENT};
    if (name.find('/') != std::string_view::npos) return make_absolute(cwd, name);

    bool seen_unexecutable = false;
    size_t i = 0;
    while (i <= path_env.size()) {
        size_t end = path_env.find(':', i);
        if (end == std::string_view::npos) end = path_env.size();
        std::string dir = make_absolute(cwd, path_env.substr(i, end - i));
        if (dir.back() != '/') dir += '/';
        std::string candidate = dir + std::string(name);
        switch (probe(candidate)) {
        case Access::executable: return candidate;
        case Access::not_executable: seen_unexecutable = true; break;
        case Access::missing: break;
        }
        i = end + 1;
    }
    if (seen_unexecutable) return Error{ExitCode::cannot_execute, shown, EACCES};
    return Error{ExitCode::not_found, shown, ENOENT};
}


}  // namespace daemonize
