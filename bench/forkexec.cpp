// The floor for launch latency: fork, setsid and exec /bin/true in the
// child, exit at once in the parent. No checks, no waiting, no pidfile.
#include <unistd.h>

int main() {
    if (fork() == 0) {
        setsid();
        execl("/bin/true", "true", static_cast<char*>(nullptr));
        _exit(127);
    }
    return 0;
}
