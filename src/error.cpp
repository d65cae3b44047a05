// Error construction and formatting.
#include "error.hpp"

#include <cerrno>
#include <cstring>

namespace daemonize {

Error sys_error(std::string what) { return sys_error(std::move(what), errno); }

Error sys_error(std::string what, int err) {
    return Error{ExitCode::failure, std::move(what), err};
}

Error usage_error(std::string what) { return Error{ExitCode::failure, std::move(what), 0}; }

std::string format_error(const Error& e) {
    if (e.err == 0) return e.what;
    return e.what + ": " + std::strerror(e.err);
}

}  // namespace daemonize
