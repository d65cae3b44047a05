// Exit codes, errors and Result<T>: how every layer reports failure to main.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace daemonize {

/// The caller's exit status, exactly as in SPEC.md section 2.
enum class ExitCode : int {
    ok = 0,
    not_running_or_busy = 1,  // already running (start), or not running (stop/signal)
    still_running = 2,        // --stop: survived SIGKILL
    not_ready = 124,
    failure = 125,            // daemonize itself failed: usage, files, users...
    cannot_execute = 126,
    not_found = 127,
};

struct Error {
    ExitCode code = ExitCode::failure;
    std::string what;  // "open pidfile /run/x.pid"
    int err = 0;       // errno, 0 when `what` says it all
    bool command_ran = false;  // the command itself ran: keep what it logged
};

/// A value or an Error, shaped like C++23 std::expected.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    explicit operator bool() const noexcept { return v_.index() == 0; }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

/// For operations that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

/// An Error with errno captured now; call right after the failing syscall.
[[nodiscard]] Error sys_error(std::string what);
[[nodiscard]] Error sys_error(std::string what, int err);
/// An Error that is not about a syscall.
[[nodiscard]] Error usage_error(std::string what);

/// "what: strerror(err)" or just "what"; main prefixes "daemonize: ".
[[nodiscard]] std::string format_error(const Error& e);

}  // namespace daemonize
