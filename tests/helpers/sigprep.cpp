// Test helper: sigprep [-b SIGNUM]... [-i SIGNUM]... [-r FILE] -- CMD ARGS...
// Blocks the -b signals and ignores the -i signals, copies its own
// /proc/self/status to FILE (proof of that state), then execs CMD, so tests
// can start daemonize from a process with a dirty signal state. (A shell in
// between would not do: shells reset their signal mask.) -i also takes the
// two real-time signals glibc keeps for itself, as GNU make leaves them.
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

// glibc refuses its own real-time signals: the kernel does not. A kernel
// struct sigaction whose handler is SIG_IGN (1) and the rest zero; the
// handler comes first but on MIPS, where an int of flags precedes it.
bool ignore_raw(int sig) {
    alignas(16) unsigned char act[128] = {};
    unsigned long ign = 1;
#if defined(__mips__)
    std::memcpy(act + sizeof(unsigned long), &ign, sizeof ign);
#else
    std::memcpy(act, &ign, sizeof ign);
#endif
    for (unsigned long setsize : {8UL, 16UL}) {
        if (syscall(SYS_rt_sigaction, sig, act, nullptr, setsize) == 0) return true;
    }
    return false;
}

int main(int argc, char** argv) {
    sigset_t block;
    sigemptyset(&block);
    const char* report = nullptr;
    int i = 1;
    for (; i + 1 < argc && std::strcmp(argv[i], "--") != 0; i += 2) {
        int sig = std::atoi(argv[i + 1]);
        if (std::strcmp(argv[i], "-b") == 0) {
            sigaddset(&block, sig);
        } else if (std::strcmp(argv[i], "-r") == 0) {
            report = argv[i + 1];
        } else if (std::strcmp(argv[i], "-i") == 0) {
            if (std::signal(sig, SIG_IGN) == SIG_ERR && !ignore_raw(sig)) {
                std::perror("sigprep: ignore");
                return 2;
            }
        } else {
            std::fprintf(stderr, "sigprep: unknown flag %s\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc || std::strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
        std::fprintf(stderr, "usage: sigprep [-b SIG]... [-i SIG]... [-r FILE] -- CMD ARGS...\n");
        return 2;
    }
    if (sigprocmask(SIG_BLOCK, &block, nullptr) == -1) {
        std::perror("sigprep: sigprocmask");
        return 2;
    }
    if (report != nullptr) {
        FILE* in = std::fopen("/proc/self/status", "r");
        FILE* out = std::fopen(report, "w");
        if (in == nullptr || out == nullptr) {
            std::perror("sigprep: report");
            return 2;
        }
        char line[512];
        while (std::fgets(line, sizeof line, in) != nullptr) std::fputs(line, out);
        std::fclose(in);
        std::fclose(out);
    }
    execvp(argv[i + 1], argv + i + 1);
    std::perror("sigprep: exec");
    return 127;
}
