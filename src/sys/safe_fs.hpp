// The one audited place for file-system operations on paths (SPEC.md 9):
// every open, create, rename and unlink that daemonize does by name.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "../error.hpp"
#include "fd.hpp"

namespace daemonize::sys::fs {

/// Who daemonize acts for. Root and the invoking user are trusted; the
/// service (-u, when daemonize switches to it) is not, and operations in
/// directories it can write are done with its file-system identity.
struct Actor {
    uid_t self = 0;     // daemonize's effective uid
    uid_t invoker = 0;  // its real uid
    bool has_service = false;
    uid_t service_uid = 0;
    gid_t service_gid = 0;
    std::vector<gid_t> service_groups;

    /// This process, acting for nobody else.
    [[nodiscard]] static Actor current();
    /// Whether `uid` is root or the invoking user (a file they own was put
    /// there by someone daemonize trusts).
    [[nodiscard]] bool trusts(uid_t uid) const noexcept { return uid == 0 || uid == self || uid == invoker; }
};

/// A file as the kernel names it: what "the file we created" means.
struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    [[nodiscard]] bool valid() const noexcept { return ino != 0; }
    [[nodiscard]] bool operator==(const FileId&) const = default;
};
[[nodiscard]] FileId id_of(const struct stat& st) noexcept;

enum class Access { read, append, truncate };

struct Opened {
    UniqueFd fd;
    bool created = false;
    FileId id;
};

/// A standard stream or log file (-i, -o, -e, captured logs). `path` is
/// absolute. Output is always O_APPEND; --truncate truncates only after the
/// file was checked. A missing output file is created 0666 minus the umask
/// (O_EXCL), owned by the service when there is one. In a directory that
/// others can write, only a regular file with one link, owned by root, the
/// invoking user or the service, is accepted, and no symbolic link followed.
[[nodiscard]] Result<Opened> open_stream(const std::string& path, Access access, const Actor& actor);

/// A pidfile (SPEC.md 4): never follows a symbolic link, never blocks; only
/// a regular file with one link, owned by root or the invoking user and not
/// writable by group or others. `create`: open read-write, creating it
/// (0644, O_EXCL) if missing; otherwise read-only. Refusals are
/// ExitCode::failure with the rule in `what` and err 0.
[[nodiscard]] Result<Opened> open_pidfile(const std::string& path, bool create, const Actor& actor);
/// The pidfile rules, applied to an open file (fstat).
[[nodiscard]] Status check_pidfile(int fd, const std::string& path, const Actor& actor);

/// Refuses a pidfile path that goes through a place the service controls
/// (it could swap the file there for one of root's).
[[nodiscard]] Status check_pidfile_place(const std::string& path, const Actor& actor);

/// A directory to be used by its fd from now on (--chroot): O_PATH, never
/// through a place the service controls (it could swap it for another).
[[nodiscard]] Result<UniqueFd> open_directory(const std::string& path, const Actor& actor);

/// Writes `content` to a new file next to `path` and renames it over
/// `path` (so a reader never sees half of it, and nothing at `path` is
/// followed). In a directory others can write, what is at `path` must be
/// `ours` (the file written last time) or pass the pidfile rules. Returns
/// the new file's id.
/// `prepare` may add to the new file (by its fd) before it is renamed.
[[nodiscard]] Result<FileId> replace(const std::string& path, std::string_view content, const FileId& ours,
                                     const Actor& actor, const std::function<void(int)>& prepare = {});

/// Log rotation: renames path.(keep-1) → path.keep, ..., path → path.1 in
/// the directory of `path` (renameat: links are moved, never followed),
/// only if `path` still names `current`, a regular file, or the service
/// controls the directory (then as the service).
[[nodiscard]] Status rotate(const std::string& path, int keep, const FileId& current, const Actor& actor);

/// A listening unix stream socket bound at `path` (a supervisor's control
/// socket, next to its pidfile): the pidfile's rules for the place, mode
/// 0600, never through a link; a socket left at `path` by a trusted user
/// (a supervisor that died) is replaced, anything else refused. The socket
/// is non-blocking and close-on-exec.
[[nodiscard]] Result<Opened> listen_socket(const std::string& path, const Actor& actor);
/// The same for --listen unix:PATH: mode `mode`, given to the service (-u)
/// when there is one, blocking (the command accepts on it); a socket at
/// `path` that someone still listens on is "in use" (EADDRINUSE), a dead
/// one of a trusted user or the service is replaced.
[[nodiscard]] Result<Opened> listen_socket(const std::string& path, const Actor& actor, mode_t mode, bool for_command);
/// Connects to the unix stream socket at `path`: only a socket, never
/// through a link at the last component (the caller still checks who
/// answers, with SO_PEERCRED). Errors keep errno (ENOENT: no socket).
[[nodiscard]] Result<UniqueFd> connect_socket(const std::string& path, const Actor& actor);

/// Whether `path` still names the file `id` (nothing is followed).
[[nodiscard]] bool names(const std::string& path, const FileId& id, const Actor& actor);
/// Unlinks `path` only if it still names `id`. Best effort.
void unlink_if(const std::string& path, const FileId& id, const Actor& actor);

}  // namespace daemonize::sys::fs
