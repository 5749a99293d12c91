#include "cgroup2.hpp"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "small_file.hpp"

namespace multi6d::bpf {

namespace {

// proc(5): spaces, tabs, newlines and backslashes in paths are \ooo.
std::string unescape(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] >= '0' &&
            field[i + 1] <= '3' && field[i + 2] >= '0' && field[i + 2] <= '7' &&
            field[i + 3] >= '0' && field[i + 3] <= '7') {
            out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                     (field[i + 3] - '0'));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> cgroup2_mount_point(std::string_view mountinfo) {
    for (const std::string_view line : split_lines(mountinfo)) {
        // id parent major:minor root mount-point options [optional...] - type source super
        const auto fields = split_words(line);
        constexpr std::size_t mount_point = 4;
        constexpr std::size_t first_optional = 6;
        const auto separator = std::find(fields.begin() + std::min(first_optional, fields.size()),
                                         fields.end(), std::string_view("-"));
        if (separator != fields.end() && separator + 1 != fields.end() &&
            *(separator + 1) == "cgroup2") {
            return unescape(fields[mount_point]);
        }
    }
    return std::nullopt;
}

std::optional<std::uint64_t> cgroup_id(const std::string& path) {
    // struct file_handle with room for the 8 bytes of a kernfs handle.
    alignas(file_handle) std::array<unsigned char, sizeof(file_handle) + 8> buffer{};
    auto* handle = reinterpret_cast<file_handle*>(buffer.data());
    handle->handle_bytes = 8;
    int mount_id = 0;
    if (name_to_handle_at(AT_FDCWD, path.c_str(), handle, &mount_id, 0) != 0) {
        return std::nullopt;
    }
    if (handle->handle_bytes != sizeof(std::uint64_t)) {
        errno = EOPNOTSUPP;
        return std::nullopt;
    }
    std::uint64_t id = 0;
    std::memcpy(&id, handle->f_handle, sizeof(id));
    return id;
}

}  // namespace multi6d::bpf
