// What the caller says and returns when the daemon reports a failure.
#include <doctest/doctest.h>

#include <cerrno>

#include "detach.hpp"

using namespace daemonize;

namespace {
LaunchPlan plan() {
    LaunchPlan p;
    p.args = {"serv", "--port", "80"};
    p.chdir = "/srv/app";
    p.pidfile_path = "/run/serv.pid";
    return p;
}
}  // namespace

TEST_CASE("describe_failure: exec errors map to 127 and 126") {
    auto missing = describe_failure(plan(), {Stage::exec, ENOENT});
    CHECK(missing.code == ExitCode::not_found);
    CHECK(format_error(missing) == "cannot execute 'serv': No such file or directory");

    for (int err : {EACCES, ENOEXEC, ETXTBSY, E2BIG, ELOOP}) {
        CAPTURE(err);
        CHECK(describe_failure(plan(), {Stage::exec, err}).code == ExitCode::cannot_execute);
    }
    CHECK(format_error(describe_failure(plan(), {Stage::exec, ENOEXEC})) ==
          "cannot execute 'serv': Exec format error");
}

TEST_CASE("describe_failure: every other step is daemonize's own failure, 125") {
    for (Stage s : {Stage::setsid, Stage::fork, Stage::chdir, Stage::stdio, Stage::close_fds, Stage::signals,
                    Stage::setgroups, Stage::setgid, Stage::setuid, Stage::regain_root, Stage::pidfile}) {
        CAPTURE(static_cast<int>(s));
        CHECK(describe_failure(plan(), {s, EPERM}).code == ExitCode::failure);
    }
}

TEST_CASE("describe_failure: messages name what failed") {
    CHECK(format_error(describe_failure(plan(), {Stage::chdir, ENOENT})) ==
          "chdir /srv/app: No such file or directory");
    CHECK(format_error(describe_failure(plan(), {Stage::pidfile, ENOSPC})) ==
          "write pidfile /run/serv.pid: No space left on device");
    CHECK(format_error(describe_failure(plan(), {Stage::setuid, EPERM})) == "setuid 0: Operation not permitted");
}
