// Files that must be whole after a crash or power loss: the runtime
// directory's records (sysctl originals, MPTCP endpoints) and gai.conf.
// Never a half-written file under the final name (write a temporary,
// fsync(2), rename(2), then fsync the directory so the rename is on disk).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace multi6d {

// Writes all of `text` to fd, going on after short writes and EINTR. 0 or
// errno.
int write_all(int fd, const std::string& text);

// fsync(2) of a directory, so renames and unlinks in it are on disk. Best
// effort: the data was synced before, and there is nothing better to do.
void fsync_directory(const std::filesystem::path& dir);

// Makes `path` hold `content` durably: nullopt removes the file (absent
// already is fine); otherwise the parent directories are created and the
// file is replaced through PATH.tmp (mode 0600). Throws std::runtime_error
// "remove PATH: ...", "create DIR: ..." or "write PATH: ..."; a failed write
// leaves the old file as it was and no temporary behind.
void save_file(const std::filesystem::path& path, const std::optional<std::string>& content);

}  // namespace multi6d
