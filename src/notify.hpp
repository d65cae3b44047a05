// Readiness protocols (SPEC.md section 8): the sd_notify datagram socket and
// the s6-style readiness fd, seen from the side that waits.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "sys/fd.hpp"

namespace daemonize::notify {

/// systemd reads at most this much of one datagram; so do we.
inline constexpr size_t max_message = 4096;

/// What one sd_notify datagram asked for. Assignments we do not act on
/// (RELOADING=, STOPPING=, ...) are accepted and ignored, as systemd does
/// with names it does not know.
struct Message {
    bool ready = false;                 // READY=1
    bool barrier = false;               // BARRIER=1 (its fd is closed on receipt)
    bool watchdog = false;              // WATCHDOG=1: still alive
    bool watchdog_trigger = false;      // WATCHDOG=trigger: treat as hung now
    std::optional<pid_t> mainpid;       // MAINPID=N, a valid PID
    std::optional<std::string> status;  // STATUS=text (last one wins)
};

/// Parses "NAME=VALUE" lines. Returns nullopt for a datagram that is not a
/// notification at all: empty, oversized, or containing a NUL byte. Lines
/// without '=' and malformed values (MAINPID=abc, READY=yes) are skipped.
[[nodiscard]] std::optional<Message> parse(std::string_view datagram);

/// A datagram and who sent it.
struct Datagram {
    std::string text;
    bool truncated = false;  // longer than max_message
    pid_t pid = 0;           // from SCM_CREDENTIALS; 0 if not visible here
    uid_t uid = 0;
};

/// Who may speak for the command: its own process tree. A sender still
/// alive (or a zombie) must descend from `self` (this daemonize process,
/// whose only children are the command's processes; orphans of the command
/// are re-parented to it as a subreaper). A sender already gone, as
/// `systemd-notify` often is, is accepted when it ran as `uid` (the
/// command's user) or as root.
[[nodiscard]] bool sender_allowed(const Datagram& d, pid_t self, uid_t uid);
/// Whether `pid` is `ancestor` or one of its descendants (walks /proc ppid).
[[nodiscard]] bool descends_from(pid_t pid, pid_t ancestor);

/// What the command's tree said on a socket since the last look, in order.
struct Drained {
    bool ready = false;
    bool barrier = false;
    bool watchdog = false;
    bool watchdog_trigger = false;
    std::optional<pid_t> mainpid;  // checked: part of the command's tree
    std::vector<std::string> statuses;
};

class Socket;
/// Reads every pending datagram on `socket`, drops (with a warning) those
/// from outside the command's tree (see sender_allowed) and unreadable ones.
[[nodiscard]] Drained drain(const Socket& socket, pid_t self, uid_t uid);

/// A private notification socket: an abstract unix datagram socket with a
/// kernel-chosen unique name, so there is no file to clean up, and
/// SO_PASSCRED so that every datagram carries its sender's credentials.
class Socket {
public:
    [[nodiscard]] static Result<Socket> open();
    /// For NOTIFY_SOCKET: "@" and the abstract name.
    [[nodiscard]] const std::string& address() const noexcept { return address_; }
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    /// Reads one pending datagram, or nullopt when none is pending. File
    /// descriptors passed along (BARRIER=1 sends one and waits until it is
    /// closed) are closed at once.
    [[nodiscard]] std::optional<Datagram> receive() const;

private:
    sys::UniqueFd fd_;
    std::string address_;
};

/// Sends one datagram to a NOTIFY_SOCKET address ("/path" or "@abstract").
[[nodiscard]] Status send(std::string_view address, std::string_view message);

/// A --ready-fd pipe: close-on-exec, the read end non-blocking.
[[nodiscard]] Result<sys::Pipe> make_ready_pipe();

/// The reading end of a --ready-fd pipe.
enum class FdState { pending, ready, closed };
/// Reads what is available: a newline means ready; EOF before one means the
/// command will never be ready.
[[nodiscard]] FdState read_ready_fd(int fd);

}  // namespace daemonize::notify
