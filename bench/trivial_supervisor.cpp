// The reference for restart latency: the least a supervisor can do. It
// starts COMMAND with vfork+exec and, each time waitpid() says it ended,
// starts it again at once. No logging, no policy, no checks.
// Usage: trivial_supervisor COMMAND [ARGS...]   (SIGTERM ends it and COMMAND)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace {

volatile sig_atomic_t stop = 0;

pid_t start(char** argv) {
    pid_t pid = vfork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    struct sigaction term {};
    term.sa_handler = [](int) { stop = 1; };
    sigaction(SIGTERM, &term, nullptr);  // no SA_RESTART: waitpid returns EINTR
    pid_t child = start(argv + 1);
    while (stop == 0) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid == child && stop == 0) child = start(argv + 1);
        if (pid == -1 && errno != EINTR) return 1;
    }
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    return 0;
}
