// Signal names and signalfd.
#include "signals.hpp"

#include <sys/signalfd.h>

#include <cctype>
#include <cstring>

#include "../number.hpp"

namespace daemonize::sys {
namespace {

struct Named {
    int number;
    const char* name;
};

constexpr Named names[] = {
    {SIGHUP, "HUP"},   {SIGINT, "INT"},       {SIGQUIT, "QUIT"},   {SIGILL, "ILL"},     {SIGTRAP, "TRAP"},
    {SIGABRT, "ABRT"}, {SIGBUS, "BUS"},       {SIGFPE, "FPE"},     {SIGKILL, "KILL"},   {SIGUSR1, "USR1"},
    {SIGSEGV, "SEGV"}, {SIGUSR2, "USR2"},     {SIGPIPE, "PIPE"},   {SIGALRM, "ALRM"},   {SIGTERM, "TERM"},
    {SIGSTKFLT, "STKFLT"}, {SIGCHLD, "CHLD"}, {SIGCONT, "CONT"},   {SIGSTOP, "STOP"},   {SIGTSTP, "TSTP"},
    {SIGTTIN, "TTIN"}, {SIGTTOU, "TTOU"},     {SIGURG, "URG"},     {SIGXCPU, "XCPU"},   {SIGXFSZ, "XFSZ"},
    {SIGVTALRM, "VTALRM"}, {SIGPROF, "PROF"}, {SIGWINCH, "WINCH"}, {SIGIO, "IO"},       {SIGPWR, "PWR"},
    {SIGSYS, "SYS"},
};

std::optional<int> parse_number(std::string_view text) {
    auto n = parse_unsigned<unsigned>(text, 999);
    if (!n) return std::nullopt;
    return static_cast<int>(*n);
}

}  // namespace

std::string signal_name(int sig) {
    for (const auto& n : names) {
        if (n.number == sig) return n.name;
    }
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) return "RTMIN+" + std::to_string(sig - SIGRTMIN);
    return std::to_string(sig);
}

std::optional<int> parse_signal(std::string_view text) {
    if (auto n = parse_number(text)) {
        if (*n >= 1 && *n < NSIG) return n;
        return std::nullopt;
    }
    std::string upper;
    for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string_view name = upper;
    if (name.substr(0, 3) == "SIG") name.remove_prefix(3);
    for (const auto& n : names) {
        if (name == n.name) return n.number;
    }
    if (name.substr(0, 6) == "RTMIN+") {
        auto off = parse_number(name.substr(6));
        if (off && SIGRTMIN + *off <= SIGRTMAX) return SIGRTMIN + *off;
    }
    if (name == "RTMIN") return SIGRTMIN;
    if (name == "RTMAX") return SIGRTMAX;
    return std::nullopt;
}

sigset_t supervisor_signals() noexcept {
    sigset_t set;
    sigfillset(&set);  // glibc's own real-time signals are never in it
    for (int sig : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGPIPE}) sigdelset(&set, sig);
    return set;
}

BlockedSignals::BlockedSignals(std::initializer_list<int> signals) noexcept {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : signals) sigaddset(&set, sig);
    if (auto fd = open_signalfd(set, &old_)) {
        fd_ = std::move(*fd);
    } else {
        ::sigprocmask(SIG_SETMASK, &old_, nullptr);
    }
}

BlockedSignals::~BlockedSignals() {
    if (fd_.valid()) ::sigprocmask(SIG_SETMASK, &old_, nullptr);
}

Result<UniqueFd> open_signalfd(const sigset_t& set, sigset_t* old) {
    if (::sigprocmask(SIG_BLOCK, &set, old) == -1) return sys_error("sigprocmask");
    int fd = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd == -1) return sys_error("signalfd");
    return UniqueFd{fd};
}

}  // namespace daemonize::sys
