// File-system operations by name, safe in directories that others can write.
//
// The design, in one place (SPEC.md section 9). The caller and its
// arguments are trusted; the service, once started, and every other user
// are not. So:
//
// 1. A path is resolved here, one component at a time from "/", with
//    O_PATH|O_NOFOLLOW. A directory is *trusted* when it is owned by root or
//    the invoking user and writable by neither group nor others. An entry is
//    *pinned* when nobody untrusted can have put it there or moved it: its
//    directory is trusted, or it is a trusted directory in a sticky
//    directory of root's or the invoking user's (/tmp/root-owned-dir: a
//    directory moves to a new parent only with write permission on itself).
//    Trust is lost at the first entry that is not pinned, for the rest of
//    the walk but for the target of a pinned link, which a trusted party
//    chose. A symbolic link is followed only if it is pinned: owning a link
//    proves nothing where others can write, they can rename it there.
// 2. The last component is looked at (lstat through O_PATH) before it is
//    opened: in an untrusted directory only a regular file with one link,
//    owned by root, the invoking user or the service, is accepted; then it
//    is opened O_NOFOLLOW|O_NONBLOCK (nothing can block) and the opened
//    inode must be the one looked at. New files are created O_CREAT|O_EXCL;
//    rotation is renameat() within the directory, of the very file being
//    written and only if it is a regular file; unlinks check the inode.
//    Truncation happens after the checks (ftruncate), never by O_TRUNC.
// 3. Once the walk meets an entry that the service (-u) could have put or
//    moved there (its directory is the service's, so it could chmod it, or
//    the service may write it now; in a sticky directory, only the service's
//    own entries and missing ones), the
//    whole operation, walk included, is done again under the service's
//    file-system identity (setfsuid, setfsgid and its groups): the kernel
//    then allows exactly what the service could do itself, whatever it did
//    to its directories, and what is created belongs to it. Files created
//    for the service elsewhere are given to it with fchown.
// 4. Pidfiles are root's (or the invoking user's): never created as the
//    service, never a link, never anything but a private regular file; the
//    child pidfile replaces only what the pidfile rules would accept.
#include "safe_fs.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>

#include "posix.hpp"

namespace daemonize::sys::fs {
namespace {

// The kernel's own limit on symbolic links followed in one lookup.
constexpr int max_links = 40;
// How often an operation is retried when the file changes under it.
constexpr int max_attempts = 8;
constexpr long proc_super_magic = 0x9fa0;

bool dir_trusted(const struct stat& st, const Actor& a) {
    return a.trusts(st.st_uid) && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

// Point 1: an entry of directory `dir` that nobody untrusted can have put
// there or moved. Anyone who can write a sticky directory may still move
// a file or link of root's into it, but a directory moves to a new parent
// only with write permission on itself: so in a sticky directory of root's
// or yours, only a trusted directory is pinned.
bool pinned(const struct stat& entry, const struct stat& dir, bool dir_is_trusted, const Actor& a) {
    if (dir_is_trusted) return true;
    return (dir.st_mode & S_ISVTX) != 0 && a.trusts(dir.st_uid) && S_ISDIR(entry.st_mode) && dir_trusted(entry, a);
}

const char* kind_of(mode_t mode) {
    switch (mode & S_IFMT) {
    case S_IFIFO: return "a FIFO";
    case S_IFSOCK: return "a socket";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFDIR: return "a directory";
    case S_IFLNK: return "a symbolic link";
    default: return "not a regular file";
    }
}

Error refusal(std::string what) { return Error{ExitCode::failure, std::move(what), 0}; }

// Where a path led: the directory holding its last component, and that.
struct Resolved {
    UniqueFd dir;          // O_PATH
    bool trusted = true;   // every directory on the way was trusted
    bool service = false;  // a name was looked up in a directory the service can write
    std::string leaf;
    bool exists = false;
    struct stat st {};     // the leaf itself (not followed), when it exists
    bool via_link = false; // a symbolic link led to the leaf
    bool magic = false;    // the leaf is a /proc magic link: the kernel follows it
};

Result<UniqueFd> open_root(const std::string& path) {
    int fd = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1) return sys_error("open / (resolving " + path + ")");
    return UniqueFd{fd};
}

void push_components(std::deque<std::string>& todo, std::string_view path) {
    std::deque<std::string> parts;
    size_t at = 0;
    while (at < path.size()) {
        size_t slash = path.find('/', at);
        if (slash == std::string_view::npos) slash = path.size();
        std::string_view part = path.substr(at, slash - at);
        if (!part.empty() && part != ".") parts.emplace_back(part);
        at = slash + 1;
    }
    todo.insert(todo.begin(), parts.begin(), parts.end());
}

bool on_proc(int dir) {
    struct statfs fs {};
    return ::fstatfs(dir, &fs) == 0 && fs.f_type == proc_super_magic;
}

bool service_controls(int dir, const struct stat& dir_st, int entry_fd, const struct stat* entry, const Actor& a);

// Resolves `path` (absolute) as point 1 above says; with `ask_service`,
// notes whether it went through a directory the service can write (point
// 3). A symbolic link as the last component is followed only with `follow_leaf`.
Result<Resolved> resolve(const std::string& path, bool follow_leaf, const Actor& a, bool ask_service) {
    if (path.empty() || path.front() != '/') return usage_error("internal error: '" + path + "' is not absolute");
    std::deque<std::string> todo;
    push_components(todo, path);
    if (todo.empty() || todo.back() == "..") return sys_error(path, EISDIR);

    Resolved r;
    struct stat dir_st {}, st {};
    auto enter_root = [&]() -> Status {
        auto root = open_root(path);
        if (!root) return std::move(root).error();
        r.dir = std::move(*root);
        if (::fstat(r.dir.get(), &dir_st) == -1) return sys_error("stat /");
        r.trusted = dir_trusted(dir_st, a);
        return Ok{};
    };
    if (auto ok = enter_root(); !ok) return ok.error();
    std::string walked;  // for messages
    int links = 0;
    while (!todo.empty()) {
        std::string name = std::move(todo.front());
        todo.pop_front();
        const bool last = todo.empty();
        if (name == "..") {
            int fd = ::openat(r.dir.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (fd == -1 || ::fstat(fd, &dir_st) == -1) return sys_error("open " + path);
            r.dir.reset(fd);
            r.trusted = r.trusted && dir_trusted(dir_st, a);
            walked += "/..";
            continue;
        }
        int fd = ::openat(r.dir.get(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd == -1) {
            if (last && errno == ENOENT) {
                if (ask_service && !r.service) r.service = service_controls(r.dir.get(), dir_st, -1, nullptr, a);
                r.leaf = std::move(name);
                return r;
            }
            return sys_error("open " + path);
        }
        UniqueFd here{fd};
        if (::fstat(fd, &st) == -1) return sys_error("stat " + path);
        if (ask_service && !r.service) r.service = service_controls(r.dir.get(), dir_st, fd, &st, a);
        const bool safe_entry = pinned(st, dir_st, r.trusted, a);
        if (S_ISLNK(st.st_mode) && (!last || follow_leaf)) {
            if (!safe_entry)
                return refusal("refusing to follow symbolic link " + walked + "/" + name +
                               ": other users can write the directory that holds it");
            if (last && on_proc(r.dir.get())) {
                // /proc/self/fd/N and friends are the kernel's, not a path.
                r.leaf = std::move(name);
                r.exists = r.magic = true;
                r.st = st;
                return r;
            }
            if (++links > max_links) return sys_error("resolve " + path, ELOOP);
            char target[PATH_MAX];
            ssize_t n = ::readlinkat(fd, "", target, sizeof target - 1);
            if (n == -1) return sys_error("read symbolic link " + walked + "/" + name);
            std::string_view to(target, static_cast<size_t>(n));
            if (last) r.via_link = true;
            if (!to.empty() && to.front() == '/') {
                if (auto ok = enter_root(); !ok) return ok.error();
                walked.clear();
            }
            push_components(todo, to);
            continue;  // a link to a directory as the last component ends below: EISDIR
        }
        if (last) {
            r.leaf = std::move(name);
            r.exists = true;
            r.st = st;
            return r;
        }
        if (!S_ISDIR(st.st_mode)) return sys_error("open " + path, ENOTDIR);
        r.dir = std::move(here);
        dir_st = st;
        r.trusted = safe_entry && dir_trusted(dir_st, a);
        walked += "/" + name;
    }
    return sys_error(path, EISDIR);
}

// Point 3 above: for one operation, the service's file-system identity.
class AsService {
public:
    AsService(const Actor& a, bool on) {
        if (!on) return;
        int n = ::getgroups(0, nullptr);
        if (n < 0) {
            err_ = errno;
            return;
        }
        saved_groups_.resize(static_cast<size_t>(n));
        if (::getgroups(n, saved_groups_.data()) < 0 ||
            ::setgroups(a.service_groups.size(), a.service_groups.data()) == -1) {
            err_ = errno;
            return;
        }
        active_ = true;
        saved_gid_ = ::getegid();
        saved_uid_ = ::geteuid();
        ::setfsgid(a.service_gid);
        ::setfsuid(a.service_uid);
        // setfs*id() reports failure only by not changing the id.
        if (static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))) != a.service_uid ||
            static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1))) != a.service_gid)
            err_ = EPERM;
    }
    ~AsService() {
        if (!active_) return;
        ::setfsuid(saved_uid_);
        ::setfsgid(saved_gid_);
        (void)::setgroups(saved_groups_.size(), saved_groups_.data());
    }
    AsService(const AsService&) = delete;
    AsService& operator=(const AsService&) = delete;

    /// 0, or why the identity could not be taken.
    [[nodiscard]] int error() const noexcept { return err_; }

private:
    bool active_ = false;
    int err_ = 0;
    uid_t saved_uid_ = 0;
    gid_t saved_gid_ = 0;
    std::vector<gid_t> saved_groups_;
};

// Whether the service may write `fd` (a directory) now.
bool service_may_write(int fd, const Actor& a) {
    AsService probe(a, true);
    if (probe.error() != 0) return true;  // then the operation as the service fails and says why
    return ::faccessat(fd, ".", W_OK, AT_EACCESS) == 0;
}

// Point 3: whether the service can have put `entry` (nullptr: a missing
// one, which it could create) into directory `dir`. An owner can always
// chmod its directory, so ownership alone decides. In a sticky directory it
// cannot replace others' entries, but it can move in any file or link it
// can reach; a directory only if it may write that directory.
bool service_controls(int dir, const struct stat& dir_st, int entry_fd, const struct stat* entry, const Actor& a) {
    if (!a.has_service) return false;
    if (dir_st.st_uid == a.service_uid) return true;
    if (dir_trusted(dir_st, a) || !service_may_write(dir, a)) return false;
    if ((dir_st.st_mode & S_ISVTX) == 0 || entry == nullptr || !S_ISDIR(entry->st_mode)) return true;
    if (entry->st_uid == a.service_uid) return true;
    return !dir_trusted(*entry, a) && service_may_write(entry_fd, a);
}

std::string as_whom(bool service, const Actor& a) {
    return service ? " (as uid " + std::to_string(a.service_uid) +
                         ": the service controls a directory on the way, so daemonize acts as the service there)"
                   : "";
}

// Resolves `path` and runs op(resolved, as_service): as ourselves, or, if
// the path goes through a directory the service can write, resolved again
// and run with the service's identity (point 3).
template <typename Op>
auto run_resolved(const std::string& path, bool follow_leaf, const Actor& a, Op op)
    -> decltype(op(std::declval<Resolved&>(), false)) {
    auto r = resolve(path, follow_leaf, a, true);
    if (!r) return std::move(r).error();
    if (!r->service) return op(*r, false);
    AsService as(a, true);
    if (as.error() != 0) return sys_error("take the identity of uid " + std::to_string(a.service_uid), as.error());
    auto again = resolve(path, follow_leaf, a, false);
    if (!again) {
        Error e = std::move(again).error();
        e.what += as_whom(true, a);
        return e;
    }
    return op(*again, true);
}

// Point 2 above, for a leaf in an untrusted directory.
Status check_untrusted_leaf(const struct stat& st, const std::string& path, const Actor& a) {
    if (!S_ISREG(st.st_mode))
        return refusal(path + " is " + kind_of(st.st_mode) + " in a directory that other users can write; refusing it");
    if (st.st_nlink != 1)
        return refusal(path + " has " + std::to_string(st.st_nlink) +
                       " hard links in a directory that other users can write; refusing to write through a link");
    if (!a.trusts(st.st_uid) && !(a.has_service && st.st_uid == a.service_uid))
        return refusal(path + " is owned by uid " + std::to_string(st.st_uid) +
                       ", neither root, you nor the service, in a directory that other users can write; refusing it");
    return Ok{};
}

bool same_file(int fd, const struct stat& looked) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && id_of(st) == id_of(looked);
}

Result<Opened> open_existing(const Resolved& r, const std::string& path, Access access, const Actor& a,
                             bool service) {
    if (S_ISDIR(r.st.st_mode)) return sys_error("open " + path, EISDIR);
    if (!r.trusted) {
        if (auto ok = check_untrusted_leaf(r.st, path, a); !ok) return ok.error();
    }
    int flags = (access == Access::read ? O_RDONLY : O_WRONLY | O_APPEND) | O_CLOEXEC | O_NOCTTY;
    if (!r.magic) flags |= O_NOFOLLOW;
    // Never block: not on a FIFO where others can write, and not on a file
    // lease (held by the file's owner, who may be the service).
    const bool nonblock = !r.trusted || S_ISREG(r.st.st_mode);
    if (nonblock) flags |= O_NONBLOCK;
    int fd = retry_eintr([&] { return ::openat(r.dir.get(), r.leaf.c_str(), flags); });
    if (fd == -1) {
        if (errno == ENOENT || errno == ELOOP) return Opened{};  // changed under us: again
        return sys_error("open " + path + as_whom(service, a));
    }
    Opened out{UniqueFd{fd}, false, id_of(r.st)};
    if (!r.magic && !same_file(fd, r.st)) return Opened{};
    if (!r.trusted) {
        // The opened inode is the one that counts.
        auto st = fstat_fd(fd, path);
        if (!st) return std::move(st).error();
        if (auto ok = check_untrusted_leaf(*st, path, a); !ok) return ok.error();
    }
    if (nonblock) {
        int fl = ::fcntl(fd, F_GETFL);
        if (fl != -1) (void)::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    }
    if (access == Access::truncate && ::ftruncate(fd, 0) == -1 && errno != EINVAL)
        return sys_error("truncate " + path);
    return out;
}

Result<Opened> create_new(const Resolved& r, const std::string& path, Access access, const Actor& a, bool service) {
    if (access == Access::read) return sys_error("open " + path, ENOENT);
    if (r.via_link) return refusal(path + " is a dangling symbolic link; refusing to create its target");
    int fd = retry_eintr([&] {
        return ::openat(r.dir.get(), r.leaf.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
                                                        O_NOCTTY, 0666);
    });
    if (fd == -1) {
        if (errno == EEXIST) return Opened{};  // someone was first: again
        return sys_error("create " + path + as_whom(service, a));
    }
    UniqueFd file{fd};
    auto st = fstat_fd(fd, path);
    if (!st) return std::move(st).error();
    if (a.has_service && !service && ::fchown(fd, a.service_uid, a.service_gid) == -1) {
        int err = errno;
        struct stat now {};
        if (::fstatat(r.dir.get(), r.leaf.c_str(), &now, AT_SYMLINK_NOFOLLOW) == 0 && id_of(now) == id_of(*st))
            ::unlinkat(r.dir.get(), r.leaf.c_str(), 0);
        return sys_error("give " + path + " to uid " + std::to_string(a.service_uid), err);
    }
    return Opened{std::move(file), true, id_of(*st)};
}

}  // namespace

Actor Actor::current() {
    Actor a;
    a.self = ::geteuid();
    a.invoker = ::getuid();
    return a;
}

FileId id_of(const struct stat& st) noexcept { return FileId{st.st_dev, st.st_ino}; }

Result<Opened> open_stream(const std::string& path, Access access, const Actor& actor) {
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        auto opened = run_resolved(path, true, actor, [&](const Resolved& r, bool service) {
            return r.exists ? open_existing(r, path, access, actor, service) : create_new(r, path, access, actor, service);
        });
        if (!opened || opened->fd.valid()) return opened;
    }
    return refusal(path + " keeps changing while daemonize opens it; giving up");
}

Status check_pidfile(int fd, const std::string& path, const Actor& actor) {
    auto st = fstat_fd(fd, "pidfile " + path);
    if (!st) return std::move(st).error();
    if (!S_ISREG(st->st_mode)) return refusal("pidfile " + path + " is " + kind_of(st->st_mode) + ", not a regular file");
    if (!actor.trusts(st->st_uid))
        return refusal("pidfile " + path + " is owned by uid " + std::to_string(st->st_uid) +
                       ", not by root or the invoking user; refusing to trust it");
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st->st_mode & 07777));
        return refusal("pidfile " + path + " is writable by group or others (mode " + mode + "); refusing to trust it");
    }
    if (st->st_nlink != 1)
        return refusal("pidfile " + path + " has " + std::to_string(st->st_nlink) +
                       " hard links; refusing to write through a link");
    return Ok{};
}

// Point 4: a pidfile where the service can put files of root's (the ones
// daemonize wrote, or a root-owned directory it renames onto the path)
// could name anything; such a place is refused outright.
namespace {
Status check_place(const Resolved& r, const std::string& what, const Actor& a) {
    if (!r.service) return Ok{};
    return refusal(what + " is in a place that the service (uid " + std::to_string(a.service_uid) +
                   ") controls, so it could swap the file; keep it in a directory only root can write");
}
}  // namespace

Status check_pidfile_place(const std::string& path, const Actor& actor) {
    auto r = resolve(path, false, actor, true);
    if (!r) return std::move(r).error();
    return check_place(*r, path, actor);
}

Result<UniqueFd> open_directory(const std::string& path, const Actor& actor) {
    auto r = resolve(path, true, actor, true);
    if (!r) return std::move(r).error();
    if (auto ok = check_place(*r, path, actor); !ok) return ok.error();
    if (!r->exists) return sys_error(path, ENOENT);
    if (!S_ISDIR(r->st.st_mode)) return sys_error(path, ENOTDIR);
    int fd = ::openat(r->dir.get(), r->leaf.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1) return sys_error("open " + path);
    UniqueFd dir{fd};
    if (!same_file(fd, r->st)) return refusal(path + " changed while it was opened");
    return dir;
}

Result<Opened> open_pidfile(const std::string& path, bool create, const Actor& actor) {
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        auto r = resolve(path, false, actor, true);
        if (!r) return std::move(r).error();
        if (auto ok = check_place(*r, "pidfile " + path, actor); !ok) return ok.error();
        if (!r->exists) {
            if (!create) return sys_error("open pidfile " + path, ENOENT);
            int fd = retry_eintr([&] {
                return ::openat(r->dir.get(), r->leaf.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            });
            if (fd == -1) {
                if (errno == EEXIST) continue;
                return sys_error("create pidfile " + path);
            }
            UniqueFd file{fd};
            auto st = fstat_fd(fd, "pidfile " + path);
            if (!st) return std::move(st).error();
            return Opened{std::move(file), true, id_of(*st)};
        }
        if (S_ISLNK(r->st.st_mode)) return refusal("pidfile " + path + " is a symbolic link; refusing to follow it");
        if (!S_ISREG(r->st.st_mode))
            return refusal("pidfile " + path + " is " + kind_of(r->st.st_mode) + ", not a regular file");
        int fd = retry_eintr([&] {
            return ::openat(r->dir.get(), r->leaf.c_str(),
                            (create ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        });
        if (fd == -1) {
            if (errno == ENOENT || errno == ELOOP) continue;
            return sys_error("open pidfile " + path);
        }
        UniqueFd file{fd};
        if (!same_file(fd, r->st)) continue;
        if (auto ok = check_pidfile(fd, path, actor); !ok) return ok.error();
        return Opened{std::move(file), false, id_of(r->st)};
    }
    return refusal("pidfile " + path + " keeps changing while daemonize opens it; giving up");
}

Result<FileId> replace(const std::string& path, std::string_view content, const FileId& ours, const Actor& actor,
                       const std::function<void(int)>& prepare) {
    auto r = resolve(path, false, actor, true);
    if (!r) return std::move(r).error();
    if (auto ok = check_place(*r, path, actor); !ok) return ok.error();
    if (r->exists && S_ISDIR(r->st.st_mode)) return sys_error("replace " + path, EISDIR);
    // Where others can write, only what the pidfile rules accept is replaced
    // (point 4): not a link, a FIFO or someone else's file.
    if (r->exists && !r->trusted && id_of(r->st) != ours) {
        const struct stat& st = r->st;
        if (!S_ISREG(st.st_mode) || st.st_nlink != 1 || !actor.trusts(st.st_uid) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
            return refusal(path + " is " + (S_ISREG(st.st_mode) ? "a file that is not daemonize's" : kind_of(st.st_mode)) +
                           ", in a directory that other users can write; not replacing it");
    }
    for (int attempt = 0; attempt < 16; ++attempt) {
        unsigned char noise[6];
        if (::getrandom(noise, sizeof noise, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof noise))
            return sys_error("getrandom");
        std::string tmp = "." + r->leaf + ".";
        for (unsigned char c : noise) tmp += "abcdefghijklmnopqrstuvwxyz0123456789"[c % 36];
        int fd = retry_eintr([&] {
            return ::openat(r->dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        });
        if (fd == -1) {
            if (errno == EEXIST) continue;
            return sys_error("create a temporary file next to " + path);
        }
        UniqueFd file{fd};
        auto st = fstat_fd(fd, path);
        Status written = st ? write_all(fd, content.data(), content.size()) : Status(st.error());
        if (written && prepare) prepare(fd);
        if (written && ::renameat(r->dir.get(), tmp.c_str(), r->dir.get(), r->leaf.c_str()) == 0) return id_of(*st);
        Error e = written ? sys_error("rename a temporary file to " + path) : written.error();
        ::unlinkat(r->dir.get(), tmp.c_str(), 0);
        return e;
    }
    return refusal("cannot find a free temporary name next to " + path);
}

namespace {

// One rotation step, from → to in r.dir. Where others can write and we act
// as ourselves, only a regular file of root's, yours or the service's (an
// older rotation) is moved or replaced, and never something put at `to`
// meanwhile (RENAME_NOREPLACE after removing the file looked at).
bool rename_over(const Resolved& r, const std::string& from, const std::string& to, bool service, const Actor& a) {
    int d = r.dir.get();
    if (r.trusted || service) return ::renameat(d, from.c_str(), d, to.c_str()) == 0 || errno == ENOENT;
    auto ours = [&](const std::string& name, bool& exists) {
        struct stat st {};
        exists = ::fstatat(d, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
        return exists && S_ISREG(st.st_mode) && (a.trusts(st.st_uid) || (a.has_service && st.st_uid == a.service_uid));
    };
    bool from_exists = false, to_exists = false;
    bool from_ours = ours(from, from_exists), to_ours = ours(to, to_exists);
    if (!from_exists) return true;
    if (!from_ours || (to_exists && !to_ours)) {
        errno = EEXIST;
        return false;
    }
    if (to_exists && ::unlinkat(d, to.c_str(), 0) == -1 && errno != ENOENT) return false;
    return ::renameat2(d, from.c_str(), d, to.c_str(), RENAME_NOREPLACE) == 0 || errno == ENOENT;
}

}  // namespace

Status rotate(const std::string& path, int keep, const FileId& current, const Actor& actor) {
    return run_resolved(path, false, actor, [&](const Resolved& r, bool service) -> Status {
        // What the service put at the path may be moved aside as the
        // service itself could; anything else only if it is our own file.
        if (!service && (!r.exists || id_of(r.st) != current))
            return refusal(path + " is no longer the file being written; not rotating it");
        if (!service && !S_ISREG(r.st.st_mode)) return refusal(path + " is " + kind_of(r.st.st_mode) + "; not rotating it");
        Status result = Ok{};
        for (int n = keep; n >= 1; --n) {
            std::string from = n == 1 ? r.leaf : r.leaf + "." + std::to_string(n - 1);
            std::string to = r.leaf + "." + std::to_string(n);
            if (!rename_over(r, from, to, service, actor))
                result = sys_error("rotate " + path + (n == 1 ? "" : "." + std::to_string(n - 1)) + " to " + path +
                                   "." + std::to_string(n) + as_whom(service, actor));
        }
        return result;
    });
}

namespace {

// A unix socket address for `leaf` in the directory `dir` as the kernel
// reaches it through /proc: the walk that resolved `dir` stays the only
// one, and long paths fit in sun_path.
Result<sockaddr_un> socket_address(const Resolved& r, const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string name = "/proc/self/fd/" + std::to_string(r.dir.get()) + "/" + r.leaf;
    if (name.size() >= sizeof addr.sun_path)
        return refusal("socket name '" + r.leaf + "' in " + path + " is too long for a unix socket");
    name.copy(addr.sun_path, name.size());
    return addr;
}

}  // namespace

Result<Opened> listen_socket(const std::string& path, const Actor& actor) {
    return listen_socket(path, actor, 0600, false);
}

namespace {
// Whether a process listens on the socket at `addr`.
bool someone_listens(const sockaddr_un& addr) {
    UniqueFd probe{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    return probe.valid() && ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}
}  // namespace

Result<Opened> listen_socket(const std::string& path, const Actor& actor, mode_t mode, bool for_command) {
    const char* what = for_command ? "socket " : "control socket ";
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        auto r = resolve(path, false, actor, true);
        if (!r) return std::move(r).error();
        if (auto ok = check_place(*r, what + path, actor); !ok) return ok.error();
        if (r->exists) {
            // Ours from a supervisor that died (its pidfile lock is ours now).
            const bool ours = actor.trusts(r->st.st_uid) || (actor.has_service && r->st.st_uid == actor.service_uid);
            if (!S_ISSOCK(r->st.st_mode) || !ours)
                return refusal(what + path + " exists and is " +
                               (S_ISREG(r->st.st_mode) ? "a regular file" : kind_of(r->st.st_mode)) + " of uid " +
                               std::to_string(r->st.st_uid) + ", not a socket of ours");
            if (for_command) {
                auto addr = socket_address(*r, path);
                if (addr && someone_listens(*addr)) return sys_error(what + path, EADDRINUSE);
            }
            if (::unlinkat(r->dir.get(), r->leaf.c_str(), 0) == -1 && errno != ENOENT)
                return sys_error("remove the old " + std::string(what) + path);
            continue;
        }
        auto addr = socket_address(*r, path);
        if (!addr) return std::move(addr).error();
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (for_command ? 0 : SOCK_NONBLOCK), 0);
        if (fd == -1) return sys_error("create the " + std::string(what) + path);
        UniqueFd sock{fd};
        // bind() creates the file with the umask applied: 0600 from the start.
        const mode_t old = ::umask(~mode & 0777);
        int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
        const int err = errno;
        ::umask(old);
        if (rc == -1) {
            if (err == EADDRINUSE) continue;  // someone was quicker: look again
            return sys_error("bind the " + std::string(what) + path, err);
        }
        struct stat st {};
        const bool give = for_command && actor.has_service;
        if (::fstatat(r->dir.get(), r->leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == -1 ||
            (give && ::fchownat(r->dir.get(), r->leaf.c_str(), actor.service_uid, actor.service_gid,
                                AT_SYMLINK_NOFOLLOW) == -1) ||
            ::listen(fd, for_command ? SOMAXCONN : 16) == -1) {
            Error e = sys_error("listen on the " + std::string(what) + path);
            ::unlinkat(r->dir.get(), r->leaf.c_str(), 0);  // just created by us, in a trusted place
            return e;
        }
        return Opened{std::move(sock), true, id_of(st)};
    }
    return refusal(what + path + " keeps changing");
}

Result<UniqueFd> connect_socket(const std::string& path, const Actor& actor) {
    auto r = resolve(path, false, actor, false);
    if (!r) return std::move(r).error();
    if (!r->exists) return sys_error("connect to " + path, ENOENT);
    if (!S_ISSOCK(r->st.st_mode)) return refusal(path + " is not a socket");
    auto addr = socket_address(*r, path);
    if (!addr) return std::move(addr).error();
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) return sys_error("create a socket");
    UniqueFd sock{fd};
    if (retry_eintr([&] { return ::connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr); }) == -1)
        return sys_error("connect to " + path);
    return sock;
}

bool names(const std::string& path, const FileId& id, const Actor& actor) {
    auto r = resolve(path, false, actor, false);
    return r && r->exists && id_of(r->st) == id;
}

void unlink_if(const std::string& path, const FileId& id, const Actor& actor) {
    auto r = resolve(path, false, actor, false);
    if (r && r->exists && id.valid() && id_of(r->st) == id) ::unlinkat(r->dir.get(), r->leaf.c_str(), 0);
}

}  // namespace daemonize::sys::fs
