// sd_notify and readiness-fd plumbing for the waiting side.
#include "notify.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "log.hpp"
#include "pidfile.hpp"
#include "sys/posix.hpp"
#include "sys/proc.hpp"

namespace daemonize::notify {

std::optional<Message> parse(std::string_view datagram) {
    if (datagram.empty() || datagram.size() > max_message) return std::nullopt;
    if (datagram.find('\0') != std::string_view::npos) return std::nullopt;
    Message m;
    while (!datagram.empty()) {
        auto nl = datagram.find('\n');
        std::string_view line = datagram.substr(0, nl);
        datagram = nl == std::string_view::npos ? std::string_view() : datagram.substr(nl + 1);
        auto eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        std::string_view name = line.substr(0, eq), value = line.substr(eq + 1);
        if (name == "WATCHDOG") {
            if (value == "1") m.watchdog = true;
            if (value == "trigger") m.watchdog_trigger = true;
        } else if (name == "READY") {
            if (value == "1") m.ready = true;
        } else if (name == "BARRIER") {
            if (value == "1") m.barrier = true;
        } else if (name == "MAINPID") {
            // Never init: whatever PID namespace the sender is in.
            if (auto pid = pidfile::parse_pid(value); pid && *pid > 1) m.mainpid = *pid;
        } else if (name == "STATUS") {
            m.status = std::string(value);
        }
    }
    return m;
}

bool descends_from(pid_t pid, pid_t ancestor) { return sys::lineage(pid, ancestor) == sys::Lineage::descendant; }

bool sender_allowed(const Datagram& d, pid_t self, uid_t uid) {
    if (d.pid > 0) {
        sys::Lineage l = sys::lineage(d.pid, self);
        if (l != sys::Lineage::gone) return l == sys::Lineage::descendant;
    }
    return d.uid == uid || d.uid == 0;
}

Drained drain(const Socket& socket, pid_t self, uid_t uid) {
    Drained out;
    // A bounded batch: the socket is reachable by any local user (abstract
    // names have no permissions), and a flood must not keep the caller from
    // its signals and timers; what is left is read on the next wakeup.
    constexpr int batch = 64;
    int strangers = 0;
    Datagram first_stranger;
    for (int n = 0; n < batch; ++n) {
        auto d = socket.receive();
        if (!d) break;
        if (!sender_allowed(*d, self, uid)) {
            if (strangers++ == 0) first_stranger = *d;
            continue;
        }
        auto m = d->truncated ? std::nullopt : parse(d->text);
        if (!m) {
            log::warn("ignored an unreadable notification (%zu bytes) from PID %d", d->text.size(),
                      static_cast<int>(d->pid));
            continue;
        }
        if (m->mainpid) {
            if (*m->mainpid != self && descends_from(*m->mainpid, self)) {
                out.mainpid = m->mainpid;
            } else {
                log::warn("ignored MAINPID=%d: not part of the command's process tree", static_cast<int>(*m->mainpid));
            }
        }
        if (m->status) out.statuses.push_back(std::move(*m->status));
        out.ready = out.ready || m->ready;
        out.barrier = out.barrier || m->barrier;
        out.watchdog = out.watchdog || m->watchdog;
        out.watchdog_trigger = out.watchdog_trigger || m->watchdog_trigger;
    }
    const int pid = static_cast<int>(first_stranger.pid);
    const auto from = static_cast<unsigned>(first_stranger.uid);
    if (strangers == 1)
        log::warn("ignored a notification from PID %d (uid %u): not part of the command's process tree", pid, from);
    if (strangers > 1)
        log::warn("ignored %d notifications, the first from PID %d (uid %u): not part of the command's process tree",
                  strangers, pid, from);
    return out;
}

Result<Socket> Socket::open() {
    Socket s;
    s.fd_ = sys::UniqueFd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
    if (!s.fd_.valid()) return sys_error("create the notification socket");
    int on = 1;
    if (::setsockopt(s.fd_.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == -1)
        return sys_error("enable credentials on the notification socket");
    // Binding only the family asks the kernel for a unique abstract name.
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (::bind(s.fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(sa_family_t)) == -1)
        return sys_error("bind the notification socket");
    socklen_t len = sizeof addr;
    if (::getsockname(s.fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len) == -1)
        return sys_error("name the notification socket");
    auto name_len = static_cast<size_t>(len) - offsetof(sockaddr_un, sun_path);
    if (name_len < 2 || addr.sun_path[0] != '\0') return usage_error("the notification socket got no abstract name");
    s.address_ = "@" + std::string(addr.sun_path + 1, name_len - 1);
    return s;
}

std::optional<Datagram> Socket::receive() const {
    char buf[max_message];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * 16)];
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = sys::retry_eintr([&] { return ::recvmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC); });
    if (n < 0) return std::nullopt;

    Datagram d;
    d.text.assign(buf, static_cast<size_t>(n));
    d.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
            ucred cred{};
            std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
            d.pid = cred.pid;
            d.uid = cred.uid;
        } else if (c->cmsg_type == SCM_RIGHTS) {
            // Closing is the whole answer to BARRIER=1, and no passed fd may
            // stay open here (or leak into a later instance).
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd = -1;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                if (fd >= 0) ::close(fd);
            }
        }
    }
    return d;
}

Status send(std::string_view address, std::string_view message) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (address.size() < 2 || (address[0] != '/' && address[0] != '@') || address.size() >= sizeof addr.sun_path)
        return usage_error("NOTIFY_SOCKET '" + std::string(address) + "' is not a socket address");
    std::memcpy(addr.sun_path, address.data(), address.size());
    if (address[0] == '@') addr.sun_path[0] = '\0';
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size() + (address[0] == '/'));
    sys::UniqueFd fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    if (!fd.valid()) return sys_error("create a socket for NOTIFY_SOCKET");
    ssize_t n = sys::retry_eintr([&] {
        return ::sendto(fd.get(), message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
    });
    if (n < 0) return sys_error("notify " + std::string(address));
    return Ok{};
}

Result<sys::Pipe> make_ready_pipe() {
    auto pipe = sys::make_pipe();
    if (!pipe) return pipe;
    if (::fcntl(pipe->read.get(), F_SETFL, O_NONBLOCK) == -1) return sys_error("set the readiness pipe non-blocking");
    return pipe;
}

FdState read_ready_fd(int fd) {
    char buf[512];
    ssize_t n = sys::retry_eintr([&] { return ::read(fd, buf, sizeof buf); });
    if (n == 0) return FdState::closed;
    if (n < 0) return errno == EAGAIN ? FdState::pending : FdState::closed;
    return std::memchr(buf, '\n', static_cast<size_t>(n)) != nullptr ? FdState::ready : FdState::pending;
}

}  // namespace daemonize::notify
