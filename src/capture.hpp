// Log capture: the instances write into pipes, the supervisor turns what it
// reads into lines (timestamps, instance prefixes) and writes them to files
// that it can rotate and reopen, or to syslog. No threads: the pipes are
// read from the supervisor's poll loop.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "options.hpp"
#include "sys/fd.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize::capture {

/// "4096", "64K", "10M", "1G" (powers of 1024), at least 1.
[[nodiscard]] Result<std::uint64_t> parse_size(std::string_view text);

/// Every "%i" in `path` replaced by `value`.
[[nodiscard]] std::string expand_instance(std::string_view path, std::string_view value);

/// The line prefix for a time: "2026-11-25T10:00:00.123+00:00 " (local
/// time, RFC 3339) or "1764064800.123 ". Empty for TimeFormat::none.
[[nodiscard]] std::string format_stamp(TimeFormat format, const timespec& when);

/// Splits a byte stream into records: runs of complete lines, pieces of a
/// line longer than `max_line` (split, never dropped), and a partial line
/// given up waiting for its newline (flush). Partial lines are held.
class Framer {
public:
    explicit Framer(size_t max_line) : max_line_(max_line) {}

    /// Calls emit(text, whole) for what `data` completes: `whole` means
    /// `text` is one or more lines, each ending in '\n'; otherwise it is a
    /// piece of a line (max_line bytes, no newline).
    template <typename Emit>
    void feed(std::string_view data, std::int64_t now_ms, Emit&& emit) {
        while (!data.empty()) {
            auto nl = data.find('\n');
            if (nl == std::string_view::npos) {
                hold(data, now_ms, emit);
                return;
            }
            if (!partial_.empty() || nl > max_line_) {
                // Complete a held or over-long line, in pieces if need be.
                hold(data.substr(0, nl), now_ms, emit);
                partial_.push_back('\n');
                emit(std::string_view(partial_), true);
                partial_.clear();
                data.remove_prefix(nl + 1);
                continue;
            }
            // The common case: a run of complete lines passes in one go.
            size_t end = complete_lines(data);
            emit(data.substr(0, end), true);
            data.remove_prefix(end);
        }
    }

    /// Gives up on the held partial line: emit(text, false).
    template <typename Emit>
    void flush(Emit&& emit) {
        if (partial_.empty()) return;
        emit(std::string_view(partial_), false);
        partial_.clear();
        since_ms_ = -1;
    }

    /// When the held partial line arrived (-1: nothing held).
    [[nodiscard]] std::int64_t held_since() const noexcept { return partial_.empty() ? -1 : since_ms_; }

private:
    // How much of `data` (which starts with a line no longer than max_line_)
    // is complete lines none longer than max_line_: up to its last newline,
    // or short of the first over-long line. It looks for the last newline
    // within each max_line_ bytes, not at every line: a few calls per read,
    // where a call per line cost a third of the capture's time.
    [[nodiscard]] size_t complete_lines(std::string_view data) const noexcept {
        size_t end = 0;  // complete lines so far
        for (;;) {
            size_t window = std::min(data.size() - end, max_line_ + 1);
            const void* nl = ::memrchr(data.data() + end, '\n', window);
            if (nl == nullptr) return end;
            end = static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
            if (data.size() - end <= max_line_) {
                // What is left fits in one window: its last newline ends the run.
                const void* last = ::memrchr(data.data() + end, '\n', data.size() - end);
                return last == nullptr ? end : static_cast<size_t>(static_cast<const char*>(last) - data.data()) + 1;
            }
        }
    }

    // Keeps `data` as (part of) the partial line; a partial line that would
    // grow past max_line_ is emitted in max_line_ pieces.
    template <typename Emit>
    void hold(std::string_view data, std::int64_t now_ms, Emit& emit) {
        if (partial_.empty()) since_ms_ = now_ms;
        while (partial_.size() + data.size() > max_line_) {
            size_t take = max_line_ - partial_.size();
            partial_.append(data.substr(0, take));
            data.remove_prefix(take);
            emit(std::string_view(partial_), false);
            partial_.clear();
            since_ms_ = now_ms;
        }
        partial_.append(data);
    }

    size_t max_line_;
    std::string partial_;
    std::int64_t since_ms_ = -1;
};

/// The syslog socket: $DAEMONIZE_SYSLOG_SOCKET, or /dev/log.
[[nodiscard]] std::string syslog_socket_path();
/// Whether a syslog daemon accepts datagrams there now (errno set if not).
[[nodiscard]] bool syslog_listening(const std::string& path);

/// Where lines end up: a file (rotated, reopened) or a fixed fd. Files are
/// opened, created and rotated only through sys::fs (never following a link
/// the service planted), and always appended to: concurrent writers and
/// readers of one file never lose a byte.
class FileSink {
public:
    /// `path` empty: write to `fd` (not owned) as it is, never reopened.
    /// `actor` (who the files are for) must outlive the sink.
    FileSink(std::string path, int fd, std::uint64_t max_size, int keep, const sys::fs::Actor& actor);
    [[nodiscard]] Status open();
    /// Writes `data`; `whole` data ends at a line boundary. Rotates before
    /// the size would pass max_size, between lines. Never fails: what cannot
    /// be written is counted and reported once writing works again.
    void write(std::string_view data);
    /// Closes and opens the path again (after an outside rotation). If the
    /// path cannot be opened (e.g. the service put a link there), the old
    /// file is kept and a warning logged.
    void reopen();
    [[nodiscard]] const std::string& path() const noexcept { return path_; }
    [[nodiscard]] int fd() const noexcept { return path_.empty() ? fixed_fd_ : fd_.get(); }
    /// Also keep this fd (the supervisor's stderr) on the current file.
    void mirror_on(int target) noexcept { mirror_ = target; }

private:
    void rotate();
    bool write_raw(std::string_view data);
    void install();

    std::string path_;
    int fixed_fd_ = -1;
    sys::UniqueFd fd_;
    std::uint64_t size_ = 0;
    std::uint64_t max_size_;
    int keep_;
    const sys::fs::Actor* actor_;
    sys::fs::FileId id_;     // the file fd_ is on
    bool regular_ = false;   // only a regular file is ever rotated
    std::uint64_t dropped_ = 0;
    int drop_errno_ = 0;
    int mirror_ = -1;
};

/// Lines to the local syslog socket (RFC 3164 datagrams). Falls back to a
/// FileSink, with one warning, when nobody listens.
class SyslogSink {
public:
    /// `fallback` is only named in the warning if nobody listens now;
    /// `warned`: the caller has warned about that already.
    SyslogSink(std::string socket_path, std::string tag, FileSink* fallback, bool warned);
    /// One datagram per line of `lines` (each ending in '\n'); from the
    /// first failure on, the rest goes to `fallback`.
    void write(std::string_view lines, int severity, pid_t pid, FileSink* fallback);
    /// Try the socket again (SIGHUP).
    void reconnect();
    [[nodiscard]] bool connected() const noexcept { return fd_.valid(); }

private:
    bool connect_socket();
    std::string socket_path_;
    std::string tag_;
    FileSink* fallback_;  // for the first warning
    sys::UniqueFd fd_;
    bool warned_ = false;
    std::string msg_;
};

/// The supervisor's side of every instance's output.
class Capture {
public:
    struct Plan {
        LogOptions log;
        std::string out_path, err_path;  // absolute, may hold %i; empty: none
        std::string command_name;        // for the syslog tag
        int instances = 1;
        bool syslog_warned = false;      // the caller said nobody listens
        sys::fs::Actor actor;            // who the log files are for
    };
    explicit Capture(Plan plan);
    /// Opens the sinks and creates every instance's pipes.
    [[nodiscard]] Status start();
    /// After start(): pipes (and files) for instances up to `instance`, for
    /// a supervisor scaled up; poll_fds() then lists their streams too.
    [[nodiscard]] Status ensure_instance(int instance);
    /// The write ends an instance's stdout and stderr go to.
    [[nodiscard]] std::pair<int, int> instance_fds(int instance) const;
    /// The read ends to poll; stream i reads the i-th.
    void poll_fds(std::vector<int>& fds) const;
    /// Reads what is available on stream `stream`'s pipe.
    void on_readable(size_t stream, std::int64_t now_ms);
    /// The instance's current PID, for syslog.
    void set_pid(int instance, pid_t pid);
    /// The next time a held partial line must be flushed (-1: none).
    [[nodiscard]] std::int64_t next_flush_ms() const;
    void flush_due(std::int64_t now_ms);
    /// SIGHUP: reopen every file (and the syslog socket).
    void reopen();
    /// At exit: read every pipe dry and flush what is held.
    void drain();
    /// When an instance's process exited: the same for its pipes, so that its
    /// last words come before the exit is logged and apart from the next run.
    void drain_instance(int instance);
    /// The sink the supervisor's own events go to, if it owns one.
    [[nodiscard]] FileSink* event_sink() const noexcept { return event_sink_; }

private:
    struct Stream {
        int instance;
        int severity;     // syslog: 6 info (stdout), 3 err (stderr)
        std::string tag;  // "[i] " with --log-prefix, else empty
        sys::UniqueFd read, write;
        Framer framer;
        FileSink* file = nullptr;  // with --syslog: the fallback
    };
    FileSink* sink_for(const std::string& path, int fixed_fd);
    [[nodiscard]] Status add_streams(int instance);
    void deliver(Stream& s, std::string_view text, bool whole);
    std::string_view prefix_lines(std::string_view text, std::string_view prefix);
    size_t read_once(Stream& s, std::int64_t now_ms);
    void drain(Stream& s);

    Plan plan_;
    std::vector<std::unique_ptr<FileSink>> files_;
    std::unique_ptr<SyslogSink> syslog_;
    std::vector<std::unique_ptr<Stream>> streams_;
    std::vector<std::pair<int, int>> instance_fds_;  // (stdout, stderr) write ends
    std::vector<pid_t> pids_;
    FileSink* event_sink_ = nullptr;
    std::string out_;    // room for the prefixed form of what is being delivered
    std::string stamp_;  // cached prefix for stamp_sec_/stamp_ms_
    std::int64_t stamp_ms_ = -1;
    std::unique_ptr<char[]> buf_;
};

}  // namespace daemonize::capture
