// /proc parsing.
#include "proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <string>

#include "../number.hpp"
#include "posix.hpp"

namespace daemonize::sys {
namespace {

// /proc/PID/stat is well under 1 KiB.
std::optional<std::string> read_small_file(const std::string& path) {
    auto fd = open_cloexec(path, O_RDONLY);
    if (!fd) return std::nullopt;
    char buf[1024];
    ssize_t n = retry_eintr([&] { return ::read(fd->get(), buf, sizeof buf); });
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
    // The comm field (2) is in parentheses and may hold anything, ')' too:
    // the fields after it start after the last ')'.
    auto close = text.rfind(')');
    if (close == std::string_view::npos || close + 2 >= text.size() || text[close + 1] != ' ') return std::nullopt;
    std::string_view rest = text.substr(close + 2);
    auto field = [&rest](int n) -> std::string_view {  // n counts from field 3
        std::string_view f = rest;
        for (int i = 3; i < n; ++i) {
            auto space = f.find(' ');
            if (space == std::string_view::npos) return {};
            f.remove_prefix(space + 1);
        }
        return f.substr(0, f.find_first_of(" \n"));
    };
    std::string_view state = field(3);
    auto ppid = parse_unsigned<unsigned long>(field(4), static_cast<unsigned long>(max_pid));
    auto start = parse_unsigned<unsigned long long>(field(22));
    if (state.size() != 1 || !ppid || !start) return std::nullopt;
    return ProcStat{state.front(), static_cast<pid_t>(*ppid), *start};
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
    auto text = read_small_file("/proc/" + std::to_string(pid) + "/stat");
    if (!text) return std::nullopt;
    return parse_proc_stat(*text);
}

namespace {

struct Entry {
    pid_t pid;
    ProcStat stat;
};

// One pass over /proc.
std::vector<Entry> scan() {
    std::vector<Entry> all;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return all;
    while (const dirent* e = ::readdir(proc)) {
        auto pid = parse_unsigned<unsigned long>(e->d_name, static_cast<unsigned long>(max_pid));
        if (!pid) continue;
        if (auto st = read_proc_stat(static_cast<pid_t>(*pid))) all.push_back({static_cast<pid_t>(*pid), *st});
    }
    ::closedir(proc);
    return all;
}

}  // namespace

std::vector<std::string> read_cmdline(pid_t pid) {
    std::vector<std::string> args;
    auto fd = open_cloexec("/proc/" + std::to_string(pid) + "/cmdline", O_RDONLY);
    if (!fd) return args;
    std::string all;
    char buf[4096];
    for (;;) {
        ssize_t n = retry_eintr([&] { return ::read(fd->get(), buf, sizeof buf); });
        if (n <= 0) break;
        all.append(buf, static_cast<size_t>(n));
    }
    for (size_t at = 0; at < all.size();) {
        size_t end = all.find('\0', at);
        if (end == std::string::npos) end = all.size();
        args.emplace_back(all, at, end - at);
        at = end + 1;
    }
    return args;
}

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> found;
    for (const auto& e : scan()) {
        if (e.stat.ppid == parent) found.push_back(e.pid);
    }
    return found;
}

std::vector<pid_t> descendants_of(pid_t root) {
    auto all = scan();
    std::vector<pid_t> found;
    std::vector<pid_t> parents{root};
    while (!parents.empty()) {
        pid_t parent = parents.back();
        parents.pop_back();
        for (const auto& e : all) {
            if (e.stat.ppid != parent) continue;
            parents.push_back(e.pid);
            if (e.stat.state != 'Z' && e.stat.state != 'X') found.push_back(e.pid);
        }
    }
    return found;
}

// SIGKILL to `root` and everything below it. A supervisor is a subreaper,
// so its descendants are the whole service, orphans of earlier runs too.
// It is frozen first (SIGSTOP) so that it starts nothing meanwhile and the
// orphans of what is killed stay below it; each process is checked to still
// descend from it once its pidfd is open, so a reused PID is never hit.
void kill_tree(pid_t root, int root_fd) {
    (void)pidfd_send_signal(root_fd, SIGSTOP);
    for (int round = 0; round < 100; ++round) {
        auto below = descendants_of(root);
        if (below.empty()) break;
        for (pid_t pid : below) {
            UniqueFd fd{pidfd_open(pid)};
            if (fd.valid() && lineage(pid, root) == Lineage::descendant)
                (void)pidfd_send_signal(fd.get(), SIGKILL);
        }
        timespec pause{0, 2 * 1000 * 1000};  // they take a moment to die
        ::nanosleep(&pause, nullptr);
    }
    (void)pidfd_send_signal(root_fd, SIGKILL);
}

Lineage lineage(pid_t pid, pid_t ancestor) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        pid_t p = pid;
        bool broken = false;
        // The depth bound only guards against a ppid cycle seen mid-update.
        for (int depth = 0; depth < 4096 && !broken; ++depth) {
            if (p == ancestor) return Lineage::descendant;
            if (p <= 1) return Lineage::stranger;
            auto st = read_proc_stat(p);
            if (!st) {
                if (p == pid) return Lineage::gone;
                broken = true;
            } else {
                p = st->ppid;
            }
        }
        if (!broken) return Lineage::stranger;
    }
    return Lineage::stranger;
}

}  // namespace daemonize::sys
