// Pidfiles: parse, decide liveness, open+lock, write, remove.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "error.hpp"
#include "sys/fd.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize::pidfile {

/// Decimal PID in 2..max_pid with an optional trailing newline; nothing else
/// (no sign, blanks, leading zeros or junk): garbage is never signalled.
[[nodiscard]] std::optional<pid_t> parse_pid(std::string_view content);

/// Whether a process that started `start_ticks` after boot (`boot_time`
/// seconds since the epoch) could have written a file last modified at
/// `written`. One second of slack covers the rounding of btime.
[[nodiscard]] bool started_no_later_than(unsigned long long start_ticks, long ticks_per_second,
                                         time_t boot_time, const timespec& written);

/// SPEC.md section 4: `pid` exists, is no zombie, and started no later than
/// the pidfile was written.
[[nodiscard]] bool is_alive(pid_t pid, const timespec& written);

/// A pidfile opened (sys::fs::open_pidfile: checked, never a link) and
/// flock'ed by this start.
struct Locked {
    sys::UniqueFd fd;
    std::string path;      // absolute: removal may happen after chdir
    bool created = false;  // we made the file: a failed start removes it
    sys::fs::FileId id;    // the file we locked; only it is ever unlinked
};

/// Opens and locks `path` (absolute). Fails with ExitCode::not_running_or_busy
/// and "already running as PID N" when the file names a live process, and
/// with ExitCode::failure when the file breaks a pidfile rule.
[[nodiscard]] Result<Locked> acquire(const std::string& path, const sys::fs::Actor& actor);

/// Unlinks the file if it is still the one we locked, then closes it. Best effort.
void remove(Locked& file, const sys::fs::Actor& actor);

/// Replaces the content with "PID\n". Async-signal-safe (used after fork).
/// Returns 0 or an errno value.
[[nodiscard]] int write_pid(int fd, pid_t pid) noexcept;

}  // namespace daemonize::pidfile
