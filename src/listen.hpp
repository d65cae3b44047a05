// --listen SPEC (SPEC.md 11): the sockets daemonize binds for the command
// and passes in the systemd socket-activation protocol. Parsing is pure;
// binding is in sys/ (not yet: see the branch's notes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"

namespace daemonize {

struct ListenSpec {
    enum class Kind { tcp, udp, unix_stream };
    Kind kind = Kind::tcp;
    std::string name;   // for LISTEN_FDNAMES; "" = not given
    std::string host;   // numeric IPv4 or IPv6 (no brackets); "" = every address
    std::uint16_t port = 0;
    std::string path;   // unix: as given (made absolute by the caller)
    std::string text;   // the whole SPEC, for messages

    bool operator==(const ListenSpec&) const = default;
};

/// `[NAME=]tcp:[HOST:]PORT`, `tcp:[V6ADDR]:PORT`, the same with `udp:`, and
/// `[NAME=]unix:PATH`. HOST is a numeric address (`127.0.0.1`, `[::1]`),
/// `*` or empty for every address, or `localhost` (127.0.0.1); names are
/// not looked up (the static binary resolves users from files only, and a
/// listen address should not depend on DNS). NAME: letters, digits, `_`,
/// `.`, `-` (LISTEN_FDNAMES separates names with ':'), at most 255 bytes.
[[nodiscard]] Result<ListenSpec> parse_listen(std::string_view text);

/// The LISTEN_FDNAMES value for these specs, in order ("unknown" for
/// unnamed ones, as sd_listen_fds_with_names() reports them).
[[nodiscard]] std::string listen_fdnames(const std::vector<ListenSpec>& specs);

}  // namespace daemonize
