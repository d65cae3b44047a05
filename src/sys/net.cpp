// TCP/UDP sockets for --listen.
#include "net.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace daemonize::sys {
namespace {

Error failed(const ListenSpec& spec, const char* step, int err) {
    std::string why = std::strerror(err);
    if (err == EADDRINUSE) why += " (another program listens there)";
    if (err == EACCES && spec.port < 1024) why += " (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
    return Error{ExitCode::failure, "--listen " + spec.text + ": " + step + ": " + why, 0};
}

}  // namespace

Result<UniqueFd> bind_inet(const ListenSpec& spec) {
    const int type = (spec.kind == ListenSpec::Kind::udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC;
    sockaddr_storage addr{};
    socklen_t len = 0;
    int family = AF_INET6;
    const bool v6 = spec.host.find(':') != std::string::npos || spec.host.empty();
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(spec.port);
        a->sin6_addr = in6addr_any;
        if (!spec.host.empty() && ::inet_pton(AF_INET6, spec.host.c_str(), &a->sin6_addr) != 1)
            return failed(spec, "address", EINVAL);
        len = sizeof *a;
    }
    int fd = v6 ? ::socket(AF_INET6, type, 0) : -1;
    if (fd == -1 && spec.host.empty() && (errno == EAFNOSUPPORT || !v6)) family = AF_INET;  // no IPv6 here
    if (!v6 || family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&addr);
        addr = {};
        a->sin_family = AF_INET;
        a->sin_port = htons(spec.port);
        a->sin_addr.s_addr = htonl(INADDR_ANY);
        if (!spec.host.empty() && ::inet_pton(AF_INET, spec.host.c_str(), &a->sin_addr) != 1)
            return failed(spec, "address", EINVAL);
        len = sizeof *a;
        fd = ::socket(AF_INET, type, 0);
        family = AF_INET;
    }
    if (fd == -1) return failed(spec, "socket", errno);
    UniqueFd sock{fd};
    const int on = 1, off = 0;
    if (family == AF_INET6 && spec.host.empty() &&
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == -1)
        return failed(spec, "IPV6_V6ONLY", errno);
    // A restarted service must not wait out TIME_WAIT of its old connections.
    if (spec.kind == ListenSpec::Kind::tcp && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1)
        return failed(spec, "SO_REUSEADDR", errno);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) == -1) return failed(spec, "bind", errno);
    if (spec.kind == ListenSpec::Kind::tcp && ::listen(fd, SOMAXCONN) == -1) return failed(spec, "listen", errno);
    return sock;
}

}  // namespace daemonize::sys
