// Where and with what the command runs: its working directory (and root),
// its environment and its executable, decided in the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "error.hpp"
#include "identity.hpp"
#include "options.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize {

struct CommandPlace {
    std::string own_dir;   // where daemonize's daemon or supervisor goes; empty: stays
    std::string root;      // --chroot (absolute); empty: none
    sys::UniqueFd root_dir;  // it, opened once: what the command is chrooted to
    std::string dir;       // the command's working directory (inside `root`)
    std::string pwd;       // PWD for it
    std::string path;      // the resolved executable (inside `root`)
    std::vector<std::string> env;  // "NAME=VALUE"
};

/// Works out all of CommandPlace: -c and --chroot, the environment
/// (envfile.hpp's order; env files opened through sys::fs as `actor`),
/// then COMMAND through the environment's PATH, inside the new root.
/// Errors are the caller's: 125 for settings, 126/127 for COMMAND.
[[nodiscard]] Result<CommandPlace> place_command(const Options& opts, const std::string& cwd,
                                                 const std::optional<Identity>& id, const sys::fs::Actor& actor);

}  // namespace daemonize
