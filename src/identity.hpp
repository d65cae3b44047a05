// Who the daemon runs as: -u/-g resolved in the caller, applied in the child.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error.hpp"
#include "options.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize {

struct Identity {
    bool set_user = false;    // false: only the group changes
    bool switch_ids = true;   // false: we already are this user (not root)
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;  // supplementary, for setgroups()
    std::string name;           // for USER and LOGNAME
    std::string home;           // for HOME
};

/// "name:group" → {"name", "group"}; no colon → {"name", ""}.
[[nodiscard]] std::pair<std::string, std::string> split_user_group(std::string_view spec);
/// "1000" → 1000; anything but plain decimal digits (or too large) → nullopt.
[[nodiscard]] std::optional<unsigned> parse_id(std::string_view text);

/// Looks up users and groups now, so that "no such user" reaches the terminal.
/// nullopt: no -u/-g given. Not being root is an error unless they name us.
[[nodiscard]] Result<std::optional<Identity>> resolve_identity(const IdentityOptions& opts);

/// Who files are opened for: this process, acting for the service when
/// daemonize switches to another user (sys::fs says what that changes).
[[nodiscard]] sys::fs::Actor file_actor(const std::optional<Identity>& id);

}  // namespace daemonize
