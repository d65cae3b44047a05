// The reference for starting many instances: N times vfork+exec of COMMAND,
// then exit (the children are left running, reparented). Prints their PIDs,
// one per line, so that the caller can stop them.
// Usage: spawn_many N COMMAND [ARGS...]
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    if (argc < 3) return 2;
    int n = std::atoi(argv[1]);
    for (int i = 0; i < n; ++i) {
        pid_t pid = vfork();
        if (pid == 0) {
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        std::printf("%d\n", static_cast<int>(pid));
    }
    return 0;
}
