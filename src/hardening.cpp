// Parsers for the process settings; names and numbers as the kernel has them.
#include "hardening.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "number.hpp"

namespace daemonize {
namespace {

// The kernel's numbering (include/uapi/linux/capability.h), the same on
// every architecture.
constexpr std::array<std::string_view, 41> capability_names{
    "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
    "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
    "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
    "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
    "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
    "checkpoint_restore"};

struct ResourceInfo {
    Resource resource;
    std::string_view name;
    enum class Unit { bytes, count, seconds, nice, rtprio } unit;
};

constexpr std::array<ResourceInfo, 13> resources{{
    {Resource::as, "as", ResourceInfo::Unit::bytes},
    {Resource::core, "core", ResourceInfo::Unit::bytes},
    {Resource::cpu, "cpu", ResourceInfo::Unit::seconds},
    {Resource::data, "data", ResourceInfo::Unit::bytes},
    {Resource::fsize, "fsize", ResourceInfo::Unit::bytes},
    {Resource::memlock, "memlock", ResourceInfo::Unit::bytes},
    {Resource::msgqueue, "msgqueue", ResourceInfo::Unit::bytes},
    {Resource::nice, "nice", ResourceInfo::Unit::nice},
    {Resource::nofile, "nofile", ResourceInfo::Unit::count},
    {Resource::nproc, "nproc", ResourceInfo::Unit::count},
    {Resource::rtprio, "rtprio", ResourceInfo::Unit::rtprio},
    {Resource::sigpending, "sigpending", ResourceInfo::Unit::count},
    {Resource::stack, "stack", ResourceInfo::Unit::bytes},
}};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A signed decimal in [lo, hi].
std::optional<int> parse_int(std::string_view text, int lo, int hi) {
    bool negative = !text.empty() && text.front() == '-';
    if (negative || (!text.empty() && text.front() == '+')) text.remove_prefix(1);
    auto n = parse_unsigned<unsigned>(text, 100000);
    if (!n) return std::nullopt;
    int v = negative ? -static_cast<int>(*n) : static_cast<int>(*n);
    if (v < lo || v > hi) return std::nullopt;
    return v;
}

std::optional<std::uint64_t> parse_limit_value(std::string_view text, ResourceInfo::Unit unit) {
    if (text == "unlimited" || text == "infinity") return unlimited;
    switch (unit) {
    case ResourceInfo::Unit::bytes:
        if (text == "0") return 0;
        return parse_bytes(text);
    case ResourceInfo::Unit::count:
    case ResourceInfo::Unit::seconds: return parse_unsigned<std::uint64_t>(text, unlimited - 1);
    case ResourceInfo::Unit::nice: return parse_unsigned<std::uint64_t>(text, 40);
    case ResourceInfo::Unit::rtprio: return parse_unsigned<std::uint64_t>(text, 99);
    }
    return std::nullopt;
}

std::string_view unit_hint(ResourceInfo::Unit unit) {
    switch (unit) {
    case ResourceInfo::Unit::bytes: return "a size in bytes (K, M, G) or unlimited";
    case ResourceInfo::Unit::count: return "a number or unlimited";
    case ResourceInfo::Unit::seconds: return "seconds of CPU time or unlimited";
    case ResourceInfo::Unit::nice: return "0 to 40 (a nice value of 20-N) or unlimited";
    case ResourceInfo::Unit::rtprio: return "0 to 99 or unlimited";
    }
    return "a number";
}

std::string resource_list() {
    std::string out;
    for (const auto& r : resources) out += (out.empty() ? "" : ", ") + std::string(r.name);
    return out;
}

}  // namespace

std::string_view resource_name(Resource r) noexcept {
    for (const auto& info : resources)
        if (info.resource == r) return info.name;
    return "?";
}

Result<Limit> parse_limit(std::string_view text) {
    const std::string shown = "--limit: '" + std::string(text) + "'";
    auto eq = text.find('=');
    if (eq == std::string_view::npos) return usage_error(shown + " is not NAME=SOFT[:HARD]");
    std::string name = lower(text.substr(0, eq));
    if (name.starts_with("rlimit_")) name.erase(0, 7);
    auto info = std::find_if(resources.begin(), resources.end(), [&](const auto& r) { return r.name == name; });
    if (info == resources.end())
        return usage_error(shown + ": unknown limit '" + name + "' (known: " + resource_list() + ")");
    std::string_view values = text.substr(eq + 1);
    auto colon = values.find(':');
    Limit limit;
    limit.resource = info->resource;
    auto soft = parse_limit_value(values.substr(0, colon), info->unit);
    if (!soft) return usage_error(shown + ": the value must be " + std::string(unit_hint(info->unit)));
    limit.soft = limit.hard = *soft;
    if (colon != std::string_view::npos) {
        auto hard = parse_limit_value(values.substr(colon + 1), info->unit);
        if (!hard) return usage_error(shown + ": the hard limit must be " + std::string(unit_hint(info->unit)));
        if (*hard < *soft) return usage_error(shown + ": the soft limit is above the hard one");
        limit.hard = *hard;
        limit.hard_given = true;
    }
    return limit;
}

Result<int> parse_nice(std::string_view text) {
    auto n = parse_int(text, -20, 19);
    if (!n) return usage_error("--nice: '" + std::string(text) + "' is not a nice value from -20 to 19");
    return *n;
}

Result<IoPriority> parse_ionice(std::string_view text) {
    const std::string shown = "--ionice: '" + std::string(text) + "'";
    auto colon = text.find(':');
    std::string cls = lower(text.substr(0, colon));
    IoPriority p;
    if (cls == "realtime" || cls == "rt" || cls == "1") {
        p.cls = IoClass::realtime;
    } else if (cls == "best-effort" || cls == "be" || cls == "2") {
        p.cls = IoClass::best_effort;
    } else if (cls == "idle" || cls == "3") {
        p.cls = IoClass::idle;
        p.level = 0;
    } else {
        return usage_error(shown + ": the class is idle, best-effort or realtime");
    }
    if (colon == std::string_view::npos) return p;
    if (p.cls == IoClass::idle) return usage_error(shown + ": the idle class has no level");
    auto level = parse_unsigned<unsigned>(text.substr(colon + 1), 7);
    if (!level) return usage_error(shown + ": the level is 0 (highest) to 7");
    p.level = static_cast<int>(*level);
    return p;
}

std::string_view sched_name(SchedPolicy p) noexcept {
    switch (p) {
    case SchedPolicy::other: return "other";
    case SchedPolicy::batch: return "batch";
    case SchedPolicy::idle: return "idle";
    case SchedPolicy::fifo: return "fifo";
    case SchedPolicy::rr: return "rr";
    }
    return "?";
}

Result<Scheduling> parse_sched(std::string_view text) {
    const std::string shown = "--sched: '" + std::string(text) + "'";
    auto colon = text.find(':');
    std::string name = lower(text.substr(0, colon));
    Scheduling s;
    bool found = false;
    for (auto p : {SchedPolicy::other, SchedPolicy::batch, SchedPolicy::idle, SchedPolicy::fifo, SchedPolicy::rr}) {
        if (name == sched_name(p)) {
            s.policy = p;
            found = true;
        }
    }
    if (!found) return usage_error(shown + ": the policy is other, batch, idle, fifo or rr");
    const bool realtime = s.policy == SchedPolicy::fifo || s.policy == SchedPolicy::rr;
    if (colon == std::string_view::npos) {
        if (realtime) return usage_error(shown + ": " + name + " needs a priority from 1 to 99, like " + name + ":10");
        return s;
    }
    auto prio = parse_unsigned<unsigned>(text.substr(colon + 1), 99);
    if (!realtime) {
        if (!prio || *prio != 0) return usage_error(shown + ": " + name + " takes no priority (only fifo and rr do)");
        return s;
    }
    if (!prio || *prio < 1) return usage_error(shown + ": the priority is 1 to 99");
    s.priority = static_cast<int>(*prio);
    return s;
}

Result<std::vector<unsigned>> parse_cpus(std::string_view text, unsigned max_cpus) {
    const std::string shown = "--cpus: '" + std::string(text) + "'";
    std::vector<unsigned> cpus;
    size_t i = 0;
    while (i <= text.size()) {
        size_t end = std::min(text.find(',', i), text.size());
        std::string_view item = text.substr(i, end - i);
        auto dash = item.find('-');
        auto first = parse_unsigned<unsigned>(item.substr(0, dash));
        auto last = dash == std::string_view::npos ? first : parse_unsigned<unsigned>(item.substr(dash + 1));
        if (!first || !last || *last < *first)
            return usage_error(shown + " is not a CPU list like 0-3,6");
        if (*last >= max_cpus)
            return usage_error(shown + ": CPU " + std::to_string(*last) + " does not exist (this machine has " +
                               std::to_string(max_cpus) + ")");
        for (unsigned c = *first; c <= *last; ++c) cpus.push_back(c);
        i = end + 1;
    }
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    return cpus;
}

Result<int> parse_oom_score_adj(std::string_view text) {
    auto n = parse_int(text, -1000, 1000);
    if (!n) return usage_error("--oom-score-adj: '" + std::string(text) + "' is not a number from -1000 to 1000");
    return *n;
}

std::optional<int> capability_number(std::string_view name) noexcept {
    if (auto n = parse_unsigned<unsigned>(name, 63)) return static_cast<int>(*n);
    std::string l = lower(name);
    std::string_view bare = l;
    if (bare.starts_with("cap_")) bare.remove_prefix(4);
    for (size_t i = 0; i < capability_names.size(); ++i)
        if (capability_names[i] == bare) return static_cast<int>(i);
    return std::nullopt;
}

std::string capability_name(int n) {
    if (n >= 0 && static_cast<size_t>(n) < capability_names.size())
        return "cap_" + std::string(capability_names[static_cast<size_t>(n)]);
    return std::to_string(n);
}

int last_known_capability() noexcept { return static_cast<int>(capability_names.size()) - 1; }

Result<std::vector<int>> parse_capabilities(std::string_view text) {
    std::vector<int> caps;
    size_t i = 0;
    while (i <= text.size()) {
        size_t end = std::min(text.find(',', i), text.size());
        std::string_view item = text.substr(i, end - i);
        auto n = capability_number(item);
        if (!n)
            return usage_error("--keep-caps: unknown capability '" + std::string(item) +
                               "' (names as in capabilities(7), like cap_net_bind_service)");
        caps.push_back(*n);
        i = end + 1;
    }
    std::sort(caps.begin(), caps.end());
    caps.erase(std::unique(caps.begin(), caps.end()), caps.end());
    return caps;
}

Result<std::vector<StopStep>> parse_stop_schedule(std::string_view text, int signal,
                                                 std::optional<int> (*parse_signal)(std::string_view)) {
    const std::string shown = "--retry: '" + std::string(text) + "'";
    auto timeout = [](std::string_view t) { return parse_millis(t, 100000000); };
    if (auto t = timeout(text)) {
        return std::vector<StopStep>{{StopStep::Kind::signal, signal}, {StopStep::Kind::wait, *t},
                                     {StopStep::Kind::signal, 9}, {StopStep::Kind::wait, *t}};
    }
    std::vector<StopStep> steps;
    std::optional<size_t> repeat_at;
    size_t i = 0;
    while (i <= text.size()) {
        size_t end = std::min(text.find('/', i), text.size());
        std::string_view item = text.substr(i, end - i);
        i = end + 1;
        if (item == "forever") {
            if (repeat_at) return usage_error(shown + ": 'forever' appears more than once");
            repeat_at = steps.size();
            continue;
        }
        if (auto t = timeout(item)) {
            steps.push_back({StopStep::Kind::wait, *t});
            continue;
        }
        std::string_view sig = item;
        if (sig.starts_with('-')) sig.remove_prefix(1);
        auto n = sig.empty() ? std::nullopt : parse_signal(sig);
        if (!n || *n == 0)
            return usage_error(shown + ": '" + std::string(item) + "' is neither a signal nor a number of seconds");
        steps.push_back({StopStep::Kind::signal, *n});
    }
    if (repeat_at && *repeat_at == steps.size()) return usage_error(shown + ": 'forever' is last, nothing to repeat");
    bool waits = std::any_of(steps.begin(), steps.end(), [](const StopStep& s) { return s.kind == StopStep::Kind::wait; });
    if (!waits) return usage_error(shown + ": the schedule never waits (give seconds, like TERM/30/KILL/5)");
    if (repeat_at) {
        auto from = steps.begin() + static_cast<std::ptrdiff_t>(*repeat_at);
        if (std::none_of(from, steps.end(), [](const StopStep& s) { return s.kind == StopStep::Kind::wait && s.value > 0; }))
            return usage_error(shown + ": what 'forever' repeats must wait somewhere (a time above 0)");
        steps.push_back({StopStep::Kind::repeat, static_cast<std::int64_t>(*repeat_at)});
    }
    return steps;
}

}  // namespace daemonize
