// Where things are: COMMAND through PATH, relative paths against the caller's dir.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "error.hpp"

namespace daemonize {

/// `path` if absolute, else cwd/path, with "." components and doubled slashes
/// dropped (".." is kept: it means something else behind a symlink).
[[nodiscard]] std::string make_absolute(std::string_view cwd, std::string_view path);

enum class Access { executable, not_executable, missing };
using AccessProbe = std::function<Access(const std::string& path)>;

/// execvp's search, done in the caller so the daemon can run anywhere: a name
/// with a '/' is made absolute; otherwise the first PATH entry (empty = cwd)
/// holding an executable wins. Not found → 127/ENOENT; only non-executable
/// matches → 126/EACCES.
[[nodiscard]] Result<std::string> resolve_command(std::string_view name, std::string_view path_env,
                                                  std::string_view cwd, const AccessProbe& probe);

}  // namespace daemonize
