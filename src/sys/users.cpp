// User and group lookups.
//
// A fully static glibc binary must not use getpwnam() and friends: NSS then
// dlopen()s the modules named in nsswitch.conf (Debian's default lists
// "systemd" after "files"), and libnss_systemd crashes inside a static
// program. So the static build (DAEMONIZE_NSS_FILES_ONLY) reads /etc/passwd
// and /etc/group itself; the other link modes go through NSS and so also
// see LDAP, sssd and systemd users.
#include "users.hpp"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>

namespace daemonize::sys {
namespace {

UserEntry to_entry(const passwd& pw) { return UserEntry{pw.pw_uid, pw.pw_gid, pw.pw_name, pw.pw_dir}; }

#ifdef DAEMONIZE_NSS_FILES_ONLY

// Calls `visit` on each entry until it returns true.
void scan_passwd(const std::function<bool(const passwd&)>& visit) {
    FILE* f = std::fopen("/etc/passwd", "re");
    if (f == nullptr) return;
    while (const passwd* pw = ::fgetpwent(f)) {
        if (visit(*pw)) break;
    }
    std::fclose(f);
}

void scan_group(const std::function<bool(const group&)>& visit) {
    FILE* f = std::fopen("/etc/group", "re");
    if (f == nullptr) return;
    while (const group* gr = ::fgetgrent(f)) {
        if (visit(*gr)) break;
    }
    std::fclose(f);
}

}  // namespace

std::optional<UserEntry> find_user(const std::string& name) {
    std::optional<UserEntry> found;
    scan_passwd([&](const passwd& pw) {
        if (name != pw.pw_name) return false;
        found = to_entry(pw);
        return true;
    });
    return found;
}

std::optional<UserEntry> find_user(uid_t uid) {
    std::optional<UserEntry> found;
    scan_passwd([&](const passwd& pw) {
        if (pw.pw_uid != uid) return false;
        found = to_entry(pw);
        return true;
    });
    return found;
}

std::optional<gid_t> find_group(const std::string& name) {
    std::optional<gid_t> found;
    scan_group([&](const group& gr) {
        if (name != gr.gr_name) return false;
        found = gr.gr_gid;
        return true;
    });
    return found;
}

std::vector<gid_t> group_list(const std::string& user, gid_t gid) {
    std::vector<gid_t> groups{gid};
    scan_group([&](const group& gr) {
        for (char** m = gr.gr_mem; m != nullptr && *m != nullptr; ++m) {
            if (user == *m && std::find(groups.begin(), groups.end(), gr.gr_gid) == groups.end()) {
                groups.push_back(gr.gr_gid);
                break;
            }
        }
        return false;
    });
    return groups;
}

#else

}  // namespace

std::optional<UserEntry> find_user(const std::string& name) {
    const passwd* pw = ::getpwnam(name.c_str());
    if (pw == nullptr) return std::nullopt;
    return to_entry(*pw);
}

std::optional<UserEntry> find_user(uid_t uid) {
    const passwd* pw = ::getpwuid(uid);
    if (pw == nullptr) return std::nullopt;
    return to_entry(*pw);
}

std::optional<gid_t> find_group(const std::string& name) {
    const group* gr = ::getgrnam(name.c_str());
    if (gr == nullptr) return std::nullopt;
    return gr->gr_gid;
}

std::vector<gid_t> group_list(const std::string& user, gid_t gid) {
    int n = 32;
    std::vector<gid_t> groups(static_cast<size_t>(n));
    while (::getgrouplist(user.c_str(), gid, groups.data(), &n) == -1) {
        if (static_cast<size_t>(n) <= groups.size()) return {gid};
        groups.resize(static_cast<size_t>(n));
    }
    groups.resize(static_cast<size_t>(n));
    return groups;
}

#endif

}  // namespace daemonize::sys
