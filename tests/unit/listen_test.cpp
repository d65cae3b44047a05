// --listen SPEC parsing.
#include <doctest/doctest.h>

#include "listen.hpp"

using namespace daemonize;
using Kind = ListenSpec::Kind;

TEST_CASE("listen: tcp forms") {
    auto any = parse_listen("tcp:8080");
    REQUIRE(any);
    CHECK(any->kind == Kind::tcp);
    CHECK(any->host.empty());
    CHECK(any->port == 8080);
    auto v4 = parse_listen("tcp:127.0.0.1:80");
    REQUIRE(v4);
    CHECK(v4->host == "127.0.0.1");
    CHECK(v4->port == 80);
    auto v6 = parse_listen("tcp:[::1]:443");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 443);
    auto all6 = parse_listen("tcp:[::]:443");
    REQUIRE(all6);
    CHECK(all6->host == "::");
    auto star = parse_listen("tcp:*:9000");
    REQUIRE(star);
    CHECK(star->host.empty());
    auto local = parse_listen("tcp:localhost:9000");
    REQUIRE(local);
    CHECK(local->host == "127.0.0.1");
    auto udp = parse_listen("dns=udp:0.0.0.0:53");
    REQUIRE(udp);
    CHECK(udp->kind == Kind::udp);
    CHECK(udp->name == "dns");
}

TEST_CASE("listen: unix and names") {
    auto u = parse_listen("api=unix:/run/app.sock");
    REQUIRE(u);
    CHECK(u->kind == Kind::unix_stream);
    CHECK(u->path == "/run/app.sock");
    CHECK(u->name == "api");
    // '=' inside the path is part of it.
    auto eq = parse_listen("unix:/run/a=b.sock");
    REQUIRE(eq);
    CHECK(eq->name.empty());
    CHECK(eq->path == "/run/a=b.sock");
    CHECK(listen_fdnames({*u, *eq}) == "api:unknown");
}

TEST_CASE("listen: refusals say what is wrong") {
    for (const char* bad : {"", "8080", "http:80", "tcp:", "tcp:0", "tcp:65536", "tcp:-1", "tcp:80x", "tcp:host:80",
                            "tcp:::1:80", "tcp:[::1]80", "tcp:[::1", "tcp:[nope]:80", "unix:", "a:b=tcp:80",
                            "=tcp:80", "na me=tcp:80", "tcp:1.2.3:80"}) {
        CAPTURE(bad);
        auto r = parse_listen(bad);
        REQUIRE_FALSE(r);
        CHECK(static_cast<int>(r.error().code) == 125);
        CHECK(r.error().what.find("--listen") == 0);
    }
    auto v6 = parse_listen("tcp:::1:80");
    REQUIRE_FALSE(v6);
    CHECK(v6.error().what.find("[::1]:PORT") != std::string::npos);
    auto name = parse_listen("tcp:example.com:80");
    REQUIRE_FALSE(name);
    CHECK(name.error().what.find("not looked up") != std::string::npos);
}
