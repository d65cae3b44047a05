// Test helper: sigprep [-b SIGNUM]... [-i SIGNUM]... [-r FILE] -- CMD ARGS...
// Blocks the -b signals and ignores the -i signals, copies its own
// /proc/self/status to FILE (proof of that state), then execs CMD, so tests
// can start daemonize from a process with a dirty signal state. (A shell in
// between would not do: shells reset their signal mask.)
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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
            std::signal(sig, SIG_IGN);
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
