// Child side of the launch: runs after fork, so it only makes syscalls on
// data prepared by the caller, and leaves with _exit().
#include "spawn.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <csignal>

#include "pidfile.hpp"

namespace daemonize {
namespace {

// `n` in decimal and a NUL at `out` (room for 21 bytes); async-signal-safe.
void write_decimal(char* out, pid_t n) noexcept {
    char digits[24];
    int len = 0;
    auto v = static_cast<unsigned long>(n);
    do {
        digits[len++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (len > 0) *out++ = digits[--len];
    *out = '\0';
}

// The --listen sockets on 3, 4, ... become the command's (systemd's socket
// activation protocol); its LISTEN_PID names the process about to exec.
int pass_sockets(const LaunchPlan& plan, char* listen_pid) noexcept {
    for (int fd = 3; fd < 3 + plan.listen_count; ++fd) {
        if (::fcntl(fd, F_SETFD, 0) == -1) return errno;
    }
    if (listen_pid != nullptr) write_decimal(listen_pid, ::getpid());
    return 0;
}

[[noreturn]] void fail(int report_fd, Stage stage, int err) noexcept {
    send_report(report_fd, stage, err);
    _exit(125);
}

int redirect_stdio(const LaunchPlan& plan) noexcept {
    // The sources are all >= 3 (the caller made sure 0-2 were open before
    // opening them), so no dup2 below can clobber a later source.
    const std::array<int, 3> from{plan.in_fd, plan.out_fd, plan.err_fd};
    for (int target = 0; target < 3; ++target) {
        int fd = from[static_cast<size_t>(target)];
        if (fd >= 0 && ::dup2(fd, target) == -1) return errno;
    }
    return 0;
}

// close_range over the gaps between the fds we still need until exec (all
// close-on-exec, so the command ends up with exactly 0, 1 and 2, and the
// --ready-fd if asked for).
int close_other_fds(std::array<int, 4> keep, int listen_count) noexcept {
    std::sort(keep.begin(), keep.end());
    unsigned first = 3 + static_cast<unsigned>(listen_count);  // the --listen sockets stay
    for (int k : keep) {
        if (k < static_cast<int>(first)) continue;
        if (static_cast<unsigned>(k) > first && ::close_range(first, static_cast<unsigned>(k) - 1, 0) == -1) return errno;
        first = static_cast<unsigned>(k) + 1;
    }
    if (::close_range(first, UINT_MAX, 0) == -1) return errno;
    return 0;
}

// glibc refuses sigaction() on the two real-time signals it keeps for
// itself (EINVAL), yet a parent may have ignored them (GNU make does, under
// dpkg-buildpackage), and that survives execve. The kernel takes an all-zero
// struct sigaction as SIG_DFL, no flags, empty mask, whatever the order of
// its fields on this architecture; its sigset is 8 bytes (16 on MIPS).
int reset_raw(int sig) noexcept {
    alignas(16) unsigned char zero[128] = {};
    for (size_t setsize : {size_t{8}, size_t{16}}) {
        if (::syscall(SYS_rt_sigaction, sig, zero, nullptr, setsize) == 0) return 0;
        if (errno != EINVAL) return errno;
    }
    return EINVAL;
}

// An ignored signal stays ignored across execve, and the mask is inherited:
// both would silently change how the command behaves (FreeBSD daemon(8) and
// tini reset them for the same reason).
// The dispositions first: a vforked daemon starts with every signal
// blocked, and none may reach a handler of the caller's once unblocked.
int reset_signals() noexcept {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        if (::sigaction(sig, &dfl, nullptr) == 0) continue;
        if (errno != EINVAL) return errno;
        if (int err = reset_raw(sig)) return err;
    }
    sigset_t none;
    sigemptyset(&none);
    if (::sigprocmask(SIG_SETMASK, &none, nullptr) == -1) return errno;
    return 0;
}

// Puts `src` on fd `target`, inheritable. Any of `keep` sitting on `target`
// is moved out of the way first: it is still needed until execve.
int install_fd(int src, int target, int& keep_a, int& keep_b) noexcept {
    for (int* keep : {&keep_a, &keep_b}) {
        if (*keep != target) continue;
        int moved = ::fcntl(*keep, F_DUPFD_CLOEXEC, target + 1);
        if (moved == -1) return errno;
        *keep = moved;
    }
    if (src == target) return ::fcntl(target, F_SETFD, 0) == -1 ? errno : 0;
    return ::dup2(src, target) == -1 ? errno : 0;
}

[[noreturn]] void fail_step(int report_fd, const sys::StepFailure& f) noexcept {
    send_report(report_fd, Report{Stage::process, f.err, static_cast<std::int32_t>(f.step), f.index, 0});
    _exit(125);
}

// setgroups → setgid → setuid (any other order fails or leaves root's groups),
// then prove root cannot come back.
void drop_identity(const Identity& id, int report_fd) noexcept {
    if (!id.switch_ids) return;
    if (::setgroups(id.groups.size(), id.groups.data()) == -1) fail(report_fd, Stage::setgroups, errno);
    if (::setgid(id.gid) == -1) fail(report_fd, Stage::setgid, errno);
    if (!id.set_user) return;
    if (::setuid(id.uid) == -1) fail(report_fd, Stage::setuid, errno);
    if (id.uid != 0 && (::setuid(0) != -1 || ::geteuid() != id.uid || ::getegid() != id.gid))
        fail(report_fd, Stage::regain_root, EPERM);
}

}  // namespace

void LaunchPlan::seal() {
    argv.clear();
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    envp.clear();
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
}

void send_report(int fd, const Report& r) noexcept {
    // A pipe write of this size is atomic; if the caller is gone, so be it.
    [[maybe_unused]] auto n = ::write(fd, &r, sizeof r);
}

void send_report(int fd, Stage stage, std::int32_t value) noexcept { send_report(fd, Report{stage, value, 0, 0, 0}); }

// Everything of SPEC.md section 5 that changes the process, in its order:
// the settings that need privileges, chroot, the identity, then what is
// left of privileges.
void confine(const LaunchPlan& plan, int report_fd) noexcept {
    if (auto f = sys::apply_attributes(plan.process)) fail_step(report_fd, *f);
    if (auto f = sys::before_identity(plan.process)) fail_step(report_fd, *f);
    if (plan.identity) drop_identity(*plan.identity, report_fd);
    if (auto f = sys::after_identity(plan.process)) fail_step(report_fd, *f);
}

std::optional<Report> prepare_process(const LaunchPlan& plan, int keep_fd) noexcept {
    if (plan.umask >= 0) ::umask(static_cast<mode_t>(plan.umask));
    if (!plan.chdir.empty() && ::chdir(plan.chdir.c_str()) == -1) return Report{Stage::chdir, errno};
    if (int err = redirect_stdio(plan)) return Report{Stage::stdio, err};
    if (int err = close_other_fds({keep_fd, plan.pidfile_fd, plan.ready_src, plan.process.root_fd}, plan.listen_count))
        return Report{Stage::close_fds, err};
    if (int err = reset_signals()) return Report{Stage::signals, err};
    return std::nullopt;
}

// tini does the same: a background group reading the terminal would stop.
void take_terminal() noexcept {
    ::signal(SIGTTOU, SIG_IGN);
    if (::isatty(STDIN_FILENO)) (void)::tcsetpgrp(STDIN_FILENO, ::getpgrp());
}

void exec_instance(const LaunchPlan& plan, char* const* envp, pid_t supervisor, InstanceFds fds, PidSlot slot,
                   int report_fd) noexcept {
    // stdio first: the --ready-fd may land on the fd a log pipe is on now.
    if (fds.out >= 0 && ::dup2(fds.out, STDOUT_FILENO) == -1) fail(report_fd, Stage::stdio, errno);
    if (fds.err >= 0 && ::dup2(fds.err, STDERR_FILENO) == -1) fail(report_fd, Stage::stdio, errno);
    if (fds.ready >= 0) {
        int unused = -1;
        if (int err = install_fd(fds.ready, plan.ready_fd, report_fd, unused)) fail(report_fd, Stage::ready_fd, err);
    }
    // Its own group, so that stopping it can also stop whatever it spawned.
    if (::setpgid(0, 0) == -1) fail(report_fd, Stage::setsid, errno);
    // The supervisor reset every disposition when it started and handles
    // signals only through its signalfd; it ignores only SIGPIPE (and
    // take_terminal() SIGTTOU). Restore those and the mask.
    if (plan.take_terminal) take_terminal();
    ::signal(SIGTTOU, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    if (::sigprocmask(SIG_SETMASK, &none, nullptr) == -1) fail(report_fd, Stage::signals, errno);
    confine(plan, report_fd);
    // If the supervisor is killed outright, the instance must not run on
    // unsupervised. SIGKILL, not SIGTERM: a command may ignore TERM, and with
    // its supervisor gone nobody would escalate; an orderly stop never gets
    // here (the supervisor stops its instances before it exits). Set after
    // the identity change, which clears it; then make sure the supervisor
    // did not die before it took effect.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) == -1) fail(report_fd, Stage::signals, errno);
    if (::getppid() != supervisor) _exit(125);
    for (char* value : slot.values) {
        if (value != nullptr) write_decimal(value, ::getpid());
    }
    if (int err = pass_sockets(plan, nullptr)) fail(report_fd, Stage::close_fds, err);
    ::execve(plan.path.c_str(), plan.argv.data(), envp);
    int err = errno;
    send_report(report_fd, Stage::exec, err);
    _exit(err == ENOENT ? 127 : 126);
}

// vfork rather than fork: no page tables to copy (a supervisor of many
// instances restarts them fast), and the parent resumes exactly when the
// child has exec'd or exited. The rules, since the child runs on this very
// stack and memory until then: everything it uses is prepared before (the
// arguments here, all plain data); it writes no memory of the parent's
// but the PidSlot the parent set aside for it (and reads only after exec),
// calls nothing that allocates or takes a lock, and leaves only through
// execve or _exit (exec_instance never returns). Kept in a function of its
// own, not inlined, so that no local of a caller is live across the vfork
// (GCC warns of those with -Wclobbered at -O2).
[[gnu::noinline]] pid_t spawn_instance(const LaunchPlan& plan, char* const* envp, pid_t supervisor, InstanceFds fds,
                                       PidSlot slot, int report_fd) noexcept {
    pid_t pid = ::vfork();
    if (pid == 0) exec_instance(plan, envp, supervisor, fds, slot, report_fd);
    return pid;
}

void exec_daemon(const LaunchPlan& plan, int report_fd) noexcept {
    if (auto failed = prepare_process(plan, report_fd)) fail(report_fd, failed->stage, failed->value);
    int pidfile_fd = plan.pidfile_fd;
    if (plan.ready_src >= 0) {
        if (int err = install_fd(plan.ready_src, plan.ready_fd, report_fd, pidfile_fd))
            fail(report_fd, Stage::ready_fd, err);
    }
    // Stamped while still root: a dropped identity may not set attributes.
    // Written before the process settings: under --limit fsize=0 the write
    // would raise SIGXFSZ and kill the daemon before its execve, which the
    // caller would take for a success (EOF on the report pipe).
    if (pidfile_fd >= 0) {
        pidfile::stamp_self(pidfile_fd, plan.boot_id.c_str());
        if (int err = pidfile::write_pid(pidfile_fd, ::getpid())) fail(report_fd, Stage::pidfile, err);
    }
    confine(plan, report_fd);
    // LISTEN_PID's room was set aside in `plan` for this process (vforked:
    // the caller's memory, which nothing reads again but this execve).
    if (int err = pass_sockets(plan, plan.listen_pid)) fail(report_fd, Stage::close_fds, err);
    ::execve(plan.path.c_str(), plan.argv.data(), plan.envp.data());
    int err = errno;
    send_report(report_fd, Stage::exec, err);
    _exit(err == ENOENT ? 127 : 126);
}

}  // namespace daemonize
