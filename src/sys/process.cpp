// Process settings: the kernel's numbers for the options, and the calls
// that apply them in the child (async-signal-safe: no allocation, no locks).
#include "process.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "../number.hpp"

namespace daemonize::sys {
namespace {

int rlimit_of(Resource r) {
    switch (r) {
    case Resource::as: return RLIMIT_AS;
    case Resource::core: return RLIMIT_CORE;
    case Resource::cpu: return RLIMIT_CPU;
    case Resource::data: return RLIMIT_DATA;
    case Resource::fsize: return RLIMIT_FSIZE;
    case Resource::memlock: return RLIMIT_MEMLOCK;
    case Resource::msgqueue: return RLIMIT_MSGQUEUE;
    case Resource::nice: return RLIMIT_NICE;
    case Resource::nofile: return RLIMIT_NOFILE;
    case Resource::nproc: return RLIMIT_NPROC;
    case Resource::rtprio: return RLIMIT_RTPRIO;
    case Resource::sigpending: return RLIMIT_SIGPENDING;
    case Resource::stack: return RLIMIT_STACK;
    }
    return -1;
}

int policy_of(SchedPolicy p) {
    switch (p) {
    case SchedPolicy::other: return SCHED_OTHER;
    case SchedPolicy::batch: return SCHED_BATCH;
    case SchedPolicy::idle: return SCHED_IDLE;
    case SchedPolicy::fifo: return SCHED_FIFO;
    case SchedPolicy::rr: return SCHED_RR;
    }
    return SCHED_OTHER;
}

// The kernel's highest capability number (newer kernels know more than
// this program's names; older ones fewer).
int kernel_last_cap() {
    int fd = ::open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd == -1) return CAP_LAST_CAP;
    char buf[16];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    std::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    auto last = parse_unsigned<unsigned>(text, 63);
    return last ? static_cast<int>(*last) : CAP_LAST_CAP;
}

constexpr int ioprio_class_shift = 13;  // include/uapi/linux/ioprio.h
constexpr int ioprio_who_process = 1;

bool kept(const ProcessPlan& plan, int cap) noexcept { return (plan.keep >> cap) & 1U; }

}  // namespace

Result<ProcessPlan> plan_process(const HardenOptions& opts) {
    ProcessPlan plan;
    plan.nice = opts.nice;
    if (opts.ionice) plan.ioprio = (static_cast<int>(opts.ionice->cls) << ioprio_class_shift) | opts.ionice->level;
    if (opts.sched) {
        plan.sched_policy = policy_of(opts.sched->policy);
        plan.sched_priority = opts.sched->priority;
    }
    if (!opts.cpus.empty()) {
        long configured = ::sysconf(_SC_NPROCESSORS_CONF);
        for (unsigned cpu : opts.cpus) {
            if (configured > 0 && cpu >= static_cast<unsigned long>(configured))
                return usage_error("--cpus: CPU " + std::to_string(cpu) + " does not exist (CPUs 0-" +
                                   std::to_string(configured - 1) + " do)");
        }
        constexpr unsigned bits = sizeof(unsigned long) * CHAR_BIT;
        plan.cpu_mask.assign(opts.cpus.back() / bits + 1, 0);
        for (unsigned cpu : opts.cpus) plan.cpu_mask[cpu / bits] |= 1UL << (cpu % bits);
    }
    if (opts.oom_score_adj) plan.oom_score_adj = std::to_string(*opts.oom_score_adj) + "\n";
    for (const Limit& l : opts.limits) plan.limits.push_back({rlimit_of(l.resource), l.soft, l.hard});
    plan.no_new_privs = opts.no_new_privs;
    if (opts.keep_caps_given || opts.cap_bound) {
        plan.last_cap = kernel_last_cap();
        for (int cap : opts.keep_caps) {
            if (cap > plan.last_cap)
                return usage_error("--keep-caps: this kernel has no capability " + capability_name(cap) +
                                   " (its last is " + capability_name(plan.last_cap) + ")");
            plan.keep |= std::uint64_t{1} << cap;
        }
        plan.caps = opts.keep_caps_given;
        plan.bound = opts.cap_bound;
    }
    return plan;
}

std::optional<StepFailure> apply_attributes(const ProcessPlan& plan) noexcept {
    // /proc first: after the chroot it may not be there.
    if (!plan.oom_score_adj.empty()) {
        int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd == -1) return StepFailure{Step::oom_score_adj, errno};
        ssize_t n = ::write(fd, plan.oom_score_adj.data(), plan.oom_score_adj.size());
        int err = errno;
        ::close(fd);
        if (n != static_cast<ssize_t>(plan.oom_score_adj.size())) return StepFailure{Step::oom_score_adj, n < 0 ? err : EIO};
    }
    for (size_t i = 0; i < plan.limits.size(); ++i) {
        const auto& l = plan.limits[i];
        rlimit rl{};
        rl.rlim_cur = l.soft == unlimited ? RLIM_INFINITY : static_cast<rlim_t>(l.soft);
        rl.rlim_max = l.hard == unlimited ? RLIM_INFINITY : static_cast<rlim_t>(l.hard);
        if (::setrlimit(static_cast<__rlimit_resource>(l.resource), &rl) == -1)
            return StepFailure{Step::limit, errno, static_cast<int>(i)};
    }
    if (plan.nice && ::setpriority(PRIO_PROCESS, 0, *plan.nice) == -1) return StepFailure{Step::nice, errno};
    if (plan.ioprio >= 0 && ::syscall(SYS_ioprio_set, ioprio_who_process, 0, plan.ioprio) == -1)
        return StepFailure{Step::ionice, errno};
    if (plan.sched_policy >= 0) {
        sched_param param{};
        param.sched_priority = plan.sched_priority;
        if (::sched_setscheduler(0, plan.sched_policy, &param) == -1) return StepFailure{Step::sched, errno};
    }
    if (!plan.cpu_mask.empty() &&
        ::sched_setaffinity(0, plan.cpu_mask.size() * sizeof(unsigned long),
                            reinterpret_cast<const cpu_set_t*>(plan.cpu_mask.data())) == -1)
        return StepFailure{Step::cpus, errno};
    if (plan.root_fd >= 0) {
        if (::fchdir(plan.root_fd) == -1 || ::chroot(".") == -1) return StepFailure{Step::chroot, errno};
        if (::chdir(plan.dir.c_str()) == -1) return StepFailure{Step::chdir, errno};
    }
    return std::nullopt;
}

std::optional<StepFailure> before_identity(const ProcessPlan& plan) noexcept {
    if (plan.bound) {
        for (int cap = 0; cap <= plan.last_cap; ++cap) {
            if (kept(plan, cap)) continue;
            if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1) return StepFailure{Step::bounding_set, errno, cap};
        }
    }
    if (!plan.caps) return std::nullopt;
    // Root that stays root would get every capability back at execve;
    // securebits make it an ordinary user for that purpose, for good.
    if (plan.stays_root &&
        ::prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                       SECBIT_NO_SETUID_FIXUP_LOCKED, 0, 0, 0) == -1)
        return StepFailure{Step::keep_caps, errno};
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1) return StepFailure{Step::keep_caps, errno};
    return std::nullopt;
}

std::optional<StepFailure> after_identity(const ProcessPlan& plan) noexcept {
    if (plan.caps) {
        __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
        for (int word = 0; word < _LINUX_CAPABILITY_U32S_3; ++word) {
            auto bits = static_cast<std::uint32_t>(plan.keep >> (32 * word));
            data[word].effective = data[word].permitted = data[word].inheritable = bits;
        }
        if (::syscall(SYS_capset, &header, data) == -1) return StepFailure{Step::keep_caps, errno};
        // Ambient capabilities are what survives execve of an ordinary
        // program for a user that is not root.
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1) return StepFailure{Step::ambient, errno};
        for (int cap = 0; cap <= plan.last_cap; ++cap) {
            if (kept(plan, cap) && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) == -1)
                return StepFailure{Step::ambient, errno, cap};
        }
        if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1) return StepFailure{Step::keep_caps, errno};
    }
    if (plan.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) return StepFailure{Step::no_new_privs, errno};
    return std::nullopt;
}

std::string describe_step(const ProcessPlan& plan, const HardenOptions& opts, Step step, int index) {
    switch (step) {
    case Step::oom_score_adj: return "set the OOM score adjustment to " + std::to_string(opts.oom_score_adj.value_or(0));
    case Step::limit: {
        if (index < 0 || static_cast<size_t>(index) >= opts.limits.size()) return "set a resource limit";
        const Limit& l = opts.limits[static_cast<size_t>(index)];
        auto text = [](std::uint64_t v) { return v == unlimited ? std::string("unlimited") : std::to_string(v); };
        return "set the " + std::string(resource_name(l.resource)) + " limit to " + text(l.soft) + ":" + text(l.hard);
    }
    case Step::nice: return "set the nice value to " + std::to_string(opts.nice.value_or(0));
    case Step::ionice: return "set the I/O scheduling class";
    case Step::sched:
        return "set the scheduling policy " +
               std::string(sched_name(opts.sched ? opts.sched->policy : SchedPolicy::other)) +
               (plan.sched_priority > 0 ? ":" + std::to_string(plan.sched_priority) : "");
    case Step::cpus: return "set the CPU affinity";
    case Step::chroot: return "chroot " + plan.root;
    case Step::chdir: return "chdir " + plan.dir + " (inside " + plan.root + ")";
    case Step::bounding_set: return "drop " + capability_name(index) + " from the bounding set";
    case Step::keep_caps: return "keep the capabilities of --keep-caps";
    case Step::ambient: return "raise " + capability_name(index) + " as an ambient capability";
    case Step::no_new_privs: return "set no_new_privs";
    }
    return "apply a process setting";
}

}  // namespace daemonize::sys
