// What the user asked for, as plain data between parsing and acting.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hardening.hpp"
#include "listen.hpp"
#include "policy.hpp"

namespace daemonize {

enum class Verbosity { quiet, normal, verbose };

/// What to do: start COMMAND, or a control verb on the pidfile (SPEC.md 7).
enum class Verb { start, status, stop, signal, scale, reload, restart_instance };

struct StdioOptions {
    std::string in;   // empty: /dev/null
    std::string out;  // empty: /dev/null
    std::string err;  // empty: follows `out`
    bool truncate = false;

    bool operator==(const StdioOptions&) const = default;
};

struct IdentityOptions {
    std::string user;   // "NAME", "UID", "NAME:GROUP"; empty: keep
    std::string group;  // "NAME" or "GID"; empty: the user's primary group

    bool operator==(const IdentityOptions&) const = default;
};

enum class TimeFormat { none, iso, unix_seconds };

/// Log capture (the command's output through the supervisor).
struct LogOptions {
    TimeFormat timestamps = TimeFormat::none;
    std::uint64_t max_size = 0;  // --log-max-size; 0: never rotate
    int keep = 5;                // --log-keep
    bool forward_hup = false;
    bool syslog = false;
    std::string syslog_tag;      // empty: the command's basename
    bool prefix = false;         // --log-prefix: "[i] "
    bool given = false;          // any of the above: daemonize stays resident

    [[nodiscard]] bool prefixing() const noexcept { return timestamps != TimeFormat::none || prefix; }

    bool operator==(const LogOptions&) const = default;
};

/// SPEC.md section 6; `active` says whether daemonize stays resident.
struct SuperviseOptions {
    bool foreground = false;
    RestartPolicy restart = RestartPolicy::no;
    bool restart_given = false;
    int instances = 1;  // 0: one per online CPU
    bool instances_given = false;
    RestartLimit max_restarts;
    Backoff delay;
    std::vector<int> success_exit{0};
    Millis stop_timeout{10000};
    bool stop_timeout_given = false;
    std::string child_pidfile;
    Millis watchdog{0};        // --watchdog; 0: none
    bool for_logging = false;  // only a log option asked for a supervisor
    bool capture = false;      // the instances' output goes through the supervisor

    /// Restart, instances, foreground or log options make daemonize a supervisor.
    [[nodiscard]] bool active() const noexcept { return foreground || restart_given || instances_given || for_logging; }
    /// Plain -f: a minimal init that exits with the command's status.
    [[nodiscard]] bool plain_init() const noexcept { return foreground && !restart_given && !instances_given; }

    bool operator==(const SuperviseOptions&) const = default;
};

/// SPEC.md section 8: wait until the command reports ready.
struct ReadyOptions {
    bool wait = false;         // -w, or implied by --ready-fd
    Millis timeout{60000};     // 0: no limit
    int fd = -1;               // --ready-fd N (>= 3); -1: none

    bool operator==(const ReadyOptions&) const = default;
};

struct Options {
    std::vector<std::string> command;  // COMMAND and its ARGS, untouched
    std::string chdir = "/";
    unsigned umask = 022;
    StdioOptions stdio;
    std::string pidfile;  // empty: none
    IdentityOptions identity;
    std::vector<std::pair<std::string, std::string>> env;  // -E NAME=VALUE, in order
    std::vector<std::string> env_files;  // --env-file, in order; "-FILE": optional
    bool clear_env = false;
    std::vector<std::string> unset_env;  // --unset NAME
    HardenOptions harden;
    Millis min_uptime{0};  // --min-uptime; 0: none
    std::vector<ListenSpec> listen;  // --listen, in order: fds 3, 4, ...
    unsigned listen_mode = 0666;     // --listen-mode, for unix sockets
    std::vector<StopStep> stop_schedule;  // --stop --retry; empty: the default
    Verbosity verbosity = Verbosity::normal;
    SuperviseOptions supervise;
    ReadyOptions ready;
    LogOptions log;
    Verb verb = Verb::start;
    int signal = 15;  // --signal (SIGTERM unless given); for --stop and --signal
    int scale = 0;              // --scale N
    int restart_instance = 0;   // --restart-instance I
    bool json = false;          // --status --json
    // Which of these were given explicitly (foreground mode keeps the
    // caller's cwd, umask and stdio unless they are).
    bool chdir_given = false;
    bool umask_given = false;

    bool operator==(const Options&) const = default;
};

enum class Action { run, help, version };

/// What main should do; `text` is the help or version text to print.
struct Command {
    Action action = Action::run;
    Options options;
    std::string text;

    bool operator==(const Command&) const = default;
};

}  // namespace daemonize
