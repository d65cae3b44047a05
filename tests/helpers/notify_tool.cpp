// Test helper for the sd_notify protocol, independent of daemonize's code.
//   notify_tool listen FILE [PATH] bind a datagram socket (abstract, or at
//                                  PATH), write its address ("@name" or PATH)
//                                  to FILE.addr, then append each datagram to
//                                  FILE, one per line, with newlines inside it
//                                  shown as '|'
//   notify_tool send ADDR MSG [SECS]  send MSG ('|' means newline) from this
//                                  process, then stay alive SECS seconds
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int listen_on(const char* file, const char* path) {
    int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    socklen_t len = sizeof(sa_family_t);  // autobind an abstract name
    if (path != nullptr) {
        std::strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
        len = sizeof addr;
    }
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
        std::perror("notify_tool: bind");
        return 1;
    }
    len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    std::string name = path != nullptr ? std::string(path) : "@" + std::string(addr.sun_path + 1, len - offsetof(sockaddr_un, sun_path) - 1);
    std::string tmp = std::string(file) + ".addr.tmp";
    FILE* a = std::fopen(tmp.c_str(), "w");
    std::fprintf(a, "%s\n", name.c_str());
    std::fclose(a);
    std::rename(tmp.c_str(), (std::string(file) + ".addr").c_str());
    char buf[8192];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0) return 1;
        for (ssize_t i = 0; i < n; ++i)
            if (buf[i] == '\n') buf[i] = '|';
        FILE* out = std::fopen(file, "a");
        std::fprintf(out, "%.*s\n", static_cast<int>(n), buf);
        std::fclose(out);
    }
}

int send_to(const char* address, const char* message, int hold) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    size_t n = std::strlen(address);
    if (n < 2 || n >= sizeof addr.sun_path) return 2;
    std::memcpy(addr.sun_path, address, n);
    if (address[0] == '@') addr.sun_path[0] = '\0';
    std::string msg = message;
    for (char& c : msg)
        if (c == '|') c = '\n';
    int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + n);
    if (::sendto(fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&addr), len) < 0) {
        std::perror("notify_tool: sendto");
        return 1;
    }
    if (hold > 0) ::sleep(static_cast<unsigned>(hold));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 3 && std::strcmp(argv[1], "listen") == 0) return listen_on(argv[2], argc > 3 ? argv[3] : nullptr);
    if (argc >= 4 && std::strcmp(argv[1], "send") == 0) return send_to(argv[2], argv[3], argc > 4 ? std::atoi(argv[4]) : 0);
    std::fprintf(stderr, "usage: notify_tool listen FILE [PATH] | send ADDR MSG [SECS]\n");
    return 2;
}
