// Generated-input fuzzing of every parser that reads outside data: pidfiles,
// /proc/PID/stat, sd_notify datagrams, sizes, the line framer, and the
// command line. 10^6 inputs in all; run under ASan/UBSan by CI. (A
// deterministic generator, so a failure reproduces; libFuzzer would need
// clang, which the CI machine does not have.)
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "capture.hpp"
#include "cli.hpp"
#include "notify.hpp"
#include "pidfile.hpp"

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
            REQUIRE(*pid >= 2);
            REQUIRE(*pid <= pidfile::max_pid);
            REQUIRE(std::to_string(*pid) + "\n" == (s.back() == '\n' ? s : s + "\n"));
        }
    }
}

TEST_CASE("fuzz: parse_proc_stat") {
    Gen g(2);
    for (int i = 0; i < 200000; ++i) {
        std::string s = g.text(stat_pieces, 40);
        auto st = pidfile::parse_proc_stat(s);
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

TEST_CASE("fuzz: command lines") {
    Gen g(6);
    for (int i = 0; i < 50000; ++i) {
        std::vector<std::string> argv{"daemonize"};
        size_t n = g.below(8);
        for (size_t k = 0; k < n; ++k) argv.push_back(g.below(8) == 0 ? g.text(words, 2) : words[g.below(static_cast<std::uint32_t>(words.size()))]);
        auto cmd = parse_cli(argv);
        if (cmd && cmd->action == Action::run && cmd->options.verb == Verb::start) REQUIRE(!cmd->options.command.empty());
        if (!cmd) REQUIRE(!cmd.error().what.empty());
    }
}
