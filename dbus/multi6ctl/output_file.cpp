#include "output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace multi6d::ctl {

namespace {

[[noreturn]] void fail(const std::string& file, const std::string& what, int error) {
    throw std::runtime_error("cannot write " + file + ": " + what + ": " + std::strerror(error));
}

}  // namespace

void replace_file(const std::string& file, const std::string& text) {
    const std::filesystem::path path(file);
    if (path.filename().empty()) {
        throw std::runtime_error("cannot write " + file + ": not a file name");
    }
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    std::string pattern = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) {
        fail(file, "create a temporary file in " + dir.string(), errno);
    }
    const std::string temporary(name.data());
    auto give_up = [&](const std::string& what, int error) {
        close(fd);
        unlink(temporary.c_str());
        fail(file, what, error);
    };
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            give_up("write " + temporary, errno);
        }
        done += static_cast<std::size_t>(n);
    }
    // mkostemp makes it 0600; metrics are for every reader (the collector
    // runs as its own user).
    if (fchmod(fd, 0644) != 0) {
        give_up("chmod " + temporary, errno);
    }
    if (fsync(fd) != 0) {
        give_up("fsync " + temporary, errno);
    }
    if (close(fd) != 0) {
        const int error = errno;
        unlink(temporary.c_str());
        fail(file, "close " + temporary, error);
    }
    if (rename(temporary.c_str(), file.c_str()) != 0) {
        const int error = errno;
        unlink(temporary.c_str());
        fail(file, "rename " + temporary, error);
    }
    // The rename on disk too; best effort, the data is synced already.
    const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        fsync(dir_fd);
        close(dir_fd);
    }
}

}  // namespace multi6d::ctl
