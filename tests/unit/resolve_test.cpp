// Path and command resolution, with a fake filesystem.
#include <doctest/doctest.h>

#include <cerrno>
#include <map>

#include "resolve.hpp"

using namespace daemonize;

namespace {
AccessProbe fake(std::map<std::string, Access> files) {
    return [files](const std::string& path) {
        auto it = files.find(path);
        return it == files.end() ? Access::missing : it->second;
    };
}
}  // namespace

TEST_CASE("make_absolute") {
    CHECK(make_absolute("/home/u", "server") == "/home/u/server");
    CHECK(make_absolute("/home/u", "./server") == "/home/u/server");
    CHECK(make_absolute("/home/u", "bin//./x") == "/home/u/bin/x");
    CHECK(make_absolute("/home/u", "/abs/x") == "/abs/x");
    CHECK(make_absolute("/home/u", "../x") == "/home/u/../x");
    CHECK(make_absolute("/", "x") == "/x");
    CHECK(make_absolute("/home/u", ".") == "/home/u/");
    CHECK(make_absolute("/home/u", "") == "/home/u/");
    CHECK(make_absolute("/home/u", "dir/") == "/home/u/dir/");
}

TEST_CASE("resolve: a name with a slash is made absolute, not searched") {
    auto probe = fake({});
    CHECK(*resolve_command("./server", "/usr/bin", "/srv/app", probe) == "/srv/app/server");
    CHECK(*resolve_command("bin/server", "/usr/bin", "/srv", probe) == "/srv/bin/server");
    CHECK(*resolve_command("/usr/bin/env", "", "/x", probe) == "/usr/bin/env");
}

TEST_CASE("resolve: first executable in PATH wins") {
    auto probe = fake({{"/usr/bin/app", Access::executable}, {"/bin/app", Access::executable}});
    CHECK(*resolve_command("app", "/usr/local/bin:/usr/bin:/bin", "/", probe) == "/usr/bin/app");
}

TEST_CASE("resolve: a non-executable match is skipped, like execvp") {
    auto probe = fake({{"/a/app", Access::not_executable}, {"/b/app", Access::executable}});
    CHECK(*resolve_command("app", "/a:/b", "/", probe) == "/b/app");
}

TEST_CASE("resolve: only non-executable matches give 126 / EACCES") {
    auto r = resolve_command("app", "/a:/b", "/", fake({{"/a/app", Access::not_executable}}));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::cannot_execute);
    CHECK(r.error().err == EACCES);
}

TEST_CASE("resolve: not found gives 127 / ENOENT with the name as given") {
    auto r = resolve_command("nosuch", "/a:/b", "/", fake({}));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ExitCode::not_found);
    CHECK(r.error().err == ENOENT);
    CHECK(r.error().what == "cannot execute 'nosuch'");
    auto empty = resolve_command("", "/a", "/", fake({}));
    REQUIRE_FALSE(empty);
    CHECK(empty.error().code == ExitCode::not_found);
}

TEST_CASE("resolve: empty and relative PATH entries mean the caller's directory") {
    auto probe = fake({{"/home/u/app", Access::executable}, {"/home/u/bin/tool", Access::executable}});
    CHECK(*resolve_command("app", "/usr/bin::/bin", "/home/u", probe) == "/home/u/app");
    CHECK(*resolve_command("app", "/usr/bin:", "/home/u", probe) == "/home/u/app");
    CHECK(*resolve_command("app", ".", "/home/u", probe) == "/home/u/app");
    CHECK(*resolve_command("tool", "bin", "/home/u", probe) == "/home/u/bin/tool");
}
