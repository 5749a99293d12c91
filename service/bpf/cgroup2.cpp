#include "cgroup2.hpp"

#include <fcntl.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>

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
    std::istringstream lines{std::string(mountinfo)};
    std::string line;
    while (std::getline(lines, line)) {
        // id parent major:minor root mount-point options [optional...] - type source super
        std::istringstream fields(line);
        std::string id, parent, device, root, mount_point, field;
        if (!(fields >> id >> parent >> device >> root >> mount_point)) {
            continue;
        }
        while (fields >> field && field != "-") {
        }
        std::string type;
        if (field == "-" && fields >> type && type == "cgroup2") {
            return unescape(mount_point);
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
