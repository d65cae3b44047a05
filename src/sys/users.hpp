// User and group database lookups, with or without glibc's NSS.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace daemonize::sys {

struct UserEntry {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string name;
    std::string home;
};

/// nullopt: no such user (or group). Lookup errors count as "no such".
[[nodiscard]] std::optional<UserEntry> find_user(const std::string& name);
[[nodiscard]] std::optional<UserEntry> find_user(uid_t uid);
[[nodiscard]] std::optional<gid_t> find_group(const std::string& name);
/// `gid` plus every group listing `user` as a member (what initgroups sets).
[[nodiscard]] std::vector<gid_t> group_list(const std::string& user, gid_t gid);

}  // namespace daemonize::sys
