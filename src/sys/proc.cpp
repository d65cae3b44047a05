// /proc parsing.
#include "proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
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

std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> found;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) return found;
    while (const dirent* e = ::readdir(proc)) {
        auto pid = parse_unsigned<unsigned long>(e->d_name, static_cast<unsigned long>(max_pid));
        if (!pid) continue;
        auto st = read_proc_stat(static_cast<pid_t>(*pid));
        if (st && st->ppid == parent) found.push_back(static_cast<pid_t>(*pid));
    }
    ::closedir(proc);
    return found;
}

}  // namespace daemonize::sys
