// The daemon's stdin/stdout/stderr, opened in the caller so errors reach its terminal.
#pragma once

#include <string>
#include <vector>

#include "error.hpp"
#include "options.hpp"
#include "sys/fd.hpp"
#include "sys/safe_fs.hpp"

namespace daemonize {

struct StdioFiles {
    sys::UniqueFd in, out, err;  // err may be invalid: then it shares `out`
    struct Created {
        std::string path;
        sys::fs::FileId id;
    };
    std::vector<Created> created;  // files this start created, removed if it fails

    [[nodiscard]] int err_fd() const noexcept { return err.valid() ? err.get() : out.get(); }
};

/// Opens -i/-o/-e (relative to `cwd`; output appended, or truncated with
/// --truncate, created 0666 minus the umask in effect) through
/// sys::fs::open_stream, acting as `actor`. Unset streams get /dev/null, or
/// stay invalid (inherited) when `keep_unset`; -e unset or naming the same
/// file as -o shares -o's open file.
[[nodiscard]] Result<StdioFiles> open_stdio(const StdioOptions& opts, const std::string& cwd, bool keep_unset,
                                            const sys::fs::Actor& actor);

/// Opens each of `paths` once (created, or truncated with --truncate), so
/// that an error shows on the caller's terminal; created ones join `files`.
/// For the per-instance log files that the supervisor opens itself.
[[nodiscard]] Status prepare_outputs(const std::vector<std::string>& paths, bool truncate, StdioFiles& files,
                                     const sys::fs::Actor& actor);

/// Unlinks the files that open_stdio created, if they are still there. Best effort.
void remove_created(StdioFiles& files, const sys::fs::Actor& actor);

}  // namespace daemonize
