// The control channel of a running supervisor (SPEC.md 10): a unix stream
// socket next to its pidfile (FILE.ctl, mode 0600). One request line per
// connection ("status", "scale N", "reload", "restart I"); the answer is
// a body and one last line, "ok TEXT" or "fail CODE TEXT", then EOF.
// Every peer is checked with SO_PEERCRED: root or the supervisor's uid.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "sys/fd.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize::channel {

/// The control socket that belongs to a pidfile.
[[nodiscard]] std::string socket_path(const std::string& pidfile);

/// A request a client made, or a refusal the server already answered.
struct Request {
    std::uint64_t client = 0;
    std::string verb;   // status, scale, reload, restart
    std::string arg;    // scale's N, restart's I; else empty
    uid_t uid = 0;
    pid_t pid = 0;
    std::string refused;  // not empty: refused (and answered) for this reason
};

/// The supervisor's side. Idle, it is one listening fd in the poll set;
/// nothing here blocks or polls on a timer.
class Server {
public:
    /// Binds the socket (sys::fs::listen_socket); `uid` may ask besides root.
    [[nodiscard]] static Result<Server> open(const std::string& path, const sys::fs::Actor& actor, uid_t uid);
    Server(Server&&) = default;
    Server& operator=(Server&&) = default;
    ~Server();

    /// Appends the fds to watch; `on_events` takes the same fds back, with
    /// revents, and returns the complete requests.
    void poll_fds(std::vector<pollfd>& fds) const;
    [[nodiscard]] std::vector<Request> on_events(const pollfd* fds, size_t n);
    /// Answers a request and closes the connection once the answer is out
    /// (or the client went away). `code` 0 is "ok".
    void answer(std::uint64_t client, std::string body, int code, std::string_view text);
    /// Some fd was freed (a child was reaped): accept again after running
    /// out of fds.
    void resume() noexcept { paused_ = false; }

private:
    Server() = default;
    struct Client {
        sys::UniqueFd fd;
        std::uint64_t id = 0;
        uid_t uid = 0;
        pid_t pid = 0;
        std::string in, out;
        std::string refused;    // not empty: not allowed to ask, and why
        bool asked = false;     // its request line arrived
        bool answered = false;  // close once `out` is written
    };
    void accept_all();
    void read_from(Client& c, std::vector<Request>& out);
    void write_to(Client& c);

    sys::UniqueFd listen_;
    std::string path_;
    sys::fs::FileId id_;
    sys::fs::Actor actor_;
    uid_t uid_ = 0;
    std::uint64_t next_id_ = 0;
    bool paused_ = false;  // out of fds: not accepting until resume()
    std::vector<Client> clients_;
};

/// What a supervisor answered.
struct Answer {
    int code = 0;         // 0: ok
    std::string text;     // the last line's text
    std::string body;     // everything before it
};

/// The client's side: connects to `path`, checks that the socket belongs to
/// the process `pid` (the pidfile's, pinned by the caller), sends `request`
/// and waits for the whole answer. ENOENT/ECONNREFUSED in Error::err: no
/// supervisor is listening there.
[[nodiscard]] Result<Answer> ask(const std::string& path, pid_t pid, std::string_view request);

/// Splits an answer's text ("...\nok TEXT\n"); pure, for the tests.
[[nodiscard]] Result<Answer> parse_answer(std::string_view text);

}  // namespace daemonize::channel
