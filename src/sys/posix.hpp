// Thin, checked wrappers around the syscalls daemonize uses outside fork/exec.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "../error.hpp"
#include "fd.hpp"

namespace daemonize::sys {

/// open(2) with O_CLOEXEC added; the error names `what` and `path`.
[[nodiscard]] Result<UniqueFd> open_cloexec(const std::string& path, int flags, mode_t mode = 0);
/// pipe2(O_CLOEXEC).
[[nodiscard]] Result<Pipe> make_pipe();
/// fstat(2).
[[nodiscard]] Result<struct stat> fstat_fd(int fd, const std::string& what);
/// waitpid(2), retried on EINTR; returns the wait status.
[[nodiscard]] Result<int> wait_pid(pid_t pid);
/// read(2) until `len` bytes or EOF, retried on EINTR; returns bytes read.
[[nodiscard]] Result<size_t> read_full(int fd, void* buf, size_t len);
/// write(2) all of `len` bytes, retried on EINTR and short writes.
[[nodiscard]] Status write_all(int fd, const void* buf, size_t len);
/// The caller's working directory.
[[nodiscard]] Result<std::string> current_dir();
/// Make sure fds 0, 1 and 2 are open (on /dev/null if not), so that no file
/// daemonize opens later can land on them and be mistaken for stdio.
[[nodiscard]] Status ensure_stdio_open();

/// CLOCK_MONOTONIC in milliseconds.
[[nodiscard]] std::int64_t monotonic_ms() noexcept;

/// pidfd_open(2): -1 with errno on failure. (glibc 2.36's <sys/pidfd.h>
/// lacks extern "C", so these go through syscall(2).)
[[nodiscard]] int pidfd_open(pid_t pid) noexcept;
/// pidfd_send_signal(2): 0, or -1 with errno.
[[nodiscard]] int pidfd_send_signal(int pidfd, int sig) noexcept;

/// Run `f` until it does not fail with EINTR.
template <typename F>
auto retry_eintr(F f) {
    decltype(f()) r;
    do {
        r = f();
    } while (r == -1 && errno == EINTR);
    return r;
}

/// Drops the pages of the program's own read-only segments (its code and
/// constants) from this process's page tables: a resident supervisor then
/// keeps mapped only what its loop touches again, and the rest (parsing,
/// planning) stops counting in its RSS. Used pages come back from the page
/// cache, without I/O. Best effort.
void drop_program_pages() noexcept;

}  // namespace daemonize::sys
