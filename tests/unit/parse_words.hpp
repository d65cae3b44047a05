// For the tests of the command line: parse_cli on words given without argv[0].
// Every call also parses with the whole parser built and checks that the
// result is the same: daemonize builds only the options the words name.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli.hpp"

inline daemonize::Result<daemonize::Command> parse(std::vector<std::string> words) {
    words.insert(words.begin(), "daemonize");
    auto named = daemonize::parse_cli(words);
    auto all = daemonize::parse_cli(words, daemonize::ParserScope::all);
    REQUIRE(static_cast<bool>(named) == static_cast<bool>(all));
    if (named) {
        CHECK(*named == *all);
    } else {
        CHECK(named.error().what == all.error().what);
        CHECK(named.error().code == all.error().code);
    }
    return named;
}
