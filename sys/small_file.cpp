#include "small_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "unique_fd.hpp"

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

SmallFile failed(std::string error) {
    SmallFile result;
    result.error = std::move(error);
    return result;
}

std::string errno_text() {
    return std::string("cannot read: ") + std::strerror(errno);
}

}  // namespace

SmallFile read_small_file(const std::string& path, std::size_t max_bytes) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd) {
        const bool missing = errno == ENOENT;  // before anything else may set errno
        SmallFile result = failed(errno_text());
        if (missing) {
            result.status = SmallFile::Status::missing;
        }
        return result;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return failed(errno_text());
    }
    SmallFile result;
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
        result.status = SmallFile::Status::ok;
        return result;
    }
    if (!S_ISREG(st.st_mode)) {
        return failed("not read: " + file_type_name(st.st_mode) + ", not a regular file");
    }
    const std::string too_large =
        "not read: larger than the limit of " + std::to_string(max_bytes) + " bytes";
    if (st.st_size > static_cast<off_t>(max_bytes)) {
        return failed(too_large + " (" + std::to_string(st.st_size) + " bytes)");
    }
    // st_size + 1 so that the end is seen without growing; /proc files say
    // 0 and grow the buffer as they are read.
    std::string& text = result.text;
    text.assign(static_cast<std::size_t>(st.st_size) + 1, '\0');
    std::size_t got = 0;
    for (;;) {
        if (got == text.size()) {
            if (got > max_bytes) {
                return failed(too_large);
            }
            text.resize(std::min(max_bytes + 1, text.size() * 2 + 4096));
        }
        const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return failed(errno_text());
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    result.status = SmallFile::Status::ok;
    return result;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    constexpr std::string_view blanks = " \t";
    for (auto start = line.find_first_not_of(blanks); start != std::string_view::npos;
         start = line.find_first_not_of(blanks, start)) {
        const auto end = line.find_first_of(blanks, start);
        words.push_back(line.substr(start, end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end;
    }
    return words;
}

}  // namespace multi6d
