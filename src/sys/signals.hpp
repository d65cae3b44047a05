// Signal names and the signalfd the supervisor reads its signals from.
#pragma once

#include <signal.h>

#include <optional>
#include <string>
#include <string_view>

#include "../error.hpp"
#include "fd.hpp"

namespace daemonize::sys {

/// "TERM" for SIGTERM, "RTMIN+2", or the number as text.
[[nodiscard]] std::string signal_name(int sig);
/// "TERM", "SIGTERM", "term", "15", "RTMIN+2" → the number; nullopt if unknown.
[[nodiscard]] std::optional<int> parse_signal(std::string_view text);

/// Blocks `set` (saving the old mask in `old`) and opens a signalfd for it.
[[nodiscard]] Result<UniqueFd> open_signalfd(const sigset_t& set, sigset_t* old);

}  // namespace daemonize::sys
