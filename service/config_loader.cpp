#include "config_loader.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>

#include "application_accounts.hpp"

namespace multi6d {

namespace {

std::string file_type_name(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a regular file";
}

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

enum class ReadStatus { ok, missing, failed };

// O_NONBLOCK: opening a FIFO would otherwise wait for a writer. fstat
// before the first read: only a regular file is read, and only up to the
// limit (a file that grows past it while read is refused too).
ReadStatus read_file(const std::string& path, std::string& text, std::string& error) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (fd.get() < 0) {
        const int e = errno;
        error = std::string("cannot read: ") + std::strerror(e);
        return e == ENOENT ? ReadStatus::missing : ReadStatus::failed;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        error = std::string("cannot read: ") + std::strerror(errno);
        return ReadStatus::failed;
    }
    // /dev/null is the usual way to say "an empty file" (`--config
    // /dev/null`: the built-in defaults); it reads as nothing, so it is the
    // one device that is safe to accept.
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
        text.clear();
        return ReadStatus::ok;
    }
    if (!S_ISREG(st.st_mode)) {
        error = "not read: " + file_type_name(st.st_mode) + ", not a regular file";
        return ReadStatus::failed;
    }
    const std::string too_large =
        "not read: larger than the limit of " + std::to_string(max_config_file_bytes) + " bytes";
    if (st.st_size > static_cast<off_t>(max_config_file_bytes)) {
        error = too_large + " (" + std::to_string(st.st_size) + " bytes)";
        return ReadStatus::failed;
    }
    text.assign(static_cast<std::size_t>(st.st_size) + 1, '\0');
    std::size_t got = 0;
    for (;;) {
        if (got == text.size()) {
            if (got > max_config_file_bytes) {
                error = too_large;
                return ReadStatus::failed;
            }
            text.resize(std::min(max_config_file_bytes + 1, text.size() * 2 + 4096));
        }
        const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error = std::string("cannot read: ") + std::strerror(errno);
            return ReadStatus::failed;
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return ReadStatus::ok;
}

bool is_drop_in_name(const std::string& name) {
    constexpr std::string_view suffix = ".toml";
    return name.size() > suffix.size() && name[0] != '.' &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// FILE.d/*.toml in name order; a missing directory has none, one that
// exists but cannot be listed is an error (its files would be skipped).
std::vector<std::string> list_drop_ins(const std::string& dir, std::vector<ConfigError>& errors) {
    std::vector<std::string> names;
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
        if (errno != ENOENT) {
            errors.push_back(
                {dir, 0, 0, "",
                 std::string("cannot read drop-in directory: ") + std::strerror(errno)});
        }
        return names;
    }
    errno = 0;
    while (const dirent* entry = ::readdir(handle)) {
        std::string name = entry->d_name;
        if (is_drop_in_name(name)) {
            names.push_back(std::move(name));
        }
        errno = 0;
    }
    if (errno != 0) {
        errors.push_back(
            {dir, 0, 0, "", std::string("cannot read drop-in directory: ") + std::strerror(errno)});
    }
    ::closedir(handle);
    if (names.size() > max_drop_in_files) {
        errors.push_back({dir, 0, 0, "",
                          "more than " + std::to_string(max_drop_in_files) +
                              " drop-in files (the limit): " + std::to_string(names.size())});
        names.clear();
    }
    std::sort(names.begin(), names.end());
    for (auto& name : names) {
        name = dir + "/" + name;
    }
    return names;
}

void load_into(LoadedConfig& result, const std::string& main_file, bool must_exist) {
    std::string text;
    std::string error;
    switch (read_file(main_file, text, error)) {
        case ReadStatus::ok:
            result.errors = apply_config_text(text, main_file, result.config);
            result.files_read.push_back(main_file);
            break;
        case ReadStatus::missing:
            if (must_exist) {
                result.errors.push_back({main_file, 0, 0, "", error});
                return;
            }
            break;
        case ReadStatus::failed:
            result.errors.push_back({main_file, 0, 0, "", error});
            break;
    }
    for (const auto& file : list_drop_ins(main_file + ".d", result.errors)) {
        if (read_file(file, text, error) != ReadStatus::ok) {
            result.errors.push_back({file, 0, 0, "", error});
            continue;
        }
        auto errors = apply_config_text(text, file, result.config);
        result.errors.insert(result.errors.end(), errors.begin(), errors.end());
        result.files_read.push_back(file);
    }
}

}  // namespace

std::vector<std::string> shown_config_errors(const std::vector<ConfigError>& errors) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < errors.size() && i < max_shown_errors; ++i) {
        lines.push_back(errors[i].to_string());
    }
    if (errors.size() > max_shown_errors) {
        lines.push_back("... and " + std::to_string(errors.size() - max_shown_errors) +
                        " more errors");
    }
    return lines;
}

LoadedConfig load_config(const std::string& main_file, bool must_exist) {
    LoadedConfig result;
    try {
        load_into(result, main_file, must_exist);
        if (result.errors.empty()) {
            result.warnings = resolve_application_accounts(result.config.applications);
        }
    } catch (const std::exception& e) {
        // bad_alloc, or a parser failure that is not a parse_error: the
        // configuration is unusable, the caller keeps what it runs.
        result.errors.push_back({main_file, 0, 0, "", std::string("cannot load: ") + e.what()});
    }
    return result;
}

}  // namespace multi6d
