// PURE: the process settings of SPEC.md section 5 as plain data, and their
// parsers (--limit, --nice, --ionice, --sched, --cpus, --oom-score-adj,
// --keep-caps, --stop --retry). No system calls; sys/process applies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace daemonize {

/// The resource limits --limit knows, by their prlimit(1) names.
enum class Resource { as, core, cpu, data, fsize, memlock, msgqueue, nice, nofile, nproc, rtprio, sigpending, stack };

/// RLIM_INFINITY as this module spells it.
inline constexpr std::uint64_t unlimited = UINT64_MAX;

struct Limit {
    Resource resource = Resource::nofile;
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
    bool hard_given = false;  // "N" alone sets both soft and hard

    bool operator==(const Limit&) const = default;
};

/// ioprio classes, numbered as the kernel numbers them.
enum class IoClass { realtime = 1, best_effort = 2, idle = 3 };
struct IoPriority {
    IoClass cls = IoClass::best_effort;
    int level = 4;  // 0 (highest) to 7; 0 for idle

    bool operator==(const IoPriority&) const = default;
};

enum class SchedPolicy { other, batch, idle, fifo, rr };
struct Scheduling {
    SchedPolicy policy = SchedPolicy::other;
    int priority = 0;  // 1-99 for fifo and rr, else 0

    bool operator==(const Scheduling&) const = default;
};

/// Everything applied to the command's process before it runs (never to
/// the supervisor), in the order of SPEC.md section 3.
struct HardenOptions {
    std::string chroot;                 // empty: none
    std::optional<int> nice;            // -20..19
    std::optional<IoPriority> ionice;
    std::optional<Scheduling> sched;
    std::vector<unsigned> cpus;         // empty: inherit
    std::optional<int> oom_score_adj;   // -1000..1000
    std::vector<Limit> limits;
    bool no_new_privs = false;
    bool keep_caps_given = false;
    std::vector<int> keep_caps;         // capability numbers
    bool cap_bound = false;             // also shrink the bounding set to keep_caps

    [[nodiscard]] bool any() const noexcept {
        return !chroot.empty() || nice || ionice || sched || !cpus.empty() || oom_score_adj || !limits.empty() ||
               no_new_privs || keep_caps_given || cap_bound;
    }

    bool operator==(const HardenOptions&) const = default;
};

/// One step of a --stop schedule (start-stop-daemon's --retry).
struct StopStep {
    enum class Kind { signal, wait, repeat };
    Kind kind = Kind::wait;
    std::int64_t value = 0;  // signal number, milliseconds, or the index to go back to

    bool operator==(const StopStep&) const = default;
};

[[nodiscard]] std::string_view resource_name(Resource r) noexcept;
/// "nofile=1024", "core=unlimited", "as=1G:2G", "nofile=1024:4096".
[[nodiscard]] Result<Limit> parse_limit(std::string_view text);
/// -20..19 (negative numbers as they are).
[[nodiscard]] Result<int> parse_nice(std::string_view text);
/// "idle", "best-effort[:0-7]", "realtime[:0-7]" (or the class numbers 1-3).
[[nodiscard]] Result<IoPriority> parse_ionice(std::string_view text);
/// "other", "batch", "idle", "fifo:1-99", "rr:1-99".
[[nodiscard]] Result<Scheduling> parse_sched(std::string_view text);
[[nodiscard]] std::string_view sched_name(SchedPolicy p) noexcept;
/// "0-3,6" → {0, 1, 2, 3, 6}, sorted, no duplicates; each below `max_cpus`.
[[nodiscard]] Result<std::vector<unsigned>> parse_cpus(std::string_view text, unsigned max_cpus = 8192);
/// -1000..1000.
[[nodiscard]] Result<int> parse_oom_score_adj(std::string_view text);

/// "cap_net_bind_service", "NET_BIND_SERVICE", "10" → 10.
[[nodiscard]] std::optional<int> capability_number(std::string_view name) noexcept;
/// The kernel's name for capability `n` ("cap_net_bind_service"), or its number.
[[nodiscard]] std::string capability_name(int n);
/// The highest capability number this program knows by name.
[[nodiscard]] int last_known_capability() noexcept;
/// "cap_net_bind_service,cap_sys_time" → their numbers, sorted, unique.
[[nodiscard]] Result<std::vector<int>> parse_capabilities(std::string_view text);

/// --retry: "30" (SIG/30/KILL/30 with `signal`) or a schedule such as
/// "TERM/30/KILL/5" or "HUP/5/forever/TERM/10": `forever` makes what follows
/// repeat until the process is gone. `parse_signal` turns a name or number
/// (with or without a leading '-') into a signal number.
[[nodiscard]] Result<std::vector<StopStep>> parse_stop_schedule(std::string_view text, int signal,
                                                               std::optional<int> (*parse_signal)(std::string_view));

}  // namespace daemonize
