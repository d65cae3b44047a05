// PURE: the command's environment, from the caller's, the options and
// --env-file contents (systemd's EnvironmentFile= syntax).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error.hpp"

namespace daemonize {

using EnvVar = std::pair<std::string, std::string>;

/// Whether `name` is a portable variable name: letters, digits and '_',
/// not starting with a digit.
[[nodiscard]] bool valid_env_name(std::string_view name) noexcept;

/// One --env-file's text → its assignments, in order. Lines are KEY=VALUE;
/// blank lines and lines starting with '#' or ';' are skipped; an `export `
/// prefix is allowed; blanks around KEY and before VALUE are dropped.
/// VALUE may be quoted ('...' literally, "..." with \" \\ \` \$ escapes)
/// and quotes may span lines; unquoted, a backslash escapes the next
/// character and trailing blanks are dropped; a backslash at the end of a
/// line continues it. Errors say `file`:LINE and what is wrong.
[[nodiscard]] Result<std::vector<EnvVar>> parse_env_file(std::string_view text, std::string_view file);

/// What goes into the command's environment, in the order applied.
struct EnvPlan {
    std::vector<std::string> inherited;  // "NAME=VALUE" (the caller's environ)
    bool clear = false;                  // --clear-env: start empty
    std::vector<EnvVar> identity;        // HOME, USER, LOGNAME of -u
    std::vector<EnvVar> files;           // --env-file assignments, in order
    std::vector<EnvVar> explicit_vars;   // -E
    std::vector<std::string> unset;      // --unset
    std::string pwd;                     // the working directory; empty: leave PWD alone
};

/// The default PATH of a cleared environment (the one su and login use).
inline constexpr std::string_view default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The inherited environment (none with `clear`, then only PATH), -u's
/// variables, the env files, -E, then --unset removes, then PWD is set
/// (unless unset). Later assignments replace earlier ones in place.
[[nodiscard]] std::vector<std::string> build_environment(const EnvPlan& plan);

/// Sets NAME in `env`, in place if it is there.
void set_env(std::vector<std::string>& env, std::string_view name, std::string_view value);

/// The "NAME=VALUE" entry for NAME in `env`, or nullptr.
[[nodiscard]] const std::string* find_env(const std::vector<std::string>& env, std::string_view name);

}  // namespace daemonize
