// Test helper: sigprep [-b SIGNUM]... [-i SIGNUM]... -- CMD ARGS...
// Blocks the -b signals and ignores the -i signals, then execs CMD, so tests
// can start daemonize from a process with a dirty signal state.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
    sigset_t block;
    sigemptyset(&block);
    int i = 1;
    for (; i + 1 < argc && std::strcmp(argv[i], "--") != 0; i += 2) {
        int sig = std::atoi(argv[i + 1]);
        if (std::strcmp(argv[i], "-b") == 0) {
            sigaddset(&block, sig);
        } else if (std::strcmp(argv[i], "-i") == 0) {
            std::signal(sig, SIG_IGN);
        } else {
            std::fprintf(stderr, "sigprep: unknown flag %s\n", argv[i]);
            return 2;
        }
    }
    if (i >= argc || std::strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
        std::fprintf(stderr, "usage: sigprep [-b SIG]... [-i SIG]... -- CMD ARGS...\n");
        return 2;
    }
    if (sigprocmask(SIG_BLOCK, &block, nullptr) == -1) {
        std::perror("sigprep: sigprocmask");
        return 2;
    }
    execvp(argv[i + 1], argv + i + 1);
    std::perror("sigprep: exec");
    return 127;
}
