// User and group lookup (caller side).
#include "identity.hpp"

#include "number.hpp"
#include "sys/users.hpp"

#include <unistd.h>

#include <cerrno>
#include <limits>

namespace daemonize {
namespace {

Result<gid_t> lookup_group(const std::string& spec) {
    if (auto gid = sys::find_group(spec)) return *gid;
    if (auto id = parse_id(spec)) return static_cast<gid_t>(*id);
    return usage_error("unknown group '" + spec + "'");
}

// Fills uid (and gid unless given), name and home; false: a bare uid with no passwd entry.
Result<bool> lookup_user(const std::string& spec, Identity& id, bool have_group) {
    auto number = parse_id(spec);
    auto entry = sys::find_user(spec);
    if (!entry && number) entry = sys::find_user(static_cast<uid_t>(*number));
    if (entry) {
        id.uid = entry->uid;
        if (!have_group) id.gid = entry->gid;
        id.name = entry->name;
        id.home = entry->home;
        return true;
    }
    if (!number) return usage_error("unknown user '" + spec + "'");
    if (!have_group) return usage_error("user " + spec + " has no passwd entry; name its group with -u " + spec + ":GROUP");
    id.uid = static_cast<uid_t>(*number);
    id.name = spec;
    id.home = "/";
    return false;
}

// Without root, the only identity we can "switch" to is our own.
Status check_privilege(const Identity& id) {
    if (::geteuid() == 0) return Ok{};
    if (id.set_user && id.uid != ::geteuid())
        return sys_error("cannot run as user '" + id.name + "' (only root can switch users)", EPERM);
    if (id.gid != ::getegid())
        return sys_error("cannot run as group " + std::to_string(id.gid) + " (only root can switch groups)", EPERM);
    return Ok{};
}

}  // namespace

std::pair<std::string, std::string> split_user_group(std::string_view spec) {
    auto colon = spec.find(':');
    if (colon == std::string_view::npos) return {std::string(spec), ""};
    return {std::string(spec.substr(0, colon)), std::string(spec.substr(colon + 1))};
}

std::optional<unsigned> parse_id(std::string_view text) {
    // (uid_t)-1 means "unchanged" to setuid() and friends.
    return parse_unsigned<unsigned>(text, std::numeric_limits<uid_t>::max() - 1);
}

Result<std::optional<Identity>> resolve_identity(const IdentityOptions& opts) {
    if (opts.user.empty() && opts.group.empty()) return std::optional<Identity>{};
    auto [user, user_group] = split_user_group(opts.user);
    if (!opts.user.empty() && user.empty()) return usage_error("--user: '" + opts.user + "' names no user");
    if (!user_group.empty() && !opts.group.empty() && user_group != opts.group)
        return usage_error("--user " + opts.user + " and --group " + opts.group + " name different groups");
    const std::string& group = user_group.empty() ? opts.group : user_group;

    Identity id;
    if (!group.empty()) {
        auto gid = lookup_group(group);
        if (!gid) return gid.error();
        id.gid = *gid;
    }
    if (!user.empty()) {
        id.set_user = true;
        auto known = lookup_user(user, id, !group.empty());
        if (!known) return known.error();
        // A uid without a passwd entry belongs to no group but its own.
        id.groups = {id.gid};
        if (*known) id.groups = sys::group_list(id.name, id.gid);
    } else {
        id.uid = ::geteuid();
        id.groups = {id.gid};
    }
    if (auto ok = check_privilege(id); !ok) return ok.error();
    id.switch_ids = ::geteuid() == 0;  // otherwise we already are who was asked for
    return std::optional<Identity>{std::move(id)};
}

sys::fs::Actor file_actor(const std::optional<Identity>& id) {
    sys::fs::Actor a = sys::fs::Actor::current();
    if (id && id->set_user && id->switch_ids && id->uid != a.self) {
        a.has_service = true;
        a.service_uid = id->uid;
        a.service_gid = id->gid;
        a.service_groups = id->groups;
    }
    return a;
}

}  // namespace daemonize
