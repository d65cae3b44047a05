// One write(2) per message, so lines from several processes never interleave.
#include "log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace daemonize::log {
namespace {

// Set once before any fork; read-only afterwards.
Verbosity level = Verbosity::normal;
// Set once by the supervisor before its event loop.
EventWriter writer = nullptr;
void* writer_ctx = nullptr;

bool in_writer = false;  // a warning from inside the writer goes to fd 2

void put(const char* buf, size_t len) {
    if (writer != nullptr && !in_writer) {
        in_writer = true;
        writer(writer_ctx, std::string_view(buf, len));
        in_writer = false;
        return;
    }
    // Nothing sensible to do if stderr is gone.
    [[maybe_unused]] auto w = ::write(STDERR_FILENO, buf, len);
}

void emit(const char* prefix, const char* fmt, va_list ap) {
    char buf[1024];
    int n = std::snprintf(buf, sizeof buf, "daemonize: %s", prefix);
    if (n < 0) return;
    int m = std::vsnprintf(buf + n, sizeof buf - static_cast<size_t>(n), fmt, ap);
    if (m < 0) return;
    size_t len = static_cast<size_t>(n) + static_cast<size_t>(m);
    if (len > sizeof buf - 2) len = sizeof buf - 2;
    buf[len++] = '\n';
    put(buf, len);
}

}  // namespace

void set_verbosity(Verbosity v) noexcept { level = v; }

SinkGuard::SinkGuard() noexcept : saved_stderr_(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) {}

SinkGuard::~SinkGuard() {
    set_event_writer(nullptr, nullptr);
    if (saved_stderr_ < 0) return;
    ::dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
}

void SinkGuard::install(EventWriter w, void* ctx) noexcept { set_event_writer(w, ctx); }
void set_event_writer(EventWriter w, void* ctx) noexcept {
    writer = w;
    writer_ctx = ctx;
}
bool verbose_enabled() noexcept { return level == Verbosity::verbose; }

void error(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void warn(const char* fmt, ...) {
    if (level == Verbosity::quiet) return;
    va_list ap;
    va_start(ap, fmt);
    emit("warning: ", fmt, ap);
    va_end(ap);
}

void verbose(const char* fmt, ...) {
    if (level != Verbosity::verbose) return;
    va_list ap;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

size_t format_rfc3339(const timespec& when, char (&out)[40]) noexcept {
    tm local{};
    ::localtime_r(&when.tv_sec, &local);
    size_t n = std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &local);
    char zone[8];
    // strftime's %z is "+0100"; RFC 3339 (and ISO 8601 readers) want "+01:00".
    size_t z = std::strftime(zone, sizeof zone, "%z", &local);
    int m = z == 5 ? std::snprintf(out + n, sizeof out - n, ".%03ld%.3s:%.2s", when.tv_nsec / 1000000, zone, zone + 3)
                   : std::snprintf(out + n, sizeof out - n, ".%03ldZ", when.tv_nsec / 1000000);
    return m < 0 ? n : std::min(n + static_cast<size_t>(m), sizeof out - 1);
}

void event_v(const char* fmt, va_list ap) {
    if (level == Verbosity::quiet) return;
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    char when[40];
    format_rfc3339(ts, when);
    char buf[1024];
    int n = std::snprintf(buf, sizeof buf, "%s daemonize[%d]: ", when, static_cast<int>(::getpid()));
    if (n < 0) return;
    int m = std::vsnprintf(buf + n, sizeof buf - static_cast<size_t>(n), fmt, ap);
    if (m < 0) return;
    size_t len = std::min(static_cast<size_t>(n) + static_cast<size_t>(m), sizeof buf - 2);
    buf[len++] = '\n';
    put(buf, len);
}

}  // namespace daemonize::log
