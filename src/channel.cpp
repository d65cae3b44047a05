// The control channel: the supervisor's listening socket and the client.
#include "channel.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "number.hpp"
#include "sys/posix.hpp"

namespace daemonize::channel {
namespace {

// A request is one short line; anything longer is not one of ours.
constexpr size_t max_request = 256;
// Connections held at once (each waiting for its request or its answer).
constexpr size_t max_clients = 32;

ucred peer_of(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) cred.uid = static_cast<uid_t>(-1);
    return cred;
}

}  // namespace

std::string socket_path(const std::string& pidfile) { return pidfile + ".ctl"; }

Result<Server> Server::open(const std::string& path, const sys::fs::Actor& actor, uid_t uid) {
    auto sock = sys::fs::listen_socket(path, actor);
    if (!sock) return std::move(sock).error();
    Server s;
    s.listen_ = std::move(sock->fd);
    s.path_ = path;
    s.id_ = sock->id;
    s.actor_ = actor;
    s.uid_ = uid;
    return s;
}

Server::~Server() {
    if (listen_.valid()) sys::fs::unlink_if(path_, id_, actor_);
}

void Server::poll_fds(std::vector<pollfd>& fds) const {
    fds.push_back(pollfd{listen_.get(), static_cast<short>(paused_ ? 0 : POLLIN), 0});
    for (const auto& c : clients_) {
        // Waiting for its answer, only a hangup (always reported) matters.
        const short events = c.answered ? POLLOUT : c.asked ? 0 : POLLIN;
        fds.push_back(pollfd{c.fd.get(), events, 0});
    }
}

std::vector<Request> Server::on_events(const pollfd* fds, size_t n) {
    std::vector<Request> out;
    // The client fds follow the listener, in clients_' order (unchanged
    // since poll_fds: accepting appends, closing happens at the end).
    const size_t known = std::min(n - 1, clients_.size());
    for (size_t i = 0; i < known; ++i) {
        const short ev = fds[i + 1].revents;
        if (ev == 0) continue;
        Client& c = clients_[i];
        if (!c.answered && (ev & (POLLIN | POLLHUP | POLLERR))) read_from(c, out);
        if (c.answered && (ev & (POLLOUT | POLLHUP | POLLERR))) write_to(c);
    }
    if (fds[0].revents & POLLIN) accept_all();
    if (std::erase_if(clients_, [](const Client& c) { return !c.fd.valid(); }) > 0) paused_ = false;
    return out;
}

void Server::accept_all() {
    for (;;) {
        int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd == -1) {
            // Out of fds: the listener stays readable, and polling it would
            // spin; it rests until some fd is freed (resume()).
            if (errno == EMFILE || errno == ENFILE) paused_ = true;
            return;  // EAGAIN: all taken; anything else: the client's problem
        }
        Client c;
        c.fd.reset(fd);
        c.id = ++next_id_;
        const ucred cred = peer_of(fd);
        c.uid = cred.uid;
        c.pid = cred.pid;
        if (clients_.size() >= max_clients) {
            // Full of connections that never asked anything: the oldest
            // makes room, so that idle ones cannot lock everyone out.
            auto idle = std::find_if(clients_.begin(), clients_.end(), [](const Client& o) { return !o.asked; });
            if (idle == clients_.end()) continue;  // closed: it may retry
            clients_.erase(idle);
        }
        // Refused once its request is read: closing a socket with unread
        // data would reset the connection before the client reads why.
        if (c.uid != 0 && c.uid != uid_) c.refused = "only root and uid " + std::to_string(uid_) + " may control this supervisor";
        clients_.push_back(std::move(c));
    }
}

void Server::read_from(Client& c, std::vector<Request>& out) {
    if (c.asked) {  // a hangup while it waits: it wants no answer
        c.fd.reset();
        return;
    }
    char buf[max_request];
    ssize_t n = sys::retry_eintr([&] { return ::read(c.fd.get(), buf, sizeof buf); });
    if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {  // gone before asking anything
        c.fd.reset();
        return;
    }
    c.in.append(buf, static_cast<size_t>(n));
    auto nl = c.in.find('\n');
    if (nl == std::string::npos) {
        if (c.in.size() >= max_request) answer(c.id, {}, 125, "request too long");
        return;
    }
    std::string line = c.in.substr(0, nl);
    auto blank = line.find(' ');
    Request r{c.id, line.substr(0, blank), blank == std::string::npos ? std::string() : line.substr(blank + 1),
              c.uid, c.pid, {}};
    c.asked = true;
    c.in.clear();
    if (!c.refused.empty()) {
        r.refused = c.refused;
        answer(c.id, {}, 125, "permission denied: " + c.refused);
    }
    out.push_back(std::move(r));
}

void Server::answer(std::uint64_t client, std::string body, int code, std::string_view text) {
    auto it = std::find_if(clients_.begin(), clients_.end(), [&](const Client& c) { return c.id == client; });
    if (it == clients_.end() || it->answered) return;
    if (!body.empty() && body.back() != '\n') body += '\n';
    body += code == 0 ? "ok " : "fail " + std::to_string(code) + " ";
    body += text;
    body += '\n';
    it->out = std::move(body);
    it->answered = true;
    write_to(*it);
}

void Server::write_to(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == -1 && errno == EINTR) continue;
        if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // POLLOUT brings us back
        if (n <= 0) break;  // the client is gone: nothing more to tell it
        c.out.erase(0, static_cast<size_t>(n));
    }
    c.fd.reset();
}

Result<Answer> parse_answer(std::string_view text) {
    if (text.empty() || text.back() != '\n') return Error{ExitCode::failure, "the supervisor hung up without an answer", 0};
    text.remove_suffix(1);
    auto nl = text.rfind('\n');
    std::string_view last = nl == std::string_view::npos ? text : text.substr(nl + 1);
    Answer a;
    a.body = nl == std::string_view::npos ? std::string() : std::string(text.substr(0, nl + 1));
    if (last.starts_with("ok")) {
        a.code = 0;
        a.text = last.size() > 3 ? std::string(last.substr(3)) : std::string();
        return a;
    }
    if (last.starts_with("fail ")) {
        last.remove_prefix(5);
        auto blank = last.find(' ');
        auto code = parse_unsigned<unsigned>(last.substr(0, blank), 255);
        if (code && *code != 0) {
            a.code = static_cast<int>(*code);
            a.text = blank == std::string_view::npos ? std::string() : std::string(last.substr(blank + 1));
            return a;
        }
    }
    return Error{ExitCode::failure, "the supervisor's answer is malformed: '" + std::string(last.substr(0, 80)) + "'", 0};
}

Result<Answer> ask(const std::string& path, pid_t pid, std::string_view request) {
    auto sock = sys::fs::connect_socket(path, sys::fs::Actor::current());
    if (!sock) return std::move(sock).error();
    const ucred peer = peer_of(sock->get());
    if (peer.pid != pid)
        return Error{ExitCode::failure,
                     path + " belongs to PID " + std::to_string(peer.pid) + ", not to the supervisor (PID " +
                         std::to_string(pid) + "): not asking it",
                     0};
    // A refusal may come (and the socket close) before the request is
    // sent: no SIGPIPE, and the answer is read all the same.
    const std::string line = std::string(request) + "\n";
    if (::send(sock->get(), line.data(), line.size(), MSG_NOSIGNAL) == -1 && errno != EPIPE && errno != ECONNRESET)
        return sys_error("send the request to " + path);
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = sys::retry_eintr([&] { return ::read(sock->get(), buf, sizeof buf); });
        if (n == -1 && !(errno == ECONNRESET && !text.empty())) return sys_error("read the answer from " + path);
        if (n == -1) break;
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    return parse_answer(text);
}

}  // namespace daemonize::channel
