// Opening the daemon's standard streams.
#include "stdio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "resolve.hpp"
#include "sys/posix.hpp"

namespace daemonize {
namespace {

// A log on a file system without a single free block would silently lose
// everything the daemon writes: say so now, while the caller can see it.
Result<sys::UniqueFd> check_space(sys::UniqueFd fd, const std::string& path) {
    struct statvfs fs {};
    if (::fstatvfs(fd.get(), &fs) == 0 && fs.f_blocks > 0 && fs.f_bfree == 0)
        return sys_error("open " + path, ENOSPC);
    return fd;
}

// Opens an output file, remembering it if this call created it.
Result<sys::UniqueFd> open_output(const std::string& path, bool truncate, std::vector<StdioFiles::Created>& created,
                                  const sys::fs::Actor& actor) {
    auto file = sys::fs::open_stream(path, truncate ? sys::fs::Access::truncate : sys::fs::Access::append, actor);
    if (!file) return std::move(file).error();
    if (file->created) created.push_back({path, file->id});
    return check_space(std::move(file->fd), path);
}

bool same_file(int a, int b) {
    struct stat sa {}, sb {};
    if (::fstat(a, &sa) == -1 || ::fstat(b, &sb) == -1) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

Result<sys::UniqueFd> open_null() { return sys::open_cloexec("/dev/null", O_RDWR); }

Result<sys::UniqueFd> open_input(const std::string& path, const sys::fs::Actor& actor) {
    auto file = sys::fs::open_stream(path, sys::fs::Access::read, actor);
    if (!file) return std::move(file).error();
    return std::move(file->fd);
}

}  // namespace

Result<StdioFiles> open_stdio(const StdioOptions& opts, const std::string& cwd, bool keep_unset,
                              const sys::fs::Actor& actor) {
    StdioFiles files;
    auto fail = [&](Error e) {
        remove_created(files, actor);
        return e;
    };

    if (!opts.in.empty() || !keep_unset) {
        auto in = opts.in.empty() ? open_null() : open_input(make_absolute(cwd, opts.in), actor);
        if (!in) return fail(std::move(in).error());
        files.in = std::move(*in);
    }
    if (!opts.out.empty() || !keep_unset) {
        auto out = opts.out.empty() ? open_null() : open_output(make_absolute(cwd, opts.out), opts.truncate, files.created, actor);
        if (!out) return fail(std::move(out).error());
        files.out = std::move(*out);
    }

    if (!opts.err.empty()) {
        std::string path = make_absolute(cwd, opts.err);
        if (opts.out.empty() || path != make_absolute(cwd, opts.out)) {
            auto err = open_output(path, opts.truncate, files.created, actor);
            if (!err) return fail(std::move(err).error());
            files.err = std::move(*err);
            // Two open file descriptions of one file would have two offsets.
            if (!opts.out.empty() && same_file(files.out.get(), files.err.get())) files.err.reset();
        }
    } else if (opts.out.empty()) {
        files.err.reset();  // both on the same /dev/null
    }
    return files;
}

Status prepare_outputs(const std::vector<std::string>& paths, bool truncate, StdioFiles& files,
                       const sys::fs::Actor& actor) {
    for (const auto& path : paths) {
        auto fd = open_output(path, truncate, files.created, actor);
        if (!fd) return std::move(fd).error();
    }
    return Ok{};
}

void remove_created(StdioFiles& files, const sys::fs::Actor& actor) {
    for (const auto& file : files.created) sys::fs::unlink_if(file.path, file.id, actor);
    files.created.clear();
}

}  // namespace daemonize
