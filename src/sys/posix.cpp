// Checked syscall wrappers.
#include "posix.hpp"

#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>

namespace daemonize::sys {

std::int64_t monotonic_ms() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Result<UniqueFd> open_cloexec(const std::string& path, int flags, mode_t mode) {
    int fd = retry_eintr([&] { return ::open(path.c_str(), flags | O_CLOEXEC, mode); });
    if (fd == -1) return sys_error("open " + path);
    return UniqueFd{fd};
}

Result<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == -1) return sys_error("pipe");
    return Pipe{UniqueFd{fds[0]}, UniqueFd{fds[1]}};
}

Result<struct stat> fstat_fd(int fd, const std::string& what) {
    struct stat st {};
    if (::fstat(fd, &st) == -1) return sys_error("stat " + what);
    return st;
}

Result<int> wait_pid(pid_t pid) {
    int status = 0;
    if (retry_eintr([&] { return ::waitpid(pid, &status, 0); }) == -1)
        return sys_error("waitpid " + std::to_string(pid));
    return status;
}

Result<size_t> read_full(int fd, void* buf, size_t len) {
    auto* p = static_cast<char*>(buf);
    size_t done = 0;
    while (done < len) {
        ssize_t n = retry_eintr([&] { return ::read(fd, p + done, len - done); });
        if (n == -1) return sys_error("read");
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    return done;
}

Status write_all(int fd, const void* buf, size_t len) {
    const auto* p = static_cast<const char*>(buf);
    while (len > 0) {
        ssize_t n = retry_eintr([&] { return ::write(fd, p, len); });
        if (n == -1) return sys_error("write");
        p += n;
        len -= static_cast<size_t>(n);
    }
    return Ok{};
}

Result<std::string> current_dir() {
    char buf[PATH_MAX];
    if (::getcwd(buf, sizeof buf) == nullptr) return sys_error("cannot determine the current directory");
    return std::string(buf);
}

int pidfd_open(pid_t pid) noexcept { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

int pidfd_send_signal(int pidfd, int sig) noexcept {
    return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

Status ensure_stdio_open() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        // open() returns the lowest free fd, which is `fd` itself here.
        int got = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (got == -1) return sys_error("open /dev/null");
        if (got != fd) {
            ::close(got);
            return usage_error("cannot reopen standard descriptor " + std::to_string(fd));
        }
    }
    return Ok{};
}

void drop_program_pages() noexcept {
    // The first object dl_iterate_phdr() reports is the program itself.
    ::dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void*) -> int {
            const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const ElfW(Phdr)& ph = info->dlpi_phdr[i];
                // Writable segments hold data; only whole pages of the rest.
                if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) != 0) continue;
                std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
                std::uintptr_t end = start + ph.p_memsz;
                start = (start + page - 1) & ~(page - 1);
                end &= ~(page - 1);
                if (end > start) (void)::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
            }
            return 1;
        },
        nullptr);
}

}  // namespace daemonize::sys
