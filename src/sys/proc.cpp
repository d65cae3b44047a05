// /proc parsing.
#include "proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

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
    auto close = text.rfind(')');
    if (close == std::string_view::npos || close + 2 >= text.size()) return std::nullopt;
    std::string_view rest = text.substr(close + 2);  // "S 1 2 ..." starting at field 3
    ProcStat st;
    st.state = rest.front();
    if (rest.size() < 3 || rest[1] != ' ') return std::nullopt;
    long ppid = 0;
    size_t at = 2;
    for (; at < rest.size() && rest[at] >= '0' && rest[at] <= '9' && ppid <= max_pid; ++at) ppid = ppid * 10 + (rest[at] - '0');
    if (at == 2 || ppid > max_pid) return std::nullopt;
    st.ppid = static_cast<pid_t>(ppid);
    // Field 22 is the 20th field after the state's field 3.
    size_t pos = 0;
    for (int field = 3; field < 22; ++field) {
        pos = rest.find(' ', pos);
        if (pos == std::string_view::npos) return std::nullopt;
        ++pos;
    }
    unsigned long long ticks = 0;
    bool any = false;
    for (; pos < rest.size() && rest[pos] >= '0' && rest[pos] <= '9'; ++pos) {
        ticks = ticks * 10 + static_cast<unsigned>(rest[pos] - '0');
        any = true;
    }
    if (!any) return std::nullopt;
    st.start_ticks = ticks;
    return st;
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
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        auto st = read_proc_stat(static_cast<pid_t>(pid));
        if (st && st->ppid == parent) found.push_back(static_cast<pid_t>(pid));
    }
    ::closedir(proc);
    return found;
}

}  // namespace daemonize::sys
