// Command-line parsing with CLI11; validation that needs no system calls.
#include "cli.hpp"

#include <CLI/CLI.hpp>

namespace daemonize {
namespace {

constexpr const char* description =
    "Run COMMAND as a well-behaved daemon: detached from the terminal and session,\n"
    "umask 022, in /, stdio on /dev/null or files, other fds closed, optionally\n"
    "with a locked pidfile and another identity. Returns once COMMAND was exec'd.\n";

constexpr const char* footer =
    "Exit status: 0 started, 1 already running, 125 daemonize failed,\n"
    "126 COMMAND not executable, 127 COMMAND not found.\n"
    "\n"
    "Examples:\n"
    "  daemonize -- python3 app.py\n"
    "  daemonize -p /run/app.pid -o /var/log/app.log -u app -- /usr/bin/app --port 80\n";

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
};

void add_options(CLI::App& app, Options& o, RawOptions& raw) {
    const char* detach = "Detaching";
    app.add_option("-c,--chdir", o.chdir, "Working directory of COMMAND (default /)")
        ->type_name("DIR")->group(detach);
    app.add_option("-m,--umask", raw.umask, "File mode creation mask (default 022)")
        ->type_name("OCTAL")->group(detach);
    app.add_option("-E,--env", raw.env, "Set an environment variable (repeatable)")
        ->type_name("NAME=VALUE")->allow_extra_args(false)->group(detach);

    const char* output = "Standard streams";
    app.add_option("-i,--stdin", o.stdio.in, "Standard input (default /dev/null)")
        ->type_name("FILE")->group(output);
    app.add_option("-o,--stdout", o.stdio.out, "Append standard output to FILE (default /dev/null)")
        ->type_name("FILE")->group(output);
    app.add_option("-e,--stderr", o.stdio.err, "Append standard error to FILE (default: as -o)")
        ->type_name("FILE")->group(output);
    app.add_flag("--truncate", o.stdio.truncate, "Truncate -o/-e files instead of appending")
        ->group(output);

    const char* identity = "Pidfile and identity";
    app.add_option("-p,--pidfile", o.pidfile, "Write and lock a pidfile; refuse to start twice")
        ->type_name("FILE")->group(identity);
    app.add_option("-u,--user", o.identity.user, "Run as USER (name or uid), optionally :GROUP")
        ->type_name("USER[:GROUP]")->group(identity);
    app.add_option("-g,--group", o.identity.group, "Run with group GROUP (name or gid)")
        ->type_name("GROUP")->group(identity);

    const char* general = "General";
    auto* v = app.add_flag("-v,--verbose", raw.verbose, "Report each step on stderr")->group(general);
    app.add_flag("-q,--quiet", raw.quiet, "Print errors only, no warnings")->excludes(v)->group(general);
    app.set_help_flag("-h,--help", "Show this help and exit")->group(general);
    app.set_version_flag("-V,--version", std::string("daemonize ") + DAEMONIZE_VERSION,
                         "Show the version and exit")->group(general);
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
    if (raw.verbose > 0) o.verbosity = Verbosity::verbose;
    if (raw.quiet > 0) o.verbosity = Verbosity::quiet;
    return Ok{};
}

}  // namespace

Result<unsigned> parse_umask(std::string_view text) {
    if (text.empty() || text.size() > 4) return usage_error("--umask: '" + std::string(text) + "' is not an octal mode like 022");
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '7') return usage_error("--umask: '" + std::string(text) + "' is not an octal mode like 022");
        value = value * 8 + static_cast<unsigned>(c - '0');
    }
    if (value > 0777) return usage_error("--umask: '" + std::string(text) + "' is larger than 0777");
    return value;
}

Result<std::pair<std::string, std::string>> parse_env_assignment(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return usage_error("--env: '" + std::string(text) + "' is not NAME=VALUE");
    return std::pair{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<Command> parse_cli(const std::vector<std::string>& args) {
    Command cmd;
    RawOptions raw;
    CLI::App app{description, "daemonize"};
    app.formatter(std::make_shared<UsageFormatter>());
    app.footer(footer);
    app.prefix_command();
    add_options(app, cmd.options, raw);

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

    // "-o ''" would silently mean /dev/null; an empty name is always a mistake.
    for (const char* name : {"--chdir", "--stdin", "--stdout", "--stderr", "--pidfile", "--user", "--group"}) {
        if (app.count(name) > 0 && app.get_option(name)->as<std::string>().empty())
            return usage_error(std::string(name) + ": empty value");
    }
    auto command = take_command(app.remaining());
    if (!command) return command.error();
    cmd.options.command = std::move(*command);
    if (auto done = finish(cmd.options, raw); !done) return done.error();
    return cmd;
}

}  // namespace daemonize
