// Pidfiles: parse, decide liveness, open+lock, write, remove.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "error.hpp"
#include "sys/fd.hpp"

namespace daemonize::pidfile {

/// The kernel's upper bound for pid_max on 64-bit Linux.
inline constexpr long max_pid = 4194304;

/// Decimal PID in 2..max_pid with an optional trailing newline; nothing else
/// (no sign, blanks, leading zeros or junk): garbage is never signalled.
[[nodiscard]] std::optional<pid_t> parse_pid(std::string_view content);

/// The fields of /proc/PID/stat that liveness needs.
struct ProcStat {
    char state = '?';
    pid_t ppid = 0;                      // field 4
    unsigned long long start_ticks = 0;  // field 22: clock ticks after boot
};
/// Parses /proc/PID/stat text; the comm field may contain spaces and ')'.
[[nodiscard]] std::optional<ProcStat> parse_proc_stat(std::string_view text);
/// Reads and parses /proc/PID/stat; nullopt when the process is gone.
[[nodiscard]] std::optional<ProcStat> read_proc_stat(pid_t pid);

/// Whether a process that started `start_ticks` after boot (`boot_time`
/// seconds since the epoch) could have written a file last modified at
/// `written`. One second of slack covers the rounding of btime.
[[nodiscard]] bool started_no_later_than(unsigned long long start_ticks, long ticks_per_second,
                                         time_t boot_time, const timespec& written);

/// SPEC.md section 4: `pid` exists, is no zombie, and started no later than
/// the pidfile was written.
[[nodiscard]] bool is_alive(pid_t pid, const timespec& written);

/// A pidfile opened (O_NOFOLLOW) and flock'ed by this start.
struct Locked {
    sys::UniqueFd fd;
    std::string path;      // absolute: removal may happen after chdir
    bool created = false;  // we made the file: a failed start removes it
};

/// Opens and locks `path` (absolute). Fails with ExitCode::not_running_or_busy
/// and "already running as PID N" when the file names a live process.
[[nodiscard]] Result<Locked> acquire(const std::string& path);

/// Unlinks the file if it is still the one we locked, then closes it. Best effort.
void remove(Locked& file);
/// Unlinks `path` if it is still the file open on `fd`. Best effort.
void remove_path(int fd, const std::string& path);

/// Replaces the content with "PID\n". Async-signal-safe (used after fork).
/// Returns 0 or an errno value.
[[nodiscard]] int write_pid(int fd, pid_t pid) noexcept;

}  // namespace daemonize::pidfile
