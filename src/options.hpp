// What the user asked for, as plain data between parsing and acting.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace daemonize {

enum class Verbosity { quiet, normal, verbose };

struct StdioOptions {
    std::string in;   // empty: /dev/null
    std::string out;  // empty: /dev/null
    std::string err;  // empty: follows `out`
    bool truncate = false;
};

struct IdentityOptions {
    std::string user;   // "NAME", "UID", "NAME:GROUP"; empty: keep
    std::string group;  // "NAME" or "GID"; empty: the user's primary group
};

struct Options {
    std::vector<std::string> command;  // COMMAND and its ARGS, untouched
    std::string chdir = "/";
    unsigned umask = 022;
    StdioOptions stdio;
    std::string pidfile;  // empty: none
    IdentityOptions identity;
    std::vector<std::pair<std::string, std::string>> env;  // -E NAME=VALUE, in order
    Verbosity verbosity = Verbosity::normal;
};

enum class Action { run, help, version };

/// What main should do; `text` is the help or version text to print.
struct Command {
    Action action = Action::run;
    Options options;
    std::string text;
};

}  // namespace daemonize
