// The command's process settings (SPEC.md 5): prepared by the caller as
// plain data, applied between fork and exec with plain system calls.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../error.hpp"
#include "../hardening.hpp"

namespace daemonize::sys {

/// What the kernel takes, computed before forking (nothing to allocate after).
struct ProcessPlan {
    std::optional<int> nice;
    int ioprio = -1;            // ioprio_set's value; -1: leave
    int sched_policy = -1;      // SCHED_*; -1: leave
    int sched_priority = 0;
    std::vector<unsigned long> cpu_mask;  // sched_setaffinity's words; empty: leave
    std::string oom_score_adj;  // what to write to /proc/self/oom_score_adj; empty: leave
    struct RawLimit {
        int resource;
        std::uint64_t soft, hard;
    };
    std::vector<RawLimit> limits;
    std::string root;  // --chroot, for messages; empty: no chroot
    int root_fd = -1;  // it, opened (O_PATH): the child chroots to this fd, then chdir `dir`
    std::string dir;
    bool no_new_privs = false;
    bool caps = false;         // keep exactly `keep` (ambient) across the identity change
    std::uint64_t keep = 0;    // bit N = capability N
    bool bound = false;        // drop everything else from the bounding set too
    bool stays_root = false;   // uid 0 keeps only `keep` (securebits)
    int last_cap = 40;         // the running kernel's highest capability
};

/// The step that failed in the child (Report::detail).
enum class Step : std::int32_t {
    oom_score_adj = 1, limit, nice, ionice, sched, cpus, chroot, chdir, bounding_set, keep_caps, ambient, no_new_privs
};
struct StepFailure {
    Step step;
    int err;
    int index = 0;  // for limit: which one in ProcessPlan::limits
};

/// Turns the options into a ProcessPlan; checks what can be checked now
/// (CPUs that exist, capabilities the kernel knows).
[[nodiscard]] Result<ProcessPlan> plan_process(const HardenOptions& opts);

/// In the child, still privileged: OOM score, limits, nice, I/O and CPU
/// scheduling, affinity; then chroot and chdir.
[[nodiscard]] std::optional<StepFailure> apply_attributes(const ProcessPlan& plan) noexcept;
/// Right before the identity change: the bounding set, and keep the
/// permitted capabilities across setuid.
[[nodiscard]] std::optional<StepFailure> before_identity(const ProcessPlan& plan) noexcept;
/// Right after it: exactly the kept capabilities (effective, permitted,
/// inheritable and ambient), then no_new_privs.
[[nodiscard]] std::optional<StepFailure> after_identity(const ProcessPlan& plan) noexcept;

/// "set the nice value to -5" and the like, for the caller's error.
[[nodiscard]] std::string describe_step(const ProcessPlan& plan, const HardenOptions& opts, Step step, int index);

}  // namespace daemonize::sys
