// Pidfile rules of SPEC.md section 4.
#include "pidfile.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "number.hpp"
#include "sys/posix.hpp"
#include "sys/proc.hpp"

namespace daemonize::pidfile {
namespace {

// The extended attributes that may hold a pidfile's stamp, in order.
constexpr const char* stamp_names[] = {"user.daemonize.start", "trusted.daemonize.start"};

// How long a start waits for another start that holds the lock but has not
// written a live PID yet (it normally releases within milliseconds).
constexpr int lock_wait_seconds = 10;

std::optional<std::string> read_small_file(int fd) {
    char buf[1024];
    ssize_t n = sys::retry_eintr([&] { return ::pread(fd, buf, sizeof buf, 0); });
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
}

std::optional<time_t> boot_time() {
    // /proc/stat is long and btime sits near its end: read it all.
    auto fd = sys::open_cloexec("/proc/stat", O_RDONLY);
    if (!fd) return std::nullopt;
    std::string all;
    char buf[4096];
    for (;;) {
        ssize_t n = sys::retry_eintr([&] { return ::read(fd->get(), buf, sizeof buf); });
        if (n <= 0) break;
        all.append(buf, static_cast<size_t>(n));
    }
    auto at = all.find("\nbtime ");
    if (at == std::string::npos) return std::nullopt;
    std::string_view rest = std::string_view(all).substr(at + 7);
    auto btime = parse_unsigned<unsigned long long>(rest.substr(0, rest.find('\n')));
    if (!btime) return std::nullopt;
    return static_cast<time_t>(*btime);
}

Error already_running(pid_t pid) {
    return Error{ExitCode::not_running_or_busy, "already running as PID " + std::to_string(pid), 0};
}

std::optional<pid_t> live_pid_in(int fd) {
    auto text = read_small_file(fd);
    if (!text) return std::nullopt;
    auto pid = parse_pid(*text);
    if (pid && is_alive(*pid, written(fd))) return pid;
    return std::nullopt;
}

// Some other start holds the lock: wait for it, a bounded time (a holder
// may be stuck), unless the file meanwhile names a live process: then that
// one is running. flock() cannot be polled and a timer signal could be
// blocked by whoever started us, so: retry LOCK_NB every few milliseconds.
Status wait_for_lock(int fd, const std::string& path) {
    const std::int64_t deadline = sys::monotonic_ms() + lock_wait_seconds * 1000;
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return Ok{};
        if (errno != EWOULDBLOCK && errno != EINTR) return sys_error("lock pidfile " + path);
        if (auto pid = live_pid_in(fd)) return already_running(*pid);
        if (sys::monotonic_ms() >= deadline)
            return Error{ExitCode::not_running_or_busy,
                         "pidfile " + path + " is locked by another process that has not written its PID", 0};
        timespec pause{0, 5 * 1000 * 1000};
        ::nanosleep(&pause, nullptr);
    }
}

Result<Locked> open_file(const std::string& path, const sys::fs::Actor& actor) {
    auto file = sys::fs::open_pidfile(path, true, actor);
    if (!file) return std::move(file).error();
    return Locked{std::move(file->fd), path, file->created, file->id};
}

}  // namespace

std::optional<pid_t> parse_pid(std::string_view content) {
    if (!content.empty() && content.back() == '\n') content.remove_suffix(1);
    if (!content.empty() && content.front() == '0') return std::nullopt;
    auto value = parse_unsigned<unsigned long>(content, static_cast<unsigned long>(sys::max_pid));
    if (!value || *value < 1) return std::nullopt;
    return static_cast<pid_t>(*value);
}

bool started_no_later_than(unsigned long long start_ticks, long ticks_per_second, time_t boot_time,
                           const timespec& written) {
    if (ticks_per_second <= 0) return true;
    // Compare in ticks to avoid floating point.
    auto start = static_cast<long long>(boot_time) * ticks_per_second + static_cast<long long>(start_ticks);
    auto limit = (static_cast<long long>(written.tv_sec) + 1) * ticks_per_second +
                 static_cast<long long>(written.tv_nsec) * ticks_per_second / 1000000000LL;
    return start <= limit;
}

std::string format_stamp(const Stamp& st) {
    return st.boot_id + " " + std::to_string(st.pid) + " " + std::to_string(st.start_ticks);
}

std::optional<Stamp> parse_stamp(std::string_view text) {
    auto first = text.find(' ');
    auto second = first == std::string_view::npos ? first : text.find(' ', first + 1);
    if (second == std::string_view::npos || first == 0 || first > 64) return std::nullopt;
    std::string_view boot = text.substr(0, first);
    if (boot.find_first_not_of("0123456789abcdef-") != std::string_view::npos) return std::nullopt;
    auto pid = parse_unsigned<unsigned long>(text.substr(first + 1, second - first - 1),
                                             static_cast<unsigned long>(sys::max_pid));
    auto ticks = parse_unsigned<unsigned long long>(text.substr(second + 1));
    if (!pid || *pid < 1 || !ticks) return std::nullopt;
    return Stamp{std::string(boot), static_cast<pid_t>(*pid), *ticks};
}

Written written(int fd) {
    Written w;
    struct stat st {};
    if (::fstat(fd, &st) == 0) w.mtime = st.st_mtim;
    char value[128];
    for (const char* name : stamp_names) {
        ssize_t n = ::fgetxattr(fd, name, value, sizeof value);
        if (n <= 0) continue;
        w.stamp = parse_stamp(std::string_view(value, static_cast<size_t>(n)));
        break;
    }
    return w;
}

std::string boot_id() {
    auto fd = sys::open_cloexec("/proc/sys/kernel/random/boot_id", O_RDONLY);
    if (!fd) return {};
    auto text = read_small_file(fd->get());
    if (!text) return {};
    while (!text->empty() && text->back() == '\n') text->pop_back();
    return *text;
}

namespace {

// Sets the stamp in the first namespace that takes it: user.* (most file
// systems; tmpfs since Linux 6.6), else trusted.* (root only, any tmpfs);
// failing both, no stale stamp may stay behind.
void clear_stamp(int fd) noexcept {
    for (const char* name : stamp_names) (void)::fremovexattr(fd, name);
}

void set_stamp(int fd, const char* value, size_t len) noexcept {
    for (const char* name : stamp_names) {
        if (::fsetxattr(fd, name, value, len, 0) == 0) return;
    }
    clear_stamp(fd);
}

// Appends the decimal `v` at `p`; returns the end.
char* put_number(char* p, unsigned long long v) noexcept {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) *p++ = digits[--n];
    return p;
}

}  // namespace

void stamp(int fd, pid_t pid, const std::string& boot) {
    auto st = sys::read_proc_stat(pid);
    if (!st || boot.empty()) {
        clear_stamp(fd);  // nothing to say: at least no stale stamp
        return;
    }
    std::string value = format_stamp(Stamp{boot, pid, st->start_ticks});
    set_stamp(fd, value.data(), value.size());
}

void stamp_self(int fd, const char* boot) noexcept {
    char buf[1024];
    int proc = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = proc == -1 ? -1 : ::read(proc, buf, sizeof buf);
    if (proc != -1) ::close(proc);
    auto st = n > 0 ? sys::parse_proc_stat(std::string_view(buf, static_cast<size_t>(n))) : std::nullopt;
    size_t boot_len = std::strlen(boot);
    if (!st || boot_len == 0 || boot_len > 64) {
        clear_stamp(fd);
        return;
    }
    char value[128];
    char* p = value;
    std::memcpy(p, boot, boot_len);
    p += boot_len;
    *p++ = ' ';
    p = put_number(p, static_cast<unsigned long long>(::getpid()));
    *p++ = ' ';
    p = put_number(p, st->start_ticks);
    set_stamp(fd, value, static_cast<size_t>(p - value));
}

bool is_alive(pid_t pid, const Written& w) {
    auto st = sys::read_proc_stat(pid);
    if (!st || st->state == 'Z' || st->state == 'X' || st->state == 'x') return false;
    if (w.stamp && w.stamp->pid == pid) {
        // Another boot: whatever runs with this PID now is not it.
        return w.stamp->boot_id == boot_id() && w.stamp->start_ticks == st->start_ticks;
    }
    // PID 1 is a daemonize that is a container's init (-f), and then its
    // pidfile is stamped; unstamped, "1" is init itself, never ours.
    if (pid == 1) return false;
    auto boot = boot_time();
    // Without a boot time we cannot tell reuse apart; err on "alive".
    if (!boot) return true;
    return started_no_later_than(st->start_ticks, ::sysconf(_SC_CLK_TCK), *boot, w.mtime);
}

Result<Locked> acquire(const std::string& path, const sys::fs::Actor& actor) {
    // Each round follows a start that removed or replaced the file; more
    // than a few in a row means someone keeps doing it.
    for (int round = 0; round < 100; ++round) {
        auto file = open_file(path, actor);
        if (!file) return file.error();
        int fd = file->fd.get();
        if (auto locked = wait_for_lock(fd, path); !locked) return locked.error();
        // The file we locked may have been removed (a failed start unlinks
        // it) or replaced while we waited; then the lock means nothing.
        if (!sys::fs::names(path, file->id, actor)) continue;
        if (auto pid = live_pid_in(fd)) return already_running(*pid);
        return file;
    }
    return usage_error("pidfile " + path + " keeps being removed or replaced while daemonize locks it");
}

void remove(Locked& file, const sys::fs::Actor& actor) {
    if (file.fd.valid()) sys::fs::unlink_if(file.path, file.id, actor);
    file.fd.reset();
}

int write_pid(int fd, pid_t pid) noexcept {
    char buf[16];
    char* end = buf + sizeof buf;
    char* p = end;
    *--p = '\n';
    auto v = static_cast<unsigned long>(pid);
    do {
        *--p = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    auto len = static_cast<size_t>(end - p);
    if (::ftruncate(fd, 0) == -1) return errno;
    ssize_t n = ::pwrite(fd, p, len, 0);
    if (n == -1) return errno;
    if (static_cast<size_t>(n) != len) return EIO;
    return 0;
}

}  // namespace daemonize::pidfile
