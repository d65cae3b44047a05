// --listen parsing.
#include "listen.hpp"

#include <arpa/inet.h>

#include "number.hpp"

namespace daemonize {
namespace {

Error bad(std::string_view text, const std::string& why) {
    return usage_error("--listen '" + std::string(text) + "': " + why);
}

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > 255) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

bool numeric_v4(const std::string& host) {
    in_addr a{};
    return ::inet_pton(AF_INET, host.c_str(), &a) == 1;
}

bool numeric_v6(const std::string& host) {
    in6_addr a{};
    return ::inet_pton(AF_INET6, host.c_str(), &a) == 1;
}

}  // namespace

Result<ListenSpec> parse_listen(std::string_view text) {
    ListenSpec s;
    s.text = std::string(text);
    std::string_view rest = text;
    // NAME= comes before the kind, whose own text has no '=' before ':'.
    const auto eq = rest.find('=');
    const auto colon = rest.find(':');
    if (eq != std::string_view::npos && (colon == std::string_view::npos || eq < colon)) {
        std::string_view name = rest.substr(0, eq);
        if (!valid_name(name))
            return bad(text, "the name '" + std::string(name) + "' may hold only letters, digits, '_', '.' and '-'");
        s.name = std::string(name);
        rest.remove_prefix(eq + 1);
    }
    if (rest.starts_with("unix:")) {
        s.kind = ListenSpec::Kind::unix_stream;
        s.path = std::string(rest.substr(5));
        if (s.path.empty()) return bad(text, "no path after unix:");
        if (s.path.find('\0') != std::string::npos) return bad(text, "the path holds a NUL byte");
        return s;
    }
    if (rest.starts_with("tcp:")) {
        s.kind = ListenSpec::Kind::tcp;
    } else if (rest.starts_with("udp:")) {
        s.kind = ListenSpec::Kind::udp;
    } else {
        return bad(text, "expected tcp:[HOST:]PORT, udp:[HOST:]PORT or unix:PATH");
    }
    rest.remove_prefix(4);
    std::string_view port_text = rest;
    if (rest.starts_with("[")) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
            return bad(text, "an IPv6 address is written [ADDRESS]:PORT");
        s.host = std::string(rest.substr(1, close - 1));
        if (!numeric_v6(s.host)) return bad(text, "'" + s.host + "' is not an IPv6 address");
        port_text = rest.substr(close + 2);
    } else if (const auto last = rest.rfind(':'); last != std::string_view::npos) {
        s.host = std::string(rest.substr(0, last));
        port_text = rest.substr(last + 1);
        if (s.host == "*") s.host.clear();
        if (s.host == "localhost") s.host = "127.0.0.1";
        if (!s.host.empty() && !numeric_v4(s.host)) {
            if (numeric_v6(s.host)) return bad(text, "write an IPv6 address in brackets: [" + s.host + "]:PORT");
            return bad(text, "'" + s.host + "' is not a numeric address (names are not looked up)");
        }
    }
    auto port = parse_unsigned<unsigned>(port_text, 65535);
    if (!port || *port == 0) return bad(text, "'" + std::string(port_text) + "' is not a port from 1 to 65535");
    s.port = static_cast<std::uint16_t>(*port);
    return s;
}

std::string listen_fdnames(const std::vector<ListenSpec>& specs) {
    std::string out;
    for (const auto& s : specs) {
        if (!out.empty()) out += ':';
        out += s.name.empty() ? "unknown" : s.name;
    }
    return out;
}

}  // namespace daemonize
