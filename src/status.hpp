// What a running supervisor says about itself (SPEC.md 10), as plain data:
// the wire form on its control socket, and the table and JSON document
// that --status prints. Pure: no system calls.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace daemonize::status {

/// The version of the --json document; raised only for incompatible changes
/// (new fields may appear in any version).
inline constexpr int json_version = 1;

struct LastExit {
    bool signaled = false;
    int value = 0;              // exit code, or signal number
    std::int64_t ago_ms = 0;    // how long before the status was taken
    bool watchdog = false;      // killed by daemonize for missing WATCHDOG=1
    bool too_short = false;     // ended before --min-uptime
};

struct Instance {
    int index = 0;
    pid_t pid = 0;                  // 0: no process
    std::string state;              // starting, ready, running, backoff, stopping, stopped
    std::int64_t uptime_ms = -1;    // -1: not running
    std::int64_t backoff_ms = -1;   // time left before the restart; -1: none
    int restarts = 0;
    int watchdog_kills = 0;
    std::optional<LastExit> last_exit;
    pid_t new_pid = 0;              // a reload's new run, not yet ready
    pid_t old_pid = 0;              // a reload's old run, being stopped
};

struct Supervisor {
    pid_t pid = 0;
    int target = 0;                 // instances asked for (--instances, --scale)
    std::int64_t uptime_ms = 0;
    std::string operation;          // "", "reload", "scale"
    std::int64_t watchdog_ms = 0;   // --watchdog; 0: none
    std::vector<Instance> instances;
};

/// The supervisor's answer to "status", one line per record of
/// space-separated key=value words (values never contain blanks).
[[nodiscard]] std::string encode(const Supervisor& s);
/// Its inverse; unknown keys are skipped (a newer supervisor may add some).
[[nodiscard]] Result<Supervisor> decode(std::string_view text);

/// "1.5 s", "3m07s", "2h03m", "4d02h": short and readable.
[[nodiscard]] std::string duration(std::int64_t ms);
/// "status 3", "SIGKILL", "SIGABRT (watchdog)".
[[nodiscard]] std::string describe_exit(const LastExit& e);
/// The table --status prints below "running (pid N)".
[[nodiscard]] std::string table(const Supervisor& s);

/// What --status --json knows; `supervisor` only when one answered.
struct Document {
    std::string pidfile;
    std::string state;        // running, stale, not-running, unknown
    pid_t pid = 0;            // 0: none
    std::string error;        // why the state is unknown, or why a supervisor did not answer
    std::optional<Supervisor> supervisor;
    std::int64_t now_unix_ms = 0;  // to turn "ago" into a time
};
[[nodiscard]] std::string json(const Document& d);
/// A JSON string literal (quotes and escapes).
[[nodiscard]] std::string json_string(std::string_view text);

}  // namespace daemonize::status
