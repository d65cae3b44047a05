// Command line → Command. The only file that knows CLI11.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "options.hpp"

namespace daemonize {

/// How much of the parser to build: the options the words name (what
/// daemonize does; cheaper to set up), or all of them (the same result;
/// for the tests that prove it).
enum class ParserScope { named, all };

/// Parses argv (argv[0] included). Errors carry ExitCode::failure (125).
[[nodiscard]] Result<Command> parse_cli(const std::vector<std::string>& args,
                                        ParserScope scope = ParserScope::named);

/// For the tests: "" if every option's row says rightly whether it takes
/// a value (what the scan of the option words relies on), else which not.
[[nodiscard]] std::string check_option_table();

/// "027" → 027. Octal digits only, at most 0777.
[[nodiscard]] Result<unsigned> parse_umask(std::string_view text);

/// "NAME=VALUE" → {NAME, VALUE}; NAME must be non-empty.
[[nodiscard]] Result<std::pair<std::string, std::string>> parse_env_assignment(std::string_view text);

}  // namespace daemonize
