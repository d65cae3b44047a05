// For the tests of the command line: parse_cli on words given without argv[0].
#pragma once

#include <string>
#include <vector>

#include "cli.hpp"

inline daemonize::Result<daemonize::Command> parse(std::vector<std::string> words) {
    words.insert(words.begin(), "daemonize");
    return daemonize::parse_cli(words);
}
