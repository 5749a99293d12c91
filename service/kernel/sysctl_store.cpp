#include "sysctl_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "durable_file.hpp"
#include "small_file.hpp"

namespace multi6d {

namespace {

constexpr std::string_view file_header = "# multi6d sysctl originals v1";

// A line is an interface name, a sysctl name and a value: a few tens of
// bytes for each of a handful of sysctls per interface. Far more than any
// host needs; a larger file is not ours.
constexpr std::size_t max_state_file_bytes = 1 << 20;

// Interface names as the kernel allows them (dev_valid_name()): 1..15
// bytes, no '/', no whitespace, not "." or "..". Checked so a name can
// never climb out of the conf directory.
bool valid_ifname(std::string_view name) {
    if (name.empty() || name.size() > 15 || name == "." || name == "..") {
        return false;
    }
    for (char c : name) {
        if (c == '/' || c == ':' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
            return false;
        }
    }
    return true;
}

bool valid_key(std::string_view key) {
    if (key.empty()) {
        return false;
    }
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

std::string errno_text(int error) {
    return std::strerror(error);
}

// 0 or errno.
int write_file(const std::filesystem::path& path, std::string_view value) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    std::string text(value);
    text += '\n';
    const ssize_t written = ::write(fd, text.data(), text.size());
    const int write_error = errno;
    ::close(fd);
    if (written < 0) {
        return write_error;
    }
    return static_cast<std::size_t>(written) == text.size() ? 0 : EIO;
}

bool same_interface(const SysctlStore::Key& key, std::string_view ifname) {
    return key.first == ifname;
}
bool any_interface(const SysctlStore::Key&, std::string_view) {
    return true;
}

}  // namespace

SysctlStore::SysctlStore(std::filesystem::path state_file, std::filesystem::path proc_sys_root)
    : state_file_(std::move(state_file)),
      conf_dir_(std::move(proc_sys_root) / "net" / "ipv6" / "conf") {
    load();
}

std::filesystem::path SysctlStore::path_of(std::string_view ifname, std::string_view key) const {
    if (!valid_ifname(ifname)) {
        throw SysctlError("invalid interface name \"" + std::string(ifname) + "\"");
    }
    if (!valid_key(key)) {
        throw SysctlError("invalid sysctl name \"" + std::string(key) + "\"");
    }
    return conf_dir_ / std::string(ifname) / std::string(key);
}

std::string SysctlStore::get(std::string_view ifname, std::string_view key) const {
    const std::filesystem::path path = path_of(ifname, key);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw SysctlError("read " + path.string() + ": " + errno_text(errno));
    }
    std::string value;
    char buffer[256];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            throw SysctlError("read " + path.string() + ": " + errno_text(error));
        }
        if (n == 0) {
            break;
        }
        value.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    while (!value.empty() && (value.back() == '\n')) {
        value.pop_back();
    }
    return value;
}

void SysctlStore::set(std::string_view ifname, std::string_view key, std::string_view value) {
    const std::filesystem::path path = path_of(ifname, key);
    if (value.find('\n') != std::string_view::npos) {
        throw SysctlError("write " + path.string() + ": value contains a newline");
    }
    Key id{std::string(ifname), std::string(key)};
    if (originals_.find(id) == originals_.end()) {
        const std::string original = get(ifname, key);
        if (original.find('\n') != std::string::npos) {
            throw SysctlError("read " + path.string() + ": multi-line value cannot be saved");
        }
        originals_.emplace(id, original);
        try {
            persist();
        } catch (...) {
            originals_.erase(id);
            throw;
        }
    }
    const int error = write_file(path, value);
    if (error != 0) {
        throw SysctlError("write " + path.string() + " = " + std::string(value) + ": " +
                          errno_text(error));
    }
}

void SysctlStore::restore(std::string_view ifname) {
    restore_if(same_interface, ifname);
}

void SysctlStore::restore_all() {
    restore_if(any_interface, {});
}

void SysctlStore::restore_if(bool (*match)(const Key&, std::string_view), std::string_view ifname) {
    std::vector<std::string> failures;
    bool changed = false;
    for (auto it = originals_.begin(); it != originals_.end();) {
        if (!match(it->first, ifname)) {
            ++it;
            continue;
        }
        const std::filesystem::path path = path_of(it->first.first, it->first.second);
        const int error = write_file(path, it->second);
        // ENOENT: the interface is gone, and with it the value to restore.
        if (error == 0 || error == ENOENT) {
            it = originals_.erase(it);
            changed = true;
        } else {
            failures.push_back("write " + path.string() + " = " + it->second + ": " +
                               errno_text(error));
            ++it;
        }
    }
    if (changed) {
        persist();
    }
    if (!failures.empty()) {
        std::string message = "restore sysctls: ";
        for (std::size_t i = 0; i < failures.size(); ++i) {
            message += (i ? "; " : "") + failures[i];
        }
        throw SysctlError(message);
    }
}

void SysctlStore::load() {
    std::error_code ec;
    if (!std::filesystem::exists(state_file_, ec)) {
        if (ec) {
            throw SysctlError("read " + state_file_.string() + ": " + ec.message());
        }
        return;  // a clean previous stop (or none): nothing left to restore
    }
    const SmallFile read = read_small_file(state_file_.string(), max_state_file_bytes);
    if (read.status != SmallFile::Status::ok) {
        throw SysctlError("read " + state_file_.string() + ": " + read.error);
    }
    unsigned number = 0;
    for (const std::string_view line : split_lines(read.text)) {
        ++number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto first = line.find(' ');
        const auto second = first == std::string::npos ? first : line.find(' ', first + 1);
        if (second == std::string::npos) {
            throw SysctlError(state_file_.string() + ":" + std::to_string(number) +
                              ": malformed entry (want \"<ifname> <key> <value>\")");
        }
        const std::string ifname(line.substr(0, first));
        const std::string key(line.substr(first + 1, second - first - 1));
        if (!valid_ifname(ifname) || !valid_key(key)) {
            throw SysctlError(state_file_.string() + ":" + std::to_string(number) +
                              ": invalid interface or sysctl name");
        }
        originals_.emplace(Key{ifname, key}, std::string(line.substr(second + 1)));
    }
}

void SysctlStore::persist() const {
    std::optional<std::string> content;
    if (!originals_.empty()) {
        std::string text(file_header);
        text += '\n';
        for (const auto& [key, value] : originals_) {
            text += key.first + ' ' + key.second + ' ' + value + '\n';
        }
        content = std::move(text);
    }
    try {
        save_file(state_file_, content);
    } catch (const std::runtime_error& e) {
        throw SysctlError(e.what());
    }
}

}  // namespace multi6d
