// daemonize: parse, dispatch, print the one error, return its exit code.
#include <unistd.h>

#include <string>
#include <vector>

#include "cli.hpp"
#include "control.hpp"
#include "error.hpp"
#include "log.hpp"
#include "start.hpp"
#include "sys/posix.hpp"

using namespace daemonize;

namespace {

Result<int> run_verb(const Options& opts) {
    switch (opts.verb) {
    case Verb::status: return control::status(opts);
    case Verb::stop: return control::stop(opts);
    case Verb::signal: return control::send_signal(opts);
    case Verb::scale:
    case Verb::reload:
    case Verb::restart_instance: return control::live(opts);
    case Verb::start: break;
    }
    return run_start(opts);
}

int fail(const Error& e) {
    log::error("%s", format_error(e).c_str());
    return static_cast<int>(e.code);
}

}  // namespace

int main(int argc, char** argv) {
    auto cmd = parse_cli(std::vector<std::string>(argv, argv + argc));
    if (!cmd) return fail(cmd.error());

    switch (cmd->action) {
    case Action::help:
    case Action::version:
        if (!sys::write_all(STDOUT_FILENO, cmd->text.data(), cmd->text.size())) return 125;
        return 0;
    case Action::run: break;
    }

    log::set_verbosity(cmd->options.verbosity);
    auto code = run_verb(cmd->options);
    if (!code) return fail(code.error());
    return *code;
}
