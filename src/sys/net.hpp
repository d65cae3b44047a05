// Binding --listen's TCP and UDP sockets (issue 18, work in progress).
#pragma once

#include "../error.hpp"
#include "../listen.hpp"
#include "fd.hpp"

namespace daemonize::sys {

/// A bound (and, for TCP, listening) socket for `spec`, close-on-exec.
/// Every address (host "") is IPv6 "::" with IPV6_V6ONLY off, or 0.0.0.0
/// where IPv6 is not available. Errors name the spec and say why, with a
/// hint for the usual ones (in use; a port below 1024 needs root).
[[nodiscard]] Result<UniqueFd> bind_inet(const ListenSpec& spec);

}  // namespace daemonize::sys
