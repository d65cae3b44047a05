// What /proc says about processes: their state, parent and start time.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace daemonize::sys {

/// The kernel's upper bound for pid_max on 64-bit Linux.
inline constexpr long max_pid = 4194304;

/// The fields of /proc/PID/stat that daemonize needs.
struct ProcStat {
    char state = '?';
    pid_t ppid = 0;                      // field 4
    unsigned long long start_ticks = 0;  // field 22: clock ticks after boot
};
/// Parses /proc/PID/stat text; the comm field may contain spaces and ')'.
[[nodiscard]] std::optional<ProcStat> parse_proc_stat(std::string_view text);
/// Reads and parses /proc/PID/stat; nullopt when the process is gone.
[[nodiscard]] std::optional<ProcStat> read_proc_stat(pid_t pid);

/// The PIDs whose parent is `parent` now (zombies included), from a scan
/// of /proc. Only a caller's own children are stable: they stay until it
/// reaps them.
[[nodiscard]] std::vector<pid_t> children_of(pid_t parent);

/// The command line of `pid` (/proc/PID/cmdline); empty if it is gone.
[[nodiscard]] std::vector<std::string> read_cmdline(pid_t pid);

/// Every live (not zombie) process below `root` now, from one scan of /proc.
[[nodiscard]] std::vector<pid_t> descendants_of(pid_t root);

/// SIGKILL to `root` (through its pidfd `root_fd`) and every process below
/// it, each checked through its own pidfd to still descend from `root`.
void kill_tree(pid_t root, int root_fd);

enum class Lineage { descendant, stranger, gone };
/// Walks the ppid chain from `pid` up to `ancestor`. `gone`: `pid` itself
/// no longer exists. An ancestor that vanishes mid-walk re-parents its
/// children, so the walk is tried again.
[[nodiscard]] Lineage lineage(pid_t pid, pid_t ancestor);

}  // namespace daemonize::sys
