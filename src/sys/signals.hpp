// Signal names and the signalfd the supervisor reads its signals from.
#pragma once

#include <signal.h>

#include <initializer_list>
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

/// The signals a supervisor reads from its signalfd: every signal that could
/// kill or stop it, but for SIGKILL and SIGSTOP (impossible), the faults a
/// bug of its own raises (SEGV, BUS, FPE, ILL, TRAP: they must still kill it,
/// with a core), SIGPIPE (ignored: a write to a closed pipe fails with
/// EPIPE) and the two real-time signals glibc keeps for itself.
[[nodiscard]] sigset_t supervisor_signals() noexcept;

/// For as long as it lives: `signals` blocked and readable on fd(); the old
/// mask comes back at the end. (A child started meanwhile inherits the
/// mask; daemonize's children empty theirs before exec.)
class BlockedSignals {
public:
    explicit BlockedSignals(std::initializer_list<int> signals) noexcept;
    ~BlockedSignals();
    BlockedSignals(const BlockedSignals&) = delete;
    BlockedSignals& operator=(const BlockedSignals&) = delete;
    /// The signalfd; -1 if it could not be made (then nothing is blocked).
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }

private:
    UniqueFd fd_;
    sigset_t old_{};
};

/// Blocks `set` (saving the old mask in `old`) and opens a signalfd for it.
[[nodiscard]] Result<UniqueFd> open_signalfd(const sigset_t& set, sigset_t* old);

}  // namespace daemonize::sys
