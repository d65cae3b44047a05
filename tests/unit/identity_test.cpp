// -u/-g word splitting and numeric ids.
#include <doctest/doctest.h>

#include "identity.hpp"

using namespace daemonize;

TEST_CASE("split_user_group") {
    CHECK(split_user_group("app") == std::pair<std::string, std::string>{"app", ""});
    CHECK(split_user_group("app:web") == std::pair<std::string, std::string>{"app", "web"});
    CHECK(split_user_group("1000:1000") == std::pair<std::string, std::string>{"1000", "1000"});
    CHECK(split_user_group("app:") == std::pair<std::string, std::string>{"app", ""});
    CHECK(split_user_group(":web") == std::pair<std::string, std::string>{"", "web"});
}

TEST_CASE("parse_id") {
    CHECK(*parse_id("0") == 0);
    CHECK(*parse_id("65534") == 65534);
    CHECK(*parse_id("4294967294") == 4294967294u);
    CHECK_FALSE(parse_id("4294967295"));  // (uid_t)-1 means "no change"
    CHECK_FALSE(parse_id("99999999999"));
    CHECK_FALSE(parse_id(""));
    CHECK_FALSE(parse_id("-1"));
    CHECK_FALSE(parse_id("12a"));
    CHECK_FALSE(parse_id("nobody"));
}

TEST_CASE("resolve_identity: nothing asked, nothing to do") {
    auto r = resolve_identity({});
    REQUIRE(r);
    CHECK_FALSE(r->has_value());
}

TEST_CASE("resolve_identity: unknown names are clear errors") {
    auto r = resolve_identity({"no-such-user-xyz", ""});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::failure);
    CHECK(r.error().what == "unknown user 'no-such-user-xyz'");
    auto g = resolve_identity({"", "no-such-group-xyz"});
    REQUIRE_FALSE(g);
    CHECK(g.error().what == "unknown group 'no-such-group-xyz'");
}

TEST_CASE("resolve_identity: conflicting groups") {
    auto r = resolve_identity({"root:root", "nogroup"});
    REQUIRE_FALSE(r);
    CHECK(r.error().what.find("different groups") != std::string::npos);
}
