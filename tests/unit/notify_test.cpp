// The sd_notify message parser, sender checks, and the readiness errors.
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <string>

#include "notify.hpp"
#include "ready.hpp"

using namespace daemonize;

TEST_CASE("parse: several assignments in one datagram") {
    auto m = notify::parse("STATUS=starting\nMAINPID=4242\nREADY=1\n");
    REQUIRE(m);
    CHECK(m->ready);
    REQUIRE(m->mainpid);
    CHECK(*m->mainpid == 4242);
    REQUIRE(m->status);
    CHECK(*m->status == "starting");
}

TEST_CASE("parse: READY must be exactly 1") {
    CHECK(notify::parse("READY=1")->ready);
    CHECK_FALSE(notify::parse("READY=0")->ready);
    CHECK_FALSE(notify::parse("READY=yes")->ready);
    CHECK_FALSE(notify::parse("READY=1\r")->ready);
    CHECK_FALSE(notify::parse("READY= 1")->ready);
    CHECK_FALSE(notify::parse("XREADY=1")->ready);
    CHECK_FALSE(notify::parse("STATUS=READY=1")->ready);
}

TEST_CASE("parse: unknown names, garbage lines and bad values are skipped") {
    auto m = notify::parse("garbage\n=1\nWATCHDOG=1\nMAINPID=abc\nMAINPID=-5\nMAINPID=1\nREADY=1");
    REQUIRE(m);
    CHECK(m->ready);
    CHECK_FALSE(m->mainpid);
    CHECK_FALSE(m->status);
    auto only_garbage = notify::parse("\x01\x02 not a notification");
    REQUIRE(only_garbage);
    CHECK_FALSE(only_garbage->ready);
}

TEST_CASE("parse: the last STATUS wins; an empty one is kept") {
    CHECK(*notify::parse("STATUS=a\nSTATUS=b")->status == "b");
    CHECK(*notify::parse("STATUS=")->status == "");
    CHECK(*notify::parse("STATUS=a=b c")->status == "a=b c");
}

TEST_CASE("parse: empty, NUL-containing and oversized datagrams are refused") {
    CHECK_FALSE(notify::parse(""));
    CHECK_FALSE(notify::parse(std::string("READY=1\0MAINPID=2", 17)));
    std::string big = "READY=1\nSTATUS=" + std::string(notify::max_message, 'x');
    CHECK_FALSE(notify::parse(big));
    std::string fits = "READY=1\nSTATUS=";
    fits += std::string(notify::max_message - fits.size(), 'x');
    REQUIRE(fits.size() == notify::max_message);
    CHECK(notify::parse(fits)->ready);
}

TEST_CASE("descends_from: self, a child, and unrelated processes") {
    pid_t self = ::getpid();
    CHECK(notify::descends_from(self, self));
    CHECK_FALSE(notify::descends_from(1, self));
    CHECK_FALSE(notify::descends_from(::getppid(), self));
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::pause();
        _exit(0);
    }
    CHECK(notify::descends_from(child, self));
    CHECK_FALSE(notify::descends_from(self, child));
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
}

TEST_CASE("sender_allowed: live senders by ancestry, gone ones by uid") {
    pid_t self = ::getpid();
    notify::Datagram me{"READY=1", false, self, 1000};
    CHECK(notify::sender_allowed(me, self, 1000));
    notify::Datagram outsider{"READY=1", false, 1, 1000};  // PID 1 is alive and not ours
    CHECK_FALSE(notify::sender_allowed(outsider, self, 1000));

    pid_t gone = ::fork();
    REQUIRE(gone >= 0);
    if (gone == 0) _exit(0);
    ::waitpid(gone, nullptr, 0);
    CHECK(notify::sender_allowed(notify::Datagram{"READY=1", false, gone, 1000}, self, 1000));
    CHECK(notify::sender_allowed(notify::Datagram{"READY=1", false, gone, 0}, self, 1000));
    CHECK_FALSE(notify::sender_allowed(notify::Datagram{"READY=1", false, gone, 1001}, self, 1000));
    CHECK_FALSE(notify::sender_allowed(notify::Datagram{"READY=1", false, 0, 1001}, self, 1000));
}

TEST_CASE("Socket: a private abstract address; datagrams carry credentials; send() reaches it") {
    auto socket = notify::Socket::open();
    REQUIRE(socket);
    CHECK(socket->address().size() > 1);
    CHECK(socket->address()[0] == '@');
    CHECK_FALSE(socket->receive());  // nothing pending: no blocking

    REQUIRE(notify::send(socket->address(), "READY=1\nSTATUS=up"));
    auto d = socket->receive();
    REQUIRE(d);
    CHECK(d->text == "READY=1\nSTATUS=up");
    CHECK(d->pid == ::getpid());
    CHECK(d->uid == ::getuid());
    CHECK_FALSE(d->truncated);

    REQUIRE(notify::send(socket->address(), std::string(notify::max_message + 10, 'x')));
    auto big = socket->receive();
    REQUIRE(big);
    CHECK(big->truncated);

    auto drained = notify::drain(*socket, ::getpid(), ::getuid());
    CHECK_FALSE(drained.ready);
    REQUIRE(notify::send(socket->address(), "STATUS=a"));
    REQUIRE(notify::send(socket->address(), "READY=1\nSTATUS=b"));
    drained = notify::drain(*socket, ::getpid(), ::getuid());
    CHECK(drained.ready);
    REQUIRE(drained.statuses.size() == 2);
    CHECK(drained.statuses[1] == "b");

    CHECK_FALSE(notify::send("relative/path", "READY=1"));
    CHECK_FALSE(notify::send("@", "READY=1"));
}

TEST_CASE("read_ready_fd: a newline means ready, EOF before one means never") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], "abc", 3) == 3);
    CHECK(notify::read_ready_fd(fds[0]) == notify::FdState::pending);
    REQUIRE(::write(fds[1], "x\n", 2) == 2);
    CHECK(notify::read_ready_fd(fds[0]) == notify::FdState::ready);
    ::close(fds[1]);
    CHECK(notify::read_ready_fd(fds[0]) == notify::FdState::closed);
    ::close(fds[0]);
}

TEST_CASE("exit status of a command that ended before it was ready") {
    auto e = exited_before_ready("srv", ExitInfo{false, 3});
    CHECK(static_cast<int>(e.code) == 3);
    CHECK(e.what == "'srv' exited with status 3 before it was ready");
    CHECK(e.command_ran);
    CHECK(static_cast<int>(exited_before_ready("srv", ExitInfo{false, 0}).code) == 1);  // 0 means ready
    auto k = exited_before_ready("srv", ExitInfo{true, 9});
    CHECK(static_cast<int>(k.code) == 137);
    CHECK(k.what == "'srv' was killed by SIGKILL before it was ready");
    CHECK(static_cast<int>(not_ready_in_time("srv", Millis{1500}).code) == 124);
    CHECK(not_ready_in_time("srv", Millis{1500}).what == "'srv' was not ready after 1.5 s; stopped it");
    CHECK(static_cast<int>(ready_fd_closed("srv", 5).code) == 124);
}
