// Command-line parsing with CLI11; validation that needs no system calls.
#include "cli.hpp"

// CLI11 includes <iostream> only for App::exit() and option deprecation,
// which daemonize never calls; with libstdc++ before GCC 13 that header
// puts a std::ios_base::Init object in the file, which builds the eight
// standard streams and their locales at start-up: 0.1 ms of every start
// here (bench/launch.sh). The streams are declared without it; nothing in
// daemonize writes to them (its output goes through write(2)).
#if defined(__GLIBCXX__) && !defined(_GLIBCXX_IOSTREAM)
#define _GLIBCXX_IOSTREAM 1
#include <istream>
#include <ostream>
namespace std {
extern istream cin;
extern ostream cout, cerr, clog;
}  // namespace std
#endif
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <bitset>
#include <iterator>
#include <optional>

#include "capture.hpp"
#include "envfile.hpp"
#include "hardening.hpp"
#include "identity.hpp"
#include "number.hpp"
#include "sys/signals.hpp"

namespace daemonize {
namespace {

constexpr const char* description =
    "Run COMMAND as a daemon (new session, umask 022, in /, stdio on /dev/null or\n"
    "files, other fds closed) and return once it was exec'd. With -r, -n, -f or a\n"
    "log option, daemonize stays as COMMAND's supervisor.\n";

constexpr const char* footer =
    "Exit status: 0 started (and ready with -w), 1 already running, 124 not ready,\n"
    "125 daemonize failed, 126/127 COMMAND not executable/found; or COMMAND's own.\n"
    "\n"
    "Examples:\n"
    "  daemonize -p /run/app.pid -o /var/log/app.log -u app -- /usr/bin/app --port 80\n"
    "  daemonize -r -n 4 --timestamps -p /run/web.pid -o /var/log/web-%i.log -- ./worker\n"
    "  daemonize -w -p /run/db.pid -- ./db && ./run-clients   # once db is ready\n";

// CLI11 2.1 cannot describe a prefix command in its usage line, and clutters
// options with "Excludes:" notes and groups with blank lines.
class UsageFormatter : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App*, std::string) const override {
        return "Usage: daemonize [OPTIONS] [--] COMMAND [ARGS...]\n\n";
    }
    std::string make_option_opts(const CLI::Option* opt) const override {
        return opt->get_type_size() == 0 ? std::string() : " " + opt->get_type_name();
    }
    // Flags with an optional value ("--syslog{}") read "--syslog[=TAG]".
    std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
        std::string name = CLI::Formatter::make_option_name(opt, is_positional);
        auto brace = name.find('{');
        if (brace == std::string::npos) return name;
        return name.substr(0, brace) + (name.find("timestamps") != std::string::npos ? "[=FMT]" : "[=TAG]");
    }
    std::string make_group(std::string group, bool is_positional,
                           std::vector<const CLI::Option*> opts) const override {
        std::string out = group + ":\n";
        for (const auto* opt : opts) out += make_option(opt, is_positional);
        return out;
    }
};

struct RawOptions {
    std::string umask;
    std::vector<std::string> env;
    int verbose = 0;
    int quiet = 0;
    bool restart_flag = false;
    bool status = false;
    bool stop = false;
    bool reload = false;
    std::string signal, scale, restart_instance, watchdog;
    std::string restart, instances, max_restarts, restart_delay, success_exit, stop_timeout;
    std::string ready_timeout, ready_fd;
    std::string timestamps, syslog_tag, log_max_size, log_keep;
    bool syslog = false;
    std::string nice, ionice, sched, cpus, oom_score_adj, keep_caps, min_uptime, retry;
    std::vector<std::string> limits;
    std::vector<std::string> listen;
    std::string listen_mode;
};

// The parser is built for each command line from these rows, with only the
// rows its option words name (read_option_words): CLI11 takes a few
// microseconds to set up each option, 0.17 ms for all of them, which was the
// largest part of the caller's wait for a plain `daemonize COMMAND`. The
// order of the rows is the order of --help.
struct Build {
    CLI::App& app;
    Options& o;
    RawOptions& raw;
    const char* names;
};

enum class Takes {
    nothing,  // a flag ("=VALUE" in the same word only where its names say "{...}")
    word,     // an option: its value is the rest of the word, or the next word
    words,    // the same, and it may be given again (-E, --listen...)
};

struct Row {
    const char* names;  // as CLI11 reads them: "-c,--chdir", "--timestamps{iso}"
    Takes takes;
    const char* value;  // what the value is, for --help and messages ("FILE")
    const char* group;
    CLI::Option* (*add)(Build&);
};

constexpr const char* detach = "Detaching and identity";
constexpr const char* output = "Standard streams";
constexpr const char* harden = "Environment and limits (of COMMAND only)";
constexpr const char* sockets = "Sockets (bound before -u, passed as fds 3... with LISTEN_FDS)";
constexpr const char* supervision = "Supervision (daemonize stays resident)";
constexpr const char* logging = "Logging (output through the supervisor; implies it)";
constexpr const char* readiness = "Readiness";
constexpr const char* control = "Control (with -p FILE, no COMMAND)";
constexpr const char* general = "General";

constexpr Takes flag = Takes::nothing;
constexpr Takes word = Takes::word;
constexpr Takes words = Takes::words;

constexpr Row rows[] = {
    {"-c,--chdir", word, "DIR", detach, [](Build& b) {
         return b.app.add_option(b.names, b.o.chdir, "Working directory of COMMAND (default /)"); }},
    {"-m,--umask", word, "OCTAL", detach, [](Build& b) {
         return b.app.add_option(b.names, b.raw.umask, "File mode creation mask (default 022)"); }},
    {"-E,--env", words, "NAME=VALUE", detach, [](Build& b) {
         return b.app.add_option(b.names, b.raw.env, "Set an environment variable (repeatable)")->allow_extra_args(false); }},

    {"-i,--stdin", word, "FILE", output, [](Build& b) {
         return b.app.add_option(b.names, b.o.stdio.in, "Standard input (default /dev/null)"); }},
    {"-o,--stdout", word, "FILE", output, [](Build& b) {
         return b.app.add_option(b.names, b.o.stdio.out, "Append standard output to FILE (default /dev/null)"); }},
    {"-e,--stderr", word, "FILE", output, [](Build& b) {
         return b.app.add_option(b.names, b.o.stdio.err, "Append standard error to FILE (default: as -o)"); }},
    {"--truncate", flag, nullptr, output, [](Build& b) {
         return b.app.add_flag(b.names, b.o.stdio.truncate, "Truncate -o/-e files instead of appending"); }},

    {"-p,--pidfile", word, "FILE", detach, [](Build& b) {
         return b.app.add_option(b.names, b.o.pidfile, "Write and lock a pidfile; refuse to start twice"); }},
    {"-u,--user", word, "USER[:GROUP]", detach, [](Build& b) {
         return b.app.add_option(b.names, b.o.identity.user, "Run as USER (name or uid), optionally :GROUP"); }},
    {"-g,--group", word, "GROUP", detach, [](Build& b) {
         return b.app.add_option(b.names, b.o.identity.group, "Run with group GROUP (name or gid)"); }},

    {"--env-file", words, "FILE", harden, [](Build& b) {
         return b.app.add_option(b.names, b.o.env_files, "Read NAME=VALUE lines (systemd syntax; -FILE: optional)")->allow_extra_args(false); }},
    {"--clear-env", flag, nullptr, harden, [](Build& b) {
         return b.app.add_flag(b.names, b.o.clear_env, "Start from an empty environment (PATH, -E, --env-file)"); }},
    {"--unset", words, "NAME", harden, [](Build& b) {
         return b.app.add_option(b.names, b.o.unset_env, "Remove a variable from the environment (repeatable)")->allow_extra_args(false); }},
    {"--chroot", word, "DIR", harden, [](Build& b) {
         return b.app.add_option(b.names, b.o.harden.chroot, "Change the root directory; -c and COMMAND are inside it"); }},
    {"--nice", word, "N", harden, [](Build& b) {
         return b.app.add_option(b.names, b.raw.nice, "Scheduling niceness, -20 (favoured) to 19"); }},
    {"--ionice", word, "CLASS[:LEVEL]", harden, [](Build& b) {
         return b.app.add_option(b.names, b.raw.ionice, "I/O class: idle, best-effort[:0-7], realtime[:0-7]"); }},
    {"--sched", word, "POLICY[:PRIO]", harden, [](Build& b) {
         return b.app.add_option(b.names, b.raw.sched, "CPU policy: other, batch, idle, fifo:PRIO, rr:PRIO"); }},
    {"--cpus", word, "LIST", harden, [](Build& b) {
         return b.app.add_option(b.names, b.raw.cpus, "Run only on these CPUs, like 0-3,6"); }},
    {"--oom-score-adj", word, "N", harden, [](Build& b) {
         return b.app.add_option(b.names, b.raw.oom_score_adj, "OOM killer preference, -1000 to 1000"); }},
    {"--limit", words, "NAME=SOFT[:HARD]", harden, [](Build& b) {
         return b.app.add_option(b.names, b.raw.limits, "Resource limit, like nofile=4096 or core=unlimited")->allow_extra_args(false); }},
    {"--no-new-privs", flag, nullptr, harden, [](Build& b) {
         return b.app.add_flag(b.names, b.o.harden.no_new_privs, "COMMAND can never gain privileges (setuid, file caps)"); }},
    {"--keep-caps", word, "CAP[,CAP...]", harden, [](Build& b) {
         return b.app.add_option(b.names, b.raw.keep_caps, "Keep only these capabilities (ambient, also after -u)"); }},
    {"--cap-bound", flag, nullptr, harden, [](Build& b) {
         return b.app.add_flag(b.names, b.o.harden.cap_bound, "Also drop every other capability from the bounding set"); }},

    {"--listen", words, "[NAME=]SPEC", sockets, [](Build& b) {
         return b.app.add_option(b.names, b.raw.listen, "Bind tcp:[HOST:]PORT, udp:[HOST:]PORT or unix:PATH (repeatable)")->allow_extra_args(false); }},
    {"--listen-mode", word, "OCTAL", sockets, [](Build& b) {
         return b.app.add_option(b.names, b.raw.listen_mode, "Mode of unix: sockets (default 0666)"); }},

    {"-f,--foreground", flag, nullptr, supervision, [](Build& b) {
         return b.app.add_flag(b.names, b.o.supervise.foreground, "Do not detach; run as the command's parent (init)"); }},
    {"-r", flag, nullptr, supervision, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.restart_flag, "Restart on failure (--restart on-failure)"); }},
    {"--restart", word, "POLICY", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.raw.restart, "Restart policy: always, on-failure, no"); }},
    {"-n,--instances", word, "N", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.raw.instances, "Run N instances (0: one per CPU)"); }},
    {"--max-restarts", word, "N[/SECS]", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.raw.max_restarts, "Give up after N restarts (in SECS)"); }},
    {"--restart-delay", word, "MIN[:MAX]", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.raw.restart_delay, "Backoff between restarts (default 0.1:30)"); }},
    {"--success-exit", word, "N[,N...]", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.raw.success_exit, "Exit codes that count as success (default 0)"); }},
    {"--stop-timeout", word, "SECS", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.raw.stop_timeout, "Seconds between SIGTERM and SIGKILL (default 10)"); }},
    {"--child-pidfile", word, "FILE", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.o.supervise.child_pidfile, "Write the instance's PID to FILE"); }},
    {"--watchdog", word, "SECS", supervision, [](Build& b) {
         return b.app.add_option(b.names, b.raw.watchdog, "Kill and restart an instance silent for SECS (WATCHDOG=1)"); }},

    {"--timestamps{iso}", flag, nullptr, logging, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.timestamps, "Prefix lines with the local time (=unix: epoch secs)"); }},
    {"--log-prefix", flag, nullptr, logging, [](Build& b) {
         return b.app.add_flag(b.names, b.o.log.prefix, "Prefix lines with the instance number: [i]"); }},
    {"--log-max-size", word, "SIZE", logging, [](Build& b) {
         return b.app.add_option(b.names, b.raw.log_max_size, "Rotate -o/-e files before they exceed SIZE"); }},
    {"--log-keep", word, "N", logging, [](Build& b) {
         return b.app.add_option(b.names, b.raw.log_keep, "Rotated files kept: FILE.1 ... FILE.N (default 5)"); }},
    {"--syslog{}", flag, nullptr, logging, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.syslog_tag, "Lines to syslog, tag TAG (default: COMMAND's name)"); }},
    {"--forward-hup", flag, nullptr, logging, [](Build& b) {
         return b.app.add_flag(b.names, b.o.log.forward_hup, "SIGHUP reopens the logs; also forward it"); }},

    {"-w,--wait-ready", flag, nullptr, readiness, [](Build& b) {
         return b.app.add_flag(b.names, b.o.ready.wait, "Return once COMMAND sends READY=1 to $NOTIFY_SOCKET"); }},
    {"--ready-timeout", word, "SECS", readiness, [](Build& b) {
         return b.app.add_option(b.names, b.raw.ready_timeout, "Else stop it and exit 124 (default 60, 0: no limit)"); }},
    {"--ready-fd", word, "N", readiness, [](Build& b) {
         return b.app.add_option(b.names, b.raw.ready_fd, "Ready = a newline on fd N (s6 style; implies -w)"); }},
    {"--min-uptime", word, "SECS", readiness, [](Build& b) {
         return b.app.add_option(b.names, b.raw.min_uptime, "Started = still running after SECS (else a failed start)"); }},

    {"--status", flag, nullptr, control, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.status, "Is it running? Exit 0 running, 1 stale, 3 not running"); }},
    {"--stop", flag, nullptr, control, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.stop, "SIGTERM (or --signal), wait, SIGKILL everything left"); }},
    {"--signal", word, "SIG", control, [](Build& b) {
         return b.app.add_option(b.names, b.raw.signal, "Send SIG (name or number); with --stop, stop with it"); }},
    {"--retry", word, "SCHEDULE", control, [](Build& b) {
         return b.app.add_option(b.names, b.raw.retry, "--stop schedule: SECS, or like TERM/30/KILL/5"); }},
    {"--json", flag, nullptr, control, [](Build& b) {
         return b.app.add_flag(b.names, b.o.json, "With --status: one JSON document (schema in the man page)"); }},
    {"--scale", word, "N", control, [](Build& b) {
         return b.app.add_option(b.names, b.raw.scale, "Supervisor: run N instances from now on"); }},
    {"--reload", flag, nullptr, control, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.reload, "Supervisor: replace every instance, one at a time, no downtime"); }},
    {"--restart-instance", word, "I", control, [](Build& b) {
         return b.app.add_option(b.names, b.raw.restart_instance, "Supervisor: replace instance I the same way"); }},

    {"-v,--verbose", flag, nullptr, general, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.verbose, "Report each step on stderr"); }},
    {"-q,--quiet", flag, nullptr, general, [](Build& b) {
         return b.app.add_flag(b.names, b.raw.quiet, "Print errors only, no warnings"); }},
};

constexpr size_t row_count = std::size(rows);
using RowSet = std::bitset<row_count>;

// Options that exclude each other, and why (said before CLI11 parses; CLI11
// is told too, when both are built).
struct Exclusion {
    const char* a;
    const char* b;
    const char* why;
};
constexpr Exclusion exclusions[] = {
    {"--restart", "-r", "-r is short for --restart on-failure; give one of them"},
    {"--stop", "--status", "--status only asks; give it alone"},
    {"--signal", "--status", "--status only asks; give it alone"},
    {"--retry", "--status", "--status only asks; give it alone"},
    {"--scale", "--status", "--status only asks; give it alone"},
    {"--reload", "--status", "--status only asks; give it alone"},
    {"--restart-instance", "--status", "--status only asks; give it alone"},
    {"-q", "-v", "-q prints errors only, -v every step; give one of them"},
};

// "-c,--chdir" names "-c" and "--chdir"; "--timestamps{iso}" names "--timestamps".
bool row_names(const Row& row, std::string_view name) {
    std::string_view names = row.names;
    while (!names.empty()) {
        auto comma = names.find(',');
        std::string_view one = names.substr(0, comma);
        one = one.substr(0, one.find('{'));
        if (one == name) return true;
        if (comma == std::string_view::npos) break;
        names.remove_prefix(comma + 1);
    }
    return false;
}

std::optional<size_t> find_row(std::string_view name) {
    for (size_t i = 0; i < row_count; ++i)
        if (row_names(rows[i], name)) return i;
    return std::nullopt;
}

// One option (a word, or a letter of "-abc") before COMMAND, read the way
// CLI11 will read it.
struct Token {
    enum class Kind { row, help, version, unknown };
    Kind kind = Kind::unknown;
    size_t row = 0;                    // Kind::row
    std::string spelled;               // "--pidfile", "-p", "-x"
    std::string word;                  // the whole word it is part of
    std::optional<std::string> value;  // its value ("=VALUE" on a flag too)
    bool missing_value = false;        // it takes a value and none followed
};

struct OptionWords {
    std::vector<Token> tokens;
    size_t command_at = 0;  // index in args of COMMAND (or its "--")
    bool unsure = false;    // CLI11 may read something otherwise: build every row
};

OptionWords read_option_words(const std::vector<std::string>& args) {
    OptionWords out;
    size_t i = 1;
    // CLI11 takes the next word as the value whatever it is ("--nice -5",
    // "--env-file -optional.env", even "-p -h"); only the end is missing.
    auto take_value = [&](Token& t) {
        if (i + 1 < args.size()) {
            t.value = args[++i];
        } else {
            t.missing_value = true;
        }
    };
    for (; i < args.size(); ++i) {
        const std::string& w = args[i];
        if (w == "--" || w.empty() || w[0] != '-') break;
        if (w == "-") {
            out.unsure = true;
            break;
        }
        if (w[1] == '-') {
            Token t;
            auto eq = w.find('=');
            t.spelled = w.substr(0, eq);
            t.word = w;
            if (eq != std::string::npos) t.value = w.substr(eq + 1);
            if (t.spelled == "--help") {
                t.kind = Token::Kind::help;
            } else if (t.spelled == "--version") {
                t.kind = Token::Kind::version;
            } else if (auto row = find_row(t.spelled)) {
                t.kind = Token::Kind::row;
                t.row = *row;
                if (rows[*row].takes != Takes::nothing && !t.value) take_value(t);
            }
            out.tokens.push_back(std::move(t));
            continue;
        }
        for (size_t c = 1; c < w.size(); ++c) {
            // "-w=1": a value meant for the flag before it (CLI11 would read an
            // unknown "-=1"); said as such by check_option_words.
            if (w[c] == '=' && c > 1) {
                out.tokens.back().value = w.substr(c + 1);
                break;
            }
            Token t;
            t.spelled = std::string{'-', w[c]};
            t.word = w;
            if (w[c] == 'h') {
                t.kind = Token::Kind::help;
            } else if (w[c] == 'V') {
                t.kind = Token::Kind::version;
            } else if (auto row = find_row(t.spelled)) {
                t.kind = Token::Kind::row;
                t.row = *row;
            }
            const bool takes = t.kind == Token::Kind::row && rows[t.row].takes != Takes::nothing;
            if (takes && c + 1 < w.size()) t.value = w.substr(c + 1);
            if (takes && c + 1 == w.size()) take_value(t);
            const bool last = takes || t.kind == Token::Kind::unknown;
            out.tokens.push_back(std::move(t));
            if (last) break;
        }
    }
    out.command_at = i;
    return out;
}

// The rows to build: those named, or all of them when CLI11 may read the
// words otherwise than read_option_words() did, or for --help.
RowSet rows_to_build(const OptionWords& words) {
    RowSet build;
    if (words.unsure) return RowSet{}.set();
    for (const Token& t : words.tokens) {
        if (t.kind == Token::Kind::help || t.kind == Token::Kind::unknown) return RowSet{}.set();
        if (t.kind == Token::Kind::row) build.set(t.row);
    }
    return build;
}

// The name a row is known by: its long name, else its short one.
std::string row_name(const Row& row) {
    std::string_view names = row.names;
    names = names.substr(names.rfind(',') == std::string_view::npos ? 0 : names.rfind(',') + 1);
    return std::string(names.substr(0, names.find('{')));
}

// Levenshtein distance, for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// The long option an unknown "--name" most likely meant: the only one it
// begins, or the nearest within a few typos.
std::optional<std::string> closest_option(std::string_view unknown) {
    std::vector<std::string> names{"--help", "--version"};
    for (const Row& row : rows) {
        if (std::string name = row_name(row); name.size() > 2 && name[1] == '-') names.push_back(name);
    }
    std::optional<std::string> prefixed;
    int prefixes = 0;
    for (const auto& name : names) {
        if (unknown.size() >= 4 && name.compare(0, unknown.size(), unknown) == 0) {
            prefixed = name;
            ++prefixes;
        }
    }
    if (prefixes == 1) return prefixed;
    std::optional<std::string> best;
    size_t best_distance = unknown.size() >= 10 ? 3 : 2;
    for (const auto& name : names) {
        if (size_t d = edit_distance(unknown, name); d <= best_distance && (!best || d < best_distance)) {
            best = name;
            best_distance = d;
        }
    }
    return best;
}

// Options of other daemonizers, with what daemonize does instead.
constexpr const char* appending = "appending to -o/-e files is the default (--truncate to truncate)";
constexpr const char* locking = "the pidfile is the lock: -p FILE is locked while the daemon runs";
constexpr std::pair<const char*, const char*> foreign_options[] = {
    {"-a", appending}, {"--append", appending}, {"-l", locking}, {"--lock", locking}, {"--lockfile", locking},
};

Error unknown_option(const Token& t) {
    std::string what = "unknown option '" + t.spelled + "'";
    if (t.word.size() > 2 && t.word[1] != '-' && t.word != t.spelled) what += " in '" + t.word + "'";
    for (const auto& [name, hint] : foreign_options) {
        if (t.spelled == name) return usage_error(what + ": " + hint);
    }
    if (t.spelled.size() > 2 && t.spelled[1] == '-') {
        if (auto near = closest_option(t.spelled)) return usage_error(what + " (did you mean " + *near + "?)");
    }
    return usage_error(what + " (see daemonize --help)");
}

// Mistakes in the option words, said in daemonize's own words before CLI11
// parses (which would word them its own way, or not see them).
std::optional<Error> check_option_words(const OptionWords& words, const std::vector<std::string>& args) {
    std::array<const Token*, row_count> first{};
    for (const Token& t : words.tokens) {
        if (t.kind == Token::Kind::help || t.kind == Token::Kind::version) continue;
        if (t.kind == Token::Kind::unknown) return unknown_option(t);
        const Row& row = rows[t.row];
        if (t.missing_value) {
            const std::string name = row_name(row);
            return usage_error(t.spelled + (name == t.spelled ? "" : " (" + name + ")") + " needs a value: " + row.value);
        }
        // "--pidfile=" with nothing after the '=': CLI11 would take the next
        // word instead ("--pidfile=$EMPTY -f app" would name the pidfile -f).
        if (row.takes != Takes::nothing && t.value && t.value->empty() && t.word == t.spelled + "=")
            return usage_error(t.word + ": empty value (" + row.value + " after the '=')");
        // "-o ''" would silently mean /dev/null; an empty name is always a
        // mistake. (Repeatable options say so in finish(), with "-" too.)
        if (row.takes == Takes::word && t.value && t.value->empty()) return usage_error(row_name(row) + ": empty value");
        // CLI11 reads "--timestamps=" like "--timestamps".
        if (t.word == "--timestamps=") return usage_error("--timestamps=: empty value (iso or unix)");
        if (t.word == "--syslog=") return usage_error("--syslog=: empty tag (give a TAG or leave out the '=')");
        if (row.takes == Takes::nothing && t.value && std::string_view(row.names).find('{') == std::string_view::npos)
            return usage_error("'" + t.word + "': " + t.spelled + " takes no value");
        if (row.takes == Takes::word && first[t.row] != nullptr)
            return usage_error(row_name(row) + " given twice ('" + first[t.row]->value.value_or("") + "' and '" +
                               t.value.value_or("") + "'); give it once");
        if (first[t.row] == nullptr) first[t.row] = &t;
    }
    for (const auto& x : exclusions) {
        const Token* a = first[*find_row(x.a)];
        const Token* b = first[*find_row(x.b)];
        if (a != nullptr && b != nullptr)
            return usage_error(a->spelled + " and " + b->spelled + " cannot be combined: " + x.why);
    }
    // "-r always", "-rf always": -r takes no value, so "always" would be run
    // as COMMAND.
    if (words.command_at > 1 && words.command_at < args.size()) {
        const std::string& command = args[words.command_at];
        const std::string& before = args[words.command_at - 1];
        const bool r_before = std::any_of(words.tokens.begin(), words.tokens.end(), [&](const Token& t) {
            return t.word == before && t.kind == Token::Kind::row && row_name(rows[t.row]) == "-r";
        });
        if (r_before && (command == "always" || command == "on-failure" || command == "no"))
            return usage_error("-r takes no value (it means --restart on-failure); for that policy write --restart " +
                               command);
    }
    return std::nullopt;
}

void add_options(CLI::App& app, Options& o, RawOptions& raw, const RowSet& build) {
    for (size_t i = 0; i < row_count; ++i) {
        if (!build.test(i)) continue;
        Build b{app, o, raw, rows[i].names};
        CLI::Option* opt = rows[i].add(b)->group(rows[i].group);
        if (rows[i].value != nullptr) opt->type_name(rows[i].value);
    }
    for (const auto& x : exclusions) {
        CLI::Option* first = app.get_option_no_throw(x.a);
        CLI::Option* second = app.get_option_no_throw(x.b);
        if (first != nullptr && second != nullptr) first->excludes(second);
    }
    app.set_help_flag("-h,--help", "Show this help and exit")->group(general);
    app.set_version_flag("-V,--version", std::string("daemonize ") + DAEMONIZE_VERSION,
                         "Show the version and exit")->group(general);
}

// How often the option `name` was given; 0 when its row was not built.
size_t given(const CLI::App& app, const char* name) {
    const CLI::Option* opt = app.get_option_no_throw(name);
    return opt == nullptr ? 0 : opt->count();
}

// CLI11's prefix_command() leaves a leading "--" in the remaining words and
// passes an unknown option through as if it were the command; sort both out.
Result<std::vector<std::string>> take_command(std::vector<std::string> rest) {
    if (!rest.empty() && rest.front() == "--") {
        rest.erase(rest.begin());
    } else if (!rest.empty() && rest.front().size() > 1 && rest.front()[0] == '-') {
        return usage_error("unknown option '" + rest.front() + "' (see daemonize --help)");
    }
    if (rest.empty()) return usage_error("no command given (see daemonize --help)");
    return rest;
}

const char* verb_name(Verb v) {
    switch (v) {
    case Verb::status: return "--status";
    case Verb::stop: return "--stop";
    case Verb::signal: return "--signal";
    case Verb::scale: return "--scale";
    case Verb::reload: return "--reload";
    case Verb::restart_instance: return "--restart-instance";
    case Verb::start: break;
    }
    return "COMMAND";
}

// --scale, --reload, --restart-instance: one of them, alone.
Status finish_live_verb(Options& o, const RawOptions& raw) {
    int given = 0;
    if (!raw.scale.empty()) {
        auto n = parse_id(raw.scale);
        if (!n || *n > 10000) return usage_error("--scale: '" + raw.scale + "' is not a number from 0 to 10000");
        o.scale = static_cast<int>(*n);
        o.verb = Verb::scale;
        ++given;
    }
    if (raw.reload) {
        o.verb = Verb::reload;
        ++given;
    }
    if (!raw.restart_instance.empty()) {
        auto n = parse_id(raw.restart_instance);
        if (!n || *n > 10000)
            return usage_error("--restart-instance: '" + raw.restart_instance + "' is not an instance number (0 to 10000)");
        o.restart_instance = static_cast<int>(*n);
        o.verb = Verb::restart_instance;
        ++given;
    }
    if (given > 1) return usage_error("--scale, --reload and --restart-instance: give one of them");
    if (given == 1 && (raw.stop || !raw.signal.empty()))
        return usage_error(std::string(verb_name(o.verb)) + " cannot be combined with --stop or --signal");
    return Ok{};
}

Status finish_verb(Options& o, const RawOptions& raw) {
    if (raw.status) o.verb = Verb::status;
    if (raw.stop) o.verb = Verb::stop;
    if (auto ok = finish_live_verb(o, raw); !ok) return ok;
    if (!raw.signal.empty()) {
        auto sig = sys::parse_signal(raw.signal);
        if (!sig) return usage_error("--signal: unknown signal '" + raw.signal + "'");
        o.signal = *sig;
        if (o.verb == Verb::start) o.verb = Verb::signal;
    }
    if (!raw.retry.empty() && o.verb != Verb::stop) return usage_error("--retry only applies with --stop");
    if (o.json && o.verb != Verb::status) return usage_error("--json only applies with --status");
    if (o.verb == Verb::start) return Ok{};
    const char* name = verb_name(o.verb);
    if (o.harden.any() || !o.env_files.empty() || o.clear_env || !o.unset_env.empty() || o.min_uptime.count() > 0 ||
        !o.listen.empty())
        return usage_error(std::string(name) + " takes no environment, limit, --listen or --min-uptime options (they are for starting)");
    if (!raw.retry.empty()) {
        if (!raw.stop_timeout.empty()) return usage_error("--retry and --stop-timeout: give one of them");
        auto steps = parse_stop_schedule(raw.retry, o.signal, &sys::parse_signal);
        if (!steps) return steps.error();
        o.stop_schedule = std::move(*steps);
    }
    if (o.pidfile.empty()) return usage_error(std::string(name) + " needs --pidfile FILE");
    if (o.supervise.active())
        return usage_error(std::string(name) + " cannot be combined with -r, --restart, -n, -f or log options");
    if (o.ready.wait) return usage_error(std::string(name) + " cannot be combined with -w or --ready-fd");
    return Ok{};
}

// An option's text through its parser into its field, if it was given.
template <typename Parse, typename Field>
Status parse_into(const std::string& text, Parse parse, Field& field) {
    if (text.empty()) return Ok{};
    auto value = parse(text);
    if (!value) return value.error();
    field = std::move(*value);
    return Ok{};
}

Result<std::vector<unsigned>> parse_cpus_any(std::string_view text) { return parse_cpus(text); }

// --limit and friends, --unset, --min-uptime.
Status finish_harden(Options& o, const RawOptions& raw) {
    HardenOptions& h = o.harden;
    using Repeated = std::pair<const char*, const std::vector<std::string>*>;
    for (const auto& [name, list] : {Repeated{"--env-file", &o.env_files}, Repeated{"--unset", &o.unset_env},
                                     Repeated{"--limit", &raw.limits}}) {
        for (const auto& value : *list)
            if (value.empty() || value == "-") return usage_error(std::string(name) + ": empty value");
    }
    for (const auto& text : raw.limits) {
        auto limit = parse_limit(text);
        if (!limit) return limit.error();
        std::erase_if(h.limits, [&](const Limit& l) { return l.resource == limit->resource; });
        h.limits.push_back(*limit);
    }
    auto seconds = [](std::string_view text) { return parse_seconds(text, "--min-uptime"); };
    for (auto ok : {parse_into(raw.nice, parse_nice, h.nice), parse_into(raw.ionice, parse_ionice, h.ionice),
                    parse_into(raw.sched, parse_sched, h.sched), parse_into(raw.cpus, parse_cpus_any, h.cpus),
                    parse_into(raw.oom_score_adj, parse_oom_score_adj, h.oom_score_adj),
                    parse_into(raw.keep_caps, parse_capabilities, h.keep_caps),
                    parse_into(raw.min_uptime, seconds, o.min_uptime)}) {
        if (!ok) return ok;
    }
    h.keep_caps_given = !raw.keep_caps.empty();
    for (const auto& name : o.unset_env) {
        if (!valid_env_name(name)) return usage_error("--unset: '" + name + "' is not a variable name");
        for (const auto& [set, value] : o.env)
            if (set == name) return usage_error("-E " + name + "=... and --unset " + name + " contradict each other");
    }
    return Ok{};
}

Status finish_log(LogOptions& log, const RawOptions& raw, const StdioOptions& stdio) {
    if (raw.timestamps == "iso") {
        log.timestamps = TimeFormat::iso;
    } else if (raw.timestamps == "unix") {
        log.timestamps = TimeFormat::unix_seconds;
    } else if (!raw.timestamps.empty()) {
        return usage_error("--timestamps: '" + raw.timestamps + "' is not a format (iso or unix)");
    }
    if (raw.syslog) {
        log.syslog = true;
        log.syslog_tag = raw.syslog_tag;
        if (log.syslog_tag.find_first_of(" :[]\n") != std::string::npos)
            return usage_error("--syslog: tag '" + log.syslog_tag + "' may not contain blanks, ':', '[' or ']'");
    }
    if (!raw.log_max_size.empty()) {
        auto size = capture::parse_size(raw.log_max_size);
        if (!size) return size.error();
        log.max_size = *size;
        if (stdio.out.empty() && stdio.err.empty()) return usage_error("--log-max-size needs -o or -e FILE");
    }
    if (!raw.log_keep.empty()) {
        auto keep = parse_id(raw.log_keep);
        if (!keep || *keep > 1000) return usage_error("--log-keep: '" + raw.log_keep + "' is not a number from 0 to 1000");
        if (log.max_size == 0) return usage_error("--log-keep only applies with --log-max-size");
        log.keep = static_cast<int>(*keep);
    }
    log.given = log.timestamps != TimeFormat::none || log.syslog || log.max_size > 0 || log.prefix || log.forward_hup;
    return Ok{};
}

Status finish_ready(ReadyOptions& ready, const RawOptions& raw) {
    if (!raw.ready_fd.empty()) {
        auto n = parse_id(raw.ready_fd);
        if (!n || *n < 3 || *n > 65535)
            return usage_error("--ready-fd: '" + raw.ready_fd + "' is not a descriptor number from 3 to 65535");
        ready.fd = static_cast<int>(*n);
        ready.wait = true;
    }
    if (!raw.ready_timeout.empty()) {
        if (!ready.wait) return usage_error("--ready-timeout only applies with -w or --ready-fd");
        auto t = parse_seconds(raw.ready_timeout, "--ready-timeout");
        if (!t) return t.error();
        ready.timeout = *t;
    }
    return Ok{};
}

// --stop-timeout is accepted without supervision too: it also applies to
// --stop and to stopping a command that was not ready in time, and is
// harmless elsewhere.
Status finish_supervise(SuperviseOptions& sv, const RawOptions& raw) {
    if (raw.restart_flag) {
        sv.restart = RestartPolicy::on_failure;
        sv.restart_given = true;
    }
    if (!raw.restart.empty()) {
        auto policy = parse_restart_policy(raw.restart);
        if (!policy) return policy.error();
        sv.restart = *policy;
        sv.restart_given = true;
    }
    if (!raw.instances.empty()) {
        auto n = parse_id(raw.instances);
        if (!n || *n > 10000) return usage_error("--instances: '" + raw.instances + "' is not a number from 0 to 10000");
        sv.instances = static_cast<int>(*n);
        sv.instances_given = true;
    }
    const std::pair<const char*, const std::string*> tuning[] = {{"--max-restarts", &raw.max_restarts},
        {"--restart-delay", &raw.restart_delay}, {"--success-exit", &raw.success_exit},
        {"--stop-timeout", &raw.stop_timeout}, {"--child-pidfile", &sv.child_pidfile}, {"--watchdog", &raw.watchdog}};
    for (const auto& [name, value] : tuning) {
        if (value == &raw.stop_timeout) continue;
        if (!value->empty() && !sv.active())
            return usage_error(std::string(name) + " only applies when supervising (-r, --restart, -n or -f)");
    }
    if (!raw.max_restarts.empty()) {
        auto limit = parse_restart_limit(raw.max_restarts);
        if (!limit) return limit.error();
        sv.max_restarts = *limit;
    }
    if (!raw.restart_delay.empty()) {
        auto delay = parse_backoff(raw.restart_delay);
        if (!delay) return delay.error();
        sv.delay = *delay;
    }
    if (!raw.success_exit.empty()) {
        auto codes = parse_exit_codes(raw.success_exit);
        if (!codes) return codes.error();
        sv.success_exit = std::move(*codes);
    }
    if (!raw.stop_timeout.empty()) {
        auto t = parse_seconds(raw.stop_timeout, "--stop-timeout");
        if (!t) return t.error();
        sv.stop_timeout = *t;
        sv.stop_timeout_given = true;
    }
    if (!raw.watchdog.empty()) {
        auto t = parse_seconds(raw.watchdog, "--watchdog");
        if (!t) return t.error();
        if (t->count() == 0) return usage_error("--watchdog: 0 is no watchdog; leave the option out");
        sv.watchdog = *t;
    }
    if (!sv.child_pidfile.empty() && sv.instances != 1)
        return usage_error("--child-pidfile needs a single instance (there is one PID per instance)");
    return Ok{};
}

// The most --listen sockets: fds 3 to 66.
constexpr size_t max_listen = 64;

Status finish_listen(Options& o, const RawOptions& raw) {
    for (const auto& text : raw.listen) {
        auto spec = parse_listen(text);
        if (!spec) return spec.error();
        o.listen.push_back(std::move(*spec));
    }
    if (o.listen.size() > max_listen) return usage_error("--listen: at most 64 sockets");
    if (!raw.listen_mode.empty()) {
        auto mode = raw.listen_mode.size() <= 4 ? parse_unsigned<unsigned>(raw.listen_mode, 0777, 8) : std::nullopt;
        if (!mode) return usage_error("--listen-mode: '" + raw.listen_mode + "' is not an octal mode like 0660");
        if (std::none_of(o.listen.begin(), o.listen.end(),
                         [](const ListenSpec& s) { return s.kind == ListenSpec::Kind::unix_stream; }))
            return usage_error("--listen-mode only applies to --listen unix:PATH");
        o.listen_mode = *mode;
    }
    const int last = 2 + static_cast<int>(o.listen.size());
    if (!o.listen.empty() && o.ready.fd >= 0 && o.ready.fd <= last)
        return usage_error("--ready-fd " + std::to_string(o.ready.fd) + " is one of the --listen sockets' fds (3 to " +
                           std::to_string(last) + "); use " + std::to_string(last + 1) + " or more");
    return Ok{};
}

Status finish(Options& o, const RawOptions& raw) {
    if (!raw.umask.empty()) {
        auto mask = parse_umask(raw.umask);
        if (!mask) return mask.error();
        o.umask = *mask;
    }
    for (const auto& text : raw.env) {
        auto kv = parse_env_assignment(text);
        if (!kv) return kv.error();
        o.env.push_back(std::move(*kv));
    }
    if (auto ok = finish_harden(o, raw); !ok) return ok;
    if (raw.verbose > 0) o.verbosity = Verbosity::verbose;
    if (raw.quiet > 0) o.verbosity = Verbosity::quiet;
    if (auto ok = finish_ready(o.ready, raw); !ok) return ok;
    if (auto ok = finish_listen(o, raw); !ok) return ok;
    if (auto ok = finish_log(o.log, raw, o.stdio); !ok) return ok;
    // A log option makes daemonize resident (one instance, no restarts),
    // and a resident daemonize with files takes the output through itself.
    SuperviseOptions& sv = o.supervise;
    sv.for_logging = o.log.given && !sv.foreground && !raw.restart_flag && raw.restart.empty() && raw.instances.empty();
    if (auto ok = finish_supervise(sv, raw); !ok) return ok;
    if (!sv.child_pidfile.empty() && sv.child_pidfile == o.pidfile)
        return usage_error("--child-pidfile and --pidfile name the same file '" + o.pidfile + "'");
    sv.capture = o.log.given || (sv.active() && (!o.stdio.out.empty() || !o.stdio.err.empty()));
    for (const std::string* path : {&o.stdio.out, &o.stdio.err}) {
        if (path->find("%i") != std::string::npos && !sv.capture)
            return usage_error("'" + *path + "': %i (the instance number) needs -n, -r or -f");
    }
    return finish_verb(o, raw);
}

}  // namespace

std::string check_option_table() {
    Options o;
    RawOptions raw;
    CLI::App app;
    RowSet build;
    build.set();
    add_options(app, o, raw, build);
    for (const Row& row : rows) {
        std::string_view first = row.names;
        first = first.substr(0, first.find_first_of(",{"));
        const CLI::Option* opt = app.get_option_no_throw(std::string(first));
        if (opt == nullptr) return std::string(first) + ": not found";
        const bool takes_word = opt->get_expected_min() > 0;
        if (takes_word != (row.takes != Takes::nothing))
            return std::string(first) + (takes_word ? ": takes a value, the table says it does not"
                                                    : ": takes no value, the table says it does");
    }
    return {};
}

Result<unsigned> parse_umask(std::string_view text) {
    auto mask = text.size() <= 4 ? parse_unsigned<unsigned>(text, 0777, 8) : std::nullopt;
    if (!mask) return usage_error("--umask: '" + std::string(text) + "' is not an octal mode from 0 to 0777 like 022");
    return *mask;
}

Result<std::pair<std::string, std::string>> parse_env_assignment(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return usage_error("--env: '" + std::string(text) + "' is not NAME=VALUE");
    return std::pair{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<Command> parse_cli(const std::vector<std::string>& args, ParserScope scope) {
    Command cmd;
    RawOptions raw;
    // No option words at all ("daemonize COMMAND", "daemonize -- COMMAND"):
    // nothing for CLI11 to read, and setting it up would build the C++
    // locale (CLI11 trims option names with it), 0.02 ms of every start.
    if (scope == ParserScope::named && args.size() > 1 && (args[1].empty() || args[1][0] != '-' || args[1] == "--")) {
        if (auto done = finish(cmd.options, raw); !done) return done.error();
        auto command = take_command(std::vector<std::string>(args.begin() + 1, args.end()));
        if (!command) return command.error();
        cmd.options.command = std::move(*command);
        return cmd;
    }
    const OptionWords lexed = read_option_words(args);
    // -h anywhere among the options wins over any mistake next to it.
    const bool help = std::any_of(lexed.tokens.begin(), lexed.tokens.end(),
                                  [](const Token& t) { return t.kind == Token::Kind::help; });
    if (!help) {
        if (auto mistake = check_option_words(lexed, args)) return *mistake;
    }
    CLI::App app{description, "daemonize"};
    app.formatter(std::make_shared<UsageFormatter>());
    app.footer(footer);
    app.prefix_command();
    add_options(app, cmd.options, raw, scope == ParserScope::all ? RowSet{}.set() : rows_to_build(lexed));
    if (help) {
        cmd.action = Action::help;
        cmd.text = app.help();
        return cmd;
    }

    // CLI11 wants the words without argv[0], last first.
    std::vector<std::string> words(args.rbegin(), args.rend());
    if (!words.empty()) words.pop_back();
    try {
        app.parse(words);
    } catch (const CLI::CallForHelp&) {
        cmd.action = Action::help;
        cmd.text = app.help();
        return cmd;
    } catch (const CLI::CallForVersion& e) {
        cmd.action = Action::version;
        cmd.text = std::string(e.what()) + "\n";
        return cmd;
    } catch (const CLI::ParseError& e) {
        return usage_error(std::string(e.what()) + " (see daemonize --help)");
    }

    cmd.options.chdir_given = given(app, "--chdir") > 0;
    cmd.options.umask_given = given(app, "--umask") > 0;
    raw.syslog = given(app, "--syslog") > 0;
    if (auto done = finish(cmd.options, raw); !done) return done.error();
    if (cmd.options.verb != Verb::start) {
        auto rest = app.remaining();
        if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
        if (!rest.empty())
            return usage_error("'" + rest.front() + "': control verbs take no COMMAND (see daemonize --help)");
        return cmd;
    }
    auto command = take_command(app.remaining());
    if (!command) return command.error();
    cmd.options.command = std::move(*command);
    return cmd;
}

}  // namespace daemonize
