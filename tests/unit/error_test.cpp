// Exit codes and error text.
#include <doctest/doctest.h>

#include <cerrno>

#include "error.hpp"

using namespace daemonize;

TEST_CASE("exit codes mirror SPEC.md section 2") {
    CHECK(static_cast<int>(ExitCode::ok) == 0);
    CHECK(static_cast<int>(ExitCode::not_running_or_busy) == 1);
    CHECK(static_cast<int>(ExitCode::still_running) == 2);
    CHECK(static_cast<int>(ExitCode::not_ready) == 124);
    CHECK(static_cast<int>(ExitCode::failure) == 125);
    CHECK(static_cast<int>(ExitCode::cannot_execute) == 126);
    CHECK(static_cast<int>(ExitCode::not_found) == 127);
}

TEST_CASE("format_error: what and why") {
    CHECK(format_error(sys_error("open /x.pid", ENOENT)) == "open /x.pid: No such file or directory");
    CHECK(format_error(usage_error("no command given")) == "no command given");
    errno = EACCES;
    Error e = sys_error("open /y");
    CHECK(e.err == EACCES);
    CHECK(e.code == ExitCode::failure);
}
