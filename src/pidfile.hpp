// Pidfiles: parse, decide liveness, open+lock, write, remove.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "error.hpp"
#include "sys/fd.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize::pidfile {

/// Decimal PID in 1..max_pid with an optional trailing newline; nothing else
/// (no sign, blanks, leading zeros or junk): garbage is never signalled.
/// (1: daemonize as a container's PID 1; is_alive() accepts it only with a
/// matching stamp.)
[[nodiscard]] std::optional<pid_t> parse_pid(std::string_view content);

/// Whether a process that started `start_ticks` after boot (`boot_time`
/// seconds since the epoch) could have written a file last modified at
/// `written`. One second of slack covers the rounding of btime.
[[nodiscard]] bool started_no_later_than(unsigned long long start_ticks, long ticks_per_second,
                                         time_t boot_time, const timespec& written);

/// Who a pidfile names, without the wall clock: the PID, and when that
/// process started, in clock ticks since a boot known by its boot id. Kept
/// in an extended attribute of the pidfile (the file keeps its one line).
struct Stamp {
    std::string boot_id;
    pid_t pid = 0;
    unsigned long long start_ticks = 0;
};
/// "BOOT_ID PID TICKS".
[[nodiscard]] std::string format_stamp(const Stamp& s);
[[nodiscard]] std::optional<Stamp> parse_stamp(std::string_view text);

/// What is known about when and for whom a pidfile was written.
struct Written {
    timespec mtime{};
    std::optional<Stamp> stamp;  // nullopt: none, or not readable
};
/// fstat and the stamp attribute of an open pidfile.
[[nodiscard]] Written written(int fd);

/// This boot's id (/proc/sys/kernel/random/boot_id); empty if unknown.
[[nodiscard]] std::string boot_id();

/// Stamps pidfile `fd` for `pid` (read from /proc), or removes an old stamp
/// if that is not possible (no extended attributes there). Best effort.
void stamp(int fd, pid_t pid, const std::string& boot);
/// The same for the calling process, async-signal-safe (after fork);
/// `boot` from boot_id(). Must run while it can still write the file's
/// attributes (before dropping privileges).
void stamp_self(int fd, const char* boot) noexcept;

/// SPEC.md section 4: `pid` exists and is no zombie; and if the pidfile has
/// a stamp for `pid` from this boot, it is that very process (the same
/// start time, whatever the wall clock did); otherwise it started no later
/// than the pidfile was written.
[[nodiscard]] bool is_alive(pid_t pid, const Written& written);

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
