// Generated-input fuzzing of every parser that reads outside data: pidfiles,
// /proc/PID/stat, sd_notify datagrams, sizes, the line framer, and the
// command line, and of pidfile paths through every kind of file. 10^6 inputs in all; run under ASan/UBSan by CI. (A
// deterministic generator, so a failure reproduces; libFuzzer would need
// clang, which the CI machine does not have.)
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "capture.hpp"
#include "cli.hpp"
#include "control.hpp"
#include "notify.hpp"
#include "pidfile.hpp"
#include "sys/proc.hpp"
#include "sys/safe_fs.hpp"

using namespace daemonize;

namespace {

// Strings biased towards what the parsers look for.
class Gen {
public:
    explicit Gen(std::uint32_t seed) : rng_(seed) {}
    std::uint32_t below(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }
    std::string text(const std::vector<std::string>& pieces, size_t max_pieces) {
        std::string s;
        size_t n = below(static_cast<std::uint32_t>(max_pieces) + 1);
        for (size_t i = 0; i < n; ++i) {
            switch (below(4)) {
            case 0: s += pieces[below(static_cast<std::uint32_t>(pieces.size()))]; break;
            case 1: s += static_cast<char>(below(256)); break;
            case 2: s += std::to_string(below(10) == 0 ? rng_() : below(5000000)); break;
            default: s += " \n)(=:-0"[below(8)]; break;
            }
        }
        return s;
    }

private:
    std::mt19937 rng_;
};

const std::vector<std::string> pid_pieces{"1", "42", "0", "-", "+", "\n", " ", "4194304", "4194305", "99999999999"};
const std::vector<std::string> stat_pieces{"(", ")", " S ", " Z ", "42 ", "(a) b) ", " 0", " -1", "\n", "18446744073709551615"};
const std::vector<std::string> notify_pieces{"READY=1", "READY=", "MAINPID=", "STATUS=", "\n", "=", "WATCHDOG=1",
                                             std::string(1, '\0'), "BARRIER=1", "MAINPID=4194304"};
const std::vector<std::string> size_pieces{"K", "M", "G", "k", "0", "9", "1", "-", "."};
const std::vector<std::string> words{"-p", "--pidfile", "-o", "-e", "-i", "-c", "-m", "-u", "-g", "-E", "-r", "-n",
    "-f", "-w", "-v", "-q", "--", "--restart", "--max-restarts", "--restart-delay", "--success-exit",
    "--stop-timeout", "--child-pidfile", "--status", "--stop", "--signal", "--ready-fd", "--ready-timeout",
    "--timestamps", "--timestamps=unix", "--syslog", "--syslog=x", "--log-max-size", "--log-keep", "--log-prefix",
    "--forward-hup", "--truncate", "-h", "-V", "sleep", "x.pid", "a=b", "022", "0:1", "5/10", "1,2", "TERM",
    "always", "on-failure", "no", "10M", "%i", "", "-", "=", "-pfoo", "-ofile", "--pidfile=", "--umask=9"};

}  // namespace

TEST_CASE("fuzz: parse_pid never accepts what it must refuse") {
    Gen g(1);
    for (int i = 0; i < 300000; ++i) {
        std::string s = g.text(pid_pieces, 4);
        auto pid = pidfile::parse_pid(s);
        if (pid) {
            REQUIRE(*pid >= 1);  // 1: a container init's stamped pidfile
            REQUIRE(*pid <= sys::max_pid);
            REQUIRE(std::to_string(*pid) + "\n" == (s.back() == '\n' ? s : s + "\n"));
        }
    }
}

TEST_CASE("fuzz: parse_proc_stat") {
    Gen g(2);
    for (int i = 0; i < 200000; ++i) {
        std::string s = g.text(stat_pieces, 40);
        auto st = sys::parse_proc_stat(s);
        if (st) REQUIRE(st->ppid >= 0);
    }
}

TEST_CASE("fuzz: sd_notify datagrams") {
    Gen g(3);
    for (int i = 0; i < 250000; ++i) {
        std::string s = g.text(notify_pieces, 12);
        auto m = notify::parse(s);
        if (!m) continue;
        REQUIRE(s.find('\0') == std::string::npos);
        if (m->mainpid) REQUIRE(*m->mainpid >= 2);
        if (m->ready) REQUIRE(s.find("READY=1") != std::string::npos);
    }
}

TEST_CASE("fuzz: pidfile stamps") {
    Gen g(8);
    const std::vector<std::string> pieces{"5b43d7aa-32ba-4981-9e9b-4b657a3e8ee3", " ", "42", "0", "-", "\n",
                                          "18446744073709551616", "4194305", "x", "b"};
    for (int i = 0; i < 100000; ++i) {
        std::string text = g.text(pieces, 8);
        auto stamp = pidfile::parse_stamp(text);
        if (!stamp) continue;
        REQUIRE(stamp->pid >= 2);
        REQUIRE(pidfile::format_stamp(*stamp) == text);
    }
}

TEST_CASE("fuzz: sizes") {
    Gen g(4);
    for (int i = 0; i < 100000; ++i) {
        auto size = capture::parse_size(g.text(size_pieces, 6));
        if (size) REQUIRE(*size > 0);
    }
}

TEST_CASE("fuzz: the framer keeps every byte, whatever the chunks") {
    Gen g(5);
    for (int i = 0; i < 100000; ++i) {
        std::string input = g.text(notify_pieces, 30);
        capture::Framer f(1 + g.below(20));
        std::string seen;
        auto emit = [&](std::string_view t, bool whole) {
            if (whole) REQUIRE(!t.empty());
            if (whole) REQUIRE(t.back() == '\n');
            seen += t;
        };
        for (size_t at = 0; at < input.size();) {
            size_t n = 1 + g.below(8);
            f.feed(std::string_view(input).substr(at, n), 0, emit);
            at += n;
        }
        f.flush(emit);
        REQUIRE(seen == input);
    }
}

// A CLI11 parse of ~60 options costs ~0.2 ms, 30 times that under ASan:
// there the same generator runs a fifth of the inputs (CI's time limit).
#if defined(__SANITIZE_ADDRESS__)
constexpr int command_lines = 10000;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int command_lines = 10000;
#else
constexpr int command_lines = 50000;
#endif
#else
constexpr int command_lines = 50000;
#endif

TEST_CASE("fuzz: command lines") {
    Gen g(6);
    for (int i = 0; i < command_lines; ++i) {
        std::vector<std::string> argv{"daemonize"};
        size_t n = g.below(8);
        for (size_t k = 0; k < n; ++k) argv.push_back(g.below(8) == 0 ? g.text(words, 2) : words[g.below(static_cast<std::uint32_t>(words.size()))]);
        auto cmd = parse_cli(argv);
        if (cmd && cmd->action == Action::run && cmd->options.verb == Verb::start) REQUIRE(!cmd->options.command.empty());
        if (!cmd) REQUIRE(!cmd.error().what.empty());
    }
}

namespace {

// A directory holding one of every kind of file a pidfile path can name.
struct Zoo {
    std::string dir;
    std::vector<std::string> names{"ok.pid", "empty.pid", "gw.pid", "ow.pid", "hl.pid", "hl2.pid", "fifo.pid",
        "sock.pid", "dir.pid", "chr.pid", "link.pid", "dangling.pid", "loop.pid", "other.pid", "sub", "dirlink",
        "missing.pid", "..", ".", "", "sub/inner.pid"};
    Zoo() {
        char tmpl[] = "/tmp/fuzz-pidfiles.XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        REQUIRE(::chmod(dir.c_str(), 0755) == 0);
        put("ok.pid", "12345\n", 0644);
        put("empty.pid", "", 0644);
        put("gw.pid", "12345\n", 0664);
        put("ow.pid", "12345\n", 0646);
        put("hl.pid", "12345\n", 0644);
        REQUIRE(::link(at("hl.pid").c_str(), at("hl2.pid").c_str()) == 0);
        REQUIRE(::mkfifo(at("fifo.pid").c_str(), 0644) == 0);
        REQUIRE(::mkdir(at("dir.pid").c_str(), 0755) == 0);
        REQUIRE(::mkdir(at("sub").c_str(), 0755) == 0);
        put("sub/inner.pid", "12345\n", 0644);
        REQUIRE(::symlink("ok.pid", at("link.pid").c_str()) == 0);
        REQUIRE(::symlink("nowhere", at("dangling.pid").c_str()) == 0);
        REQUIRE(::symlink("loop.pid", at("loop.pid").c_str()) == 0);
        REQUIRE(::symlink("sub", at("dirlink").c_str()) == 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::string sock = at("sock.pid");
        REQUIRE(sock.size() < sizeof addr.sun_path);
        std::memcpy(addr.sun_path, sock.c_str(), sock.size());
        socket_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(::bind(socket_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        if (::geteuid() == 0) {
            REQUIRE(::mknod(at("chr.pid").c_str(), S_IFCHR | 0644, ::makedev(1, 3)) == 0);
            put("other.pid", "12345\n", 0644);
            REQUIRE(::chown(at("other.pid").c_str(), 65534, 65534) == 0);
        }
        snapshot_ = snapshot();
    }
    ~Zoo() {
        ::close(socket_);
        std::string rm = "rm -rf " + dir;
        CHECK(std::system(rm.c_str()) == 0);
    }
    std::string at(const std::string& name) const { return dir + "/" + name; }
    void put(const std::string& name, const std::string& text, mode_t mode) const {
        int fd = ::open(at(name).c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        REQUIRE(::fchmod(fd, mode) == 0);
        ::close(fd);
    }
    // Every entry's type, size, mode and link count.
    std::string snapshot() const {
        std::string all;
        for (const auto& name : names) {
            struct stat st {};
            if (::lstat(at(name).c_str(), &st) == -1) continue;
            // The parent's link count moves with any directory others
            // create beside the zoo (in /tmp): not ours to watch.
            const std::string links = name == ".." ? "-" : std::to_string(st.st_nlink);
            all += name + ":" + std::to_string(st.st_mode) + ":" + links + ":" +
                   (S_ISDIR(st.st_mode) ? "" : std::to_string(st.st_size)) + ";";
        }
        return all;
    }
    std::string snapshot_;
    int socket_ = -1;
};

// What the pidfile rules accept, by looking at the opened file.
void check_accepted(int fd) {
    struct stat st {};
    REQUIRE(::fstat(fd, &st) == 0);
    REQUIRE(S_ISREG(st.st_mode));
    REQUIRE(st.st_nlink == 1);
    REQUIRE((st.st_mode & (S_IWGRP | S_IWOTH)) == 0);
    REQUIRE((st.st_uid == 0 || st.st_uid == ::geteuid()));
}

}  // namespace

// Paths made of every kind of file (FIFOs, sockets, devices, links, hard
// links, directories, foreign and group-writable files): no verb ever
// hangs, accepts what the pidfile rules refuse, or changes the zoo.
TEST_CASE("fuzz: pidfile paths of every file type") {
    Zoo zoo;
    Gen g(7);
    const auto actor = sys::fs::Actor::current();
    for (int i = 0; i < 20000; ++i) {
        std::string path = zoo.dir;
        size_t n = 1 + g.below(3);
        for (size_t k = 0; k < n; ++k) path += "/" + zoo.names[g.below(static_cast<std::uint32_t>(zoo.names.size()))];
        auto read = sys::fs::open_pidfile(path, false, actor);
        if (read) check_accepted(read->fd.get());
        auto looked = control::look_up(path);
        REQUIRE((looked.state == control::PidState::missing) == (!read && read.error().err == ENOENT));
        auto locked = pidfile::acquire(path, actor);
        if (locked) {
            check_accepted(locked->fd.get());
            if (locked->created) pidfile::remove(*locked, actor);
        }
        REQUIRE(zoo.snapshot() == zoo.snapshot_);
    }
    // The named cases, once each.
    for (const char* refused : {"gw.pid", "ow.pid", "hl.pid", "fifo.pid", "sock.pid", "dir.pid", "link.pid",
                                "dangling.pid", "loop.pid"}) {
        CAPTURE(refused);
        CHECK_FALSE(sys::fs::open_pidfile(zoo.at(refused), true, actor));
        CHECK(control::look_up(zoo.at(refused)).state == control::PidState::unreadable);
    }
    if (::geteuid() == 0) {
        CHECK_FALSE(sys::fs::open_pidfile(zoo.at("chr.pid"), true, actor));
        CHECK_FALSE(sys::fs::open_pidfile(zoo.at("other.pid"), true, actor));
    }
    CHECK(sys::fs::open_pidfile(zoo.at("ok.pid"), true, actor));
    CHECK(sys::fs::open_pidfile(zoo.at("dirlink/inner.pid"), true, actor));
    CHECK(zoo.snapshot() == zoo.snapshot_);
}
