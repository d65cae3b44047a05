// Log capture through the supervisor.
#include "capture.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "log.hpp"
#include "number.hpp"
#include "sys/posix.hpp"

namespace daemonize::capture {
namespace {

// Longest line kept whole; longer ones are split (never dropped).
constexpr size_t max_line = 64 * 1024;
// How long a partial line waits for its newline.
constexpr std::int64_t flush_after_ms = 1000;
// A big pipe and reads that empty it: fewer wakeups and syscalls under a
// burst, and the writer waits less on the pipe's lock (measured with 64 KiB
// writes: 1.28x a direct write with 64 KiB reads, 1.19x with 256 KiB, 1.14x
// with 1 MiB). The buffer is left uninitialised: its pages become resident
// only as a burst fills them.
constexpr int pipe_size = 1 << 20;
constexpr size_t read_size = 1024 * 1024;
constexpr int syslog_facility_daemon = 3;

std::string basename_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string local_time(const timespec& when, const char* format) {
    tm local{};
    ::localtime_r(&when.tv_sec, &local);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, format, &local);
    return std::string(buf, n);
}

}  // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
    if (auto bytes = parse_bytes(text)) return *bytes;
    return usage_error("--log-max-size: '" + std::string(text) + "' is not a size like 4096, 64K, 10M or 1G (at most 16 EiB)");
}

std::string expand_instance(std::string_view path, std::string_view value) {
    std::string out;
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 1 < path.size() && path[i + 1] == 'i') {
            out += value;
            ++i;
        } else {
            out += path[i];
        }
    }
    return out;
}

std::string format_stamp(TimeFormat format, const timespec& when) {
    char ms[24];
    std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(when.tv_nsec / 1000000 % 1000));
    switch (format) {
    case TimeFormat::none: return {};
    case TimeFormat::unix_seconds: return std::to_string(when.tv_sec) + ms + " ";
    case TimeFormat::iso: {
        char stamp[40];
        size_t n = log::format_rfc3339(when, stamp);
        stamp[n] = ' ';
        return std::string(stamp, n + 1);
    }
    }
    return {};
}

// ---- FileSink ----

FileSink::FileSink(std::string path, int fd, std::uint64_t max_size, int keep, const sys::fs::Actor& actor)
    : path_(std::move(path)), fixed_fd_(fd), max_size_(max_size), keep_(keep), actor_(&actor) {}

Status FileSink::open() {
    if (path_.empty()) return Ok{};
    auto file = sys::fs::open_stream(path_, sys::fs::Access::append, *actor_);
    if (!file) return std::move(file).error();
    auto st = sys::fstat_fd(file->fd.get(), path_);
    if (!st) return std::move(st).error();
    size_ = static_cast<std::uint64_t>(st->st_size);
    id_ = sys::fs::id_of(*st);
    regular_ = S_ISREG(st->st_mode);
    fd_ = std::move(file->fd);
    install();
    return Ok{};
}

void FileSink::install() {
    if (mirror_ >= 0 && fd_.valid()) ::dup2(fd_.get(), mirror_);
}

void FileSink::reopen() {
    if (path_.empty()) return;
    // On failure fd_ stays on the old file: nothing is lost, nothing written
    // where the service pointed.
    if (auto ok = open(); !ok) log::warn("cannot reopen %s: %s", path_.c_str(), format_error(ok.error()).c_str());
}

void FileSink::rotate() {
    // FILE.N-1 → FILE.N, ..., FILE → FILE.1; the oldest is replaced.
    if (keep_ == 0) {
        if (fd_.valid() && ::ftruncate(fd_.get(), 0) == -1)
            log::warn("cannot truncate %s: %s", path_.c_str(), std::strerror(errno));
    } else if (auto ok = sys::fs::rotate(path_, keep_, id_, *actor_); !ok) {
        log::warn("%s", format_error(ok.error()).c_str());
    }
    if (keep_ > 0) reopen();
    // Counted from zero even when the rotation or the reopen failed and the
    // old file is still in use: the next attempt comes after max_size more
    // bytes, not at every line.
    size_ = 0;
}

bool FileSink::write_raw(std::string_view data) {
    int fd = this->fd();
    while (!data.empty()) {
        ssize_t n = fd < 0 ? -1 : sys::retry_eintr([&] { return ::write(fd, data.data(), data.size()); });
        if (n <= 0) {
            dropped_ += data.size();
            drop_errno_ = n == 0 ? EIO : (fd < 0 ? EBADF : errno);
            return false;
        }
        size_ += static_cast<std::uint64_t>(n);
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

void FileSink::write(std::string_view data) {
    if (dropped_ > 0) {
        // Writing may work again: say first what was lost meanwhile.
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME, &now);
        std::uint64_t lost = dropped_;
        std::string note = format_stamp(TimeFormat::iso, now) + "daemonize[" + std::to_string(::getpid()) +
                           "]: warning: " + std::to_string(lost) + " bytes of output were lost (" +
                           std::strerror(drop_errno_) + ")\n";
        dropped_ = 0;
        if (!write_raw(note)) {
            dropped_ = lost + data.size();
            return;
        }
    }
    while (!data.empty()) {
        if (max_size_ == 0 || !regular_ || size_ + data.size() <= max_size_) {
            (void)write_raw(data);
            return;
        }
        // Fill the file up to the last line that fits, then rotate.
        size_t room = size_ < max_size_ ? static_cast<size_t>(max_size_ - size_) : 0;
        size_t cut = room == 0 ? std::string_view::npos : data.substr(0, room).rfind('\n');
        if (cut != std::string_view::npos) {
            (void)write_raw(data.substr(0, cut + 1));
            data.remove_prefix(cut + 1);
        }
        if (size_ > 0) {
            rotate();
            continue;
        }
        // Not even one line fits an empty file: that line gets it alone.
        auto nl = data.find('\n');
        size_t n = nl == std::string_view::npos ? data.size() : nl + 1;
        (void)write_raw(data.substr(0, n));
        data.remove_prefix(n);
    }
}

// ---- SyslogSink ----

std::string syslog_socket_path() {
    const char* socket = std::getenv("DAEMONIZE_SYSLOG_SOCKET");
    return socket != nullptr && *socket != '\0' ? socket : "/dev/log";
}

bool syslog_listening(const std::string& path) {
    SyslogSink probe(path, "", nullptr, true);
    return probe.connected();
}

SyslogSink::SyslogSink(std::string socket_path, std::string tag, FileSink* fallback, bool warned)
    : socket_path_(std::move(socket_path)), tag_(std::move(tag)), fallback_(fallback), warned_(warned) {
    if (!connect_socket() && !warned_) {
        log::warn("syslog: nobody listens on %s (%s); writing to %s instead", socket_path_.c_str(),
                  std::strerror(errno), fallback_->path().empty() ? "standard error" : fallback_->path().c_str());
        warned_ = true;
    }
}

bool SyslogSink::connect_socket() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path_.size() >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return false;
    }
    std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
    sys::UniqueFd fd{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    if (!fd.valid()) return false;
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == -1) return false;
    // A syslog daemon that stops reading must not stop the supervisor.
    timeval timeout{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    fd_ = std::move(fd);
    return true;
}

void SyslogSink::reconnect() {
    fd_.reset();
    if (connect_socket()) warned_ = false;
}

void SyslogSink::write(std::string_view lines, int severity, pid_t pid, FileSink* fallback) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    std::string head = "<" + std::to_string(syslog_facility_daemon * 8 + severity) + ">" +
                       local_time(now, "%b %e %H:%M:%S") + " " + tag_ + "[" + std::to_string(pid) + "]: ";
    while (!lines.empty()) {
        auto nl = lines.find('\n');
        size_t n = nl == std::string_view::npos ? lines.size() : nl + 1;
        std::string_view line = lines.substr(0, n);
        if (fd_.valid()) {
            msg_ = head;
            msg_.append(line.substr(0, line.size() - (line.back() == '\n')));
            if (::send(fd_.get(), msg_.data(), msg_.size(), MSG_NOSIGNAL) >= 0) {
                lines.remove_prefix(n);
                continue;
            }
            if (!warned_) {
                log::warn("syslog: cannot send to %s (%s); writing to %s instead", socket_path_.c_str(),
                          std::strerror(errno), fallback->path().empty() ? "standard error" : fallback->path().c_str());
                warned_ = true;
            }
            fd_.reset();
        }
        fallback->write(lines);
        return;
    }
}

// ---- Capture ----

Capture::Capture(Plan plan) : plan_(std::move(plan)) {}

FileSink* Capture::sink_for(const std::string& path, int fixed_fd) {
    for (auto& f : files_) {
        if (path.empty() ? (f->path().empty() && f->fd() == fixed_fd) : f->path() == path) return f.get();
    }
    files_.push_back(std::make_unique<FileSink>(path, fixed_fd, plan_.log.max_size, plan_.log.keep, plan_.actor));
    return files_.back().get();
}

Status Capture::start() {
    buf_.reset(new char[read_size]);
    const std::string& err = plan_.err_path.empty() ? plan_.out_path : plan_.err_path;
    if (!err.empty()) {
        event_sink_ = sink_for(expand_instance(err, "supervisor"), -1);
        event_sink_->mirror_on(STDERR_FILENO);
    }
    for (int i = 0; i < plan_.instances; ++i) {
        if (auto ok = add_streams(i); !ok) return ok;
    }
    for (auto& f : files_) {
        if (auto ok = f->open(); !ok) return ok;
    }
    if (plan_.log.syslog) {
        std::string tag = plan_.log.syslog_tag.empty() ? basename_of(plan_.command_name) : plan_.log.syslog_tag;
        syslog_ = std::make_unique<SyslogSink>(syslog_socket_path(), tag, streams_.front()->file,
                                               plan_.syslog_warned);
    }
    return Ok{};
}

Status Capture::ensure_instance(int instance) {
    if (static_cast<size_t>(instance) < instance_fds_.size()) return Ok{};
    const size_t known = files_.size();
    for (int i = static_cast<int>(instance_fds_.size()); i <= instance; ++i) {
        if (auto ok = add_streams(i); !ok) return ok;
    }
    for (size_t f = known; f < files_.size(); ++f) {
        if (auto ok = files_[f]->open(); !ok) return ok;
    }
    return Ok{};
}

// Instance `i`'s pipes and the sinks they feed.
Status Capture::add_streams(int i) {
    const std::string& out = plan_.out_path;
    const std::string& err = plan_.err_path.empty() ? plan_.out_path : plan_.err_path;
    // One pipe for both streams when they end up in one place: their order
    // is then kept exactly as the command wrote them.
    const bool shared = !plan_.log.syslog && !out.empty() && out == err;
    std::string index = std::to_string(i);
    FileSink* out_sink = sink_for(expand_instance(out, index), STDOUT_FILENO);
    FileSink* err_sink = sink_for(expand_instance(err, index), STDERR_FILENO);
    int out_w = -1, err_w = -1;
    for (int which = 0; which < (shared ? 1 : 2); ++which) {
        auto pipe = sys::make_pipe();
        if (!pipe) return std::move(pipe).error();
        if (::fcntl(pipe->read.get(), F_SETFL, O_NONBLOCK) == -1) return sys_error("set a log pipe non-blocking");
        (void)::fcntl(pipe->read.get(), F_SETPIPE_SZ, pipe_size);  // best effort
        auto s = std::make_unique<Stream>(Stream{i, which == 0 ? 6 : 3,
                                                 plan_.log.prefix ? "[" + index + "] " : std::string(),
                                                 std::move(pipe->read), std::move(pipe->write),
                                                 Framer(max_line), which == 0 ? out_sink : err_sink});
        (which == 0 ? out_w : err_w) = s->write.get();
        streams_.push_back(std::move(s));
    }
    instance_fds_.emplace_back(out_w, shared ? out_w : err_w);
    pids_.push_back(0);
    return Ok{};
}

std::pair<int, int> Capture::instance_fds(int instance) const { return instance_fds_[static_cast<size_t>(instance)]; }

void Capture::poll_fds(std::vector<int>& fds) const {
    for (const auto& s : streams_) fds.push_back(s->read.get());
}

void Capture::set_pid(int instance, pid_t pid) { pids_[static_cast<size_t>(instance)] = pid; }

// Puts `prefix` before every line of `text` into out_; every line ends
// with '\n' (a piece of a line gets one).
std::string_view Capture::prefix_lines(std::string_view text, std::string_view prefix) {
    // Written through a pointer into a buffer that only grows (never
    // zero-filled again): appending line by line cost more than the copying.
    size_t used = 0;
    for (size_t start = 0; start < text.size();) {
        const void* nl = std::memchr(text.data() + start, '\n', text.size() - start);
        size_t end = nl == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(nl) - text.data());
        size_t need = used + prefix.size() + (end - start) + 1;
        if (need > out_.size()) out_.resize(std::max(need, 2 * out_.size()));
        char* out = out_.data() + used;
        std::memcpy(out, prefix.data(), prefix.size());
        std::memcpy(out + prefix.size(), text.data() + start, end - start);
        out[prefix.size() + (end - start)] = '\n';
        used = need;
        start = end + 1;
    }
    return {out_.data(), used};
}

void Capture::deliver(Stream& s, std::string_view text, bool whole) {
    if (syslog_) {
        // Syslog stamps the time itself.
        std::string_view lines = text;
        if (!s.tag.empty() || !whole) {
            lines = prefix_lines(text, s.tag);
        }
        syslog_->write(lines, s.severity, pids_[static_cast<size_t>(s.instance)], s.file);
        return;
    }
    if (!plan_.log.prefixing()) {
        s.file->write(text);  // byte for byte
        return;
    }
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    std::int64_t ms = static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
    if (ms != stamp_ms_) {
        stamp_ = format_stamp(plan_.log.timestamps, now);
        stamp_ms_ = ms;
    }
    s.file->write(prefix_lines(text, stamp_ + s.tag));
}

// One read of the stream's pipe, through its framer; the bytes read (0:
// nothing there).
size_t Capture::read_once(Stream& s, std::int64_t now_ms) {
    ssize_t n = sys::retry_eintr([&] { return ::read(s.read.get(), buf_.get(), read_size); });
    if (n <= 0) return 0;
    s.framer.feed(std::string_view(buf_.get(), static_cast<size_t>(n)), now_ms,
                  [&](std::string_view text, bool whole) { deliver(s, text, whole); });
    return static_cast<size_t>(n);
}

void Capture::on_readable(size_t stream, std::int64_t now_ms) {
    Stream& s = *streams_[stream];
    // Read until the pipe is empty, a bounded number of times, so one busy
    // instance cannot starve the rest of the loop.
    for (int round = 0; round < 16; ++round) {
        if (read_once(s, now_ms) < read_size) return;
    }
}

std::int64_t Capture::next_flush_ms() const {
    std::int64_t next = -1;
    for (const auto& s : streams_) {
        std::int64_t since = s->framer.held_since();
        if (since >= 0 && (next < 0 || since + flush_after_ms < next)) next = since + flush_after_ms;
    }
    return next;
}

void Capture::flush_due(std::int64_t now_ms) {
    for (auto& s : streams_) {
        std::int64_t since = s->framer.held_since();
        if (since >= 0 && now_ms - since >= flush_after_ms)
            s->framer.flush([&](std::string_view text, bool whole) { deliver(*s, text, whole); });
    }
}

void Capture::reopen() {
    for (auto& f : files_) f->reopen();
    if (syslog_) syslog_->reconnect();
}

void Capture::drain(Stream& s) {
    while (read_once(s, sys::monotonic_ms()) > 0) {
    }
    s.framer.flush([&](std::string_view text, bool whole) { deliver(s, text, whole); });
}

void Capture::drain() {
    for (auto& s : streams_) drain(*s);
}

void Capture::drain_instance(int instance) {
    for (auto& s : streams_) {
        if (s->instance == instance) drain(*s);
    }
}

}  // namespace daemonize::capture
