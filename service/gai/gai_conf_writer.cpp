#include "gai_conf_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "durable_file.hpp"

namespace multi6d {

namespace {

struct FileContent {
    std::string text;
    struct stat status {};
};

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int error) {
    throw GaiConfError("gai.conf: cannot " + what + " " + path.string() + ": " +
                       std::strerror(error));
}

// The file to read and replace: a symlink's target (the link stays).
std::filesystem::path resolve(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(file, ec))) {
        return file;
    }
    std::filesystem::path target = std::filesystem::canonical(file, ec);
    if (ec) {
        fail("resolve symlink", file, ec.value());
    }
    return target;
}

std::filesystem::path directory_of(const std::filesystem::path& file) {
    return file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
}

// nullopt when the file does not exist.
std::optional<FileContent> read_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        fail("open", path, errno);
    }
    FileContent content;
    if (::fstat(fd, &content.status) != 0) {
        const int error = errno;
        ::close(fd);
        fail("stat", path, error);
    }
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail("read", path, error);
        }
        if (n == 0) {
            break;
        }
        content.text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return content;
}

bool newer(const timespec& a, const timespec& b) {
    return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

timespec plus_one_ns(timespec t) {
    if (++t.tv_nsec == 1'000'000'000L) {
        t.tv_nsec = 0;
        ++t.tv_sec;
    }
    return t;
}

// Fills the open temporary file and gives it the old file's mode, owner and
// a newer mtime. 0 or errno, with *what naming the failed step.
int fill_temporary(int fd, const std::string& text, const std::optional<FileContent>& old,
                   const char** what) {
    if (const int error = write_all(fd, text); error != 0) {
        *what = "write";
        return error;
    }
    struct stat now {};
    if (::fstat(fd, &now) != 0) {
        *what = "stat";
        return errno;
    }
    // chown before chmod: chown may clear set-id bits that chmod then sets.
    if (old && (now.st_uid != old->status.st_uid || now.st_gid != old->status.st_gid) &&
        ::fchown(fd, old->status.st_uid, old->status.st_gid) != 0) {
        *what = "set the owner of";
        return errno;
    }
    const mode_t mode = old ? (old->status.st_mode & 07777) : 0644;
    if (::fchmod(fd, mode) != 0) {
        *what = "set the mode of";
        return errno;
    }
    if (old && !newer(now.st_mtim, old->status.st_mtim)) {
        const timespec times[2] = {{0, UTIME_OMIT}, plus_one_ns(old->status.st_mtim)};
        if (::futimens(fd, times) != 0) {
            *what = "set the mtime of";
            return errno;
        }
    }
    if (::fsync(fd) != 0) {
        *what = "fsync";
        return errno;
    }
    return 0;
}

void write_atomically(const std::filesystem::path& path, const std::string& text,
                      const std::optional<FileContent>& old) {
    const std::filesystem::path dir = directory_of(path);
    std::string temp = (dir / ("." + path.filename().string() + ".multi6d-XXXXXX")).string();
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) {
        fail("create a temporary file in", dir, errno);
    }
    const char* what = "";
    int error = fill_temporary(fd, text, old, &what);
    if (::close(fd) != 0 && error == 0) {
        what = "close";
        error = errno;
    }
    if (error != 0) {
        ::unlink(temp.c_str());
        fail(std::string(what) + " temporary file for", path, error);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        error = errno;
        ::unlink(temp.c_str());
        fail("rename " + temp + " to", path, error);
    }
    fsync_directory(dir);
}

void remove_file(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        fail("remove", path, errno);
    }
    fsync_directory(directory_of(path));
}

}  // namespace

GaiConfWriter::GaiConfWriter(std::filesystem::path file) : file_(std::move(file)) {}

GaiConfUpdate GaiConfWriter::apply(const GaiInput& input) {
    const std::filesystem::path path = resolve(file_);
    const std::optional<FileContent> current = read_file(path);
    GaiPlan plan = plan_gai_conf(current ? current->text : "", current.has_value(), input);
    GaiConfUpdate update;
    update.shadowed_labels = std::move(plan.block.shadowed_labels);
    update.shadowed_precedences = std::move(plan.block.shadowed_precedences);
    update.stray_markers = std::move(plan.stray_markers);
    if (plan.remove_file) {
        remove_file(path);
        update.changed = true;
    } else if (current ? plan.text != current->text : !plan.text.empty()) {
        write_atomically(path, plan.text, current);
        update.changed = true;
    }
    return update;
}

GaiConfUpdate GaiConfWriter::restore() {
    const std::filesystem::path path = resolve(file_);
    const std::optional<FileContent> current = read_file(path);
    GaiConfUpdate update;
    if (!current) {
        return update;
    }
    GaiRestorePlan plan = plan_gai_restore(current->text);
    update.stray_markers = std::move(plan.stray_markers);
    if (plan.remove_file) {
        remove_file(path);
        update.changed = true;
    } else if (plan.text != current->text) {
        write_atomically(path, plan.text, current);
        update.changed = true;
    }
    return update;
}

}  // namespace multi6d
