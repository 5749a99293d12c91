#include "systemd_unit.hpp"

#include <algorithm>
#include <array>

namespace multi6d {

namespace {

// The unit types whose units systemd gives a cgroup (systemd.unit(5)); a
// .target, .timer, .path, .device or .automount has none.
constexpr std::array<std::string_view, 6> cgroup_types = {".service", ".scope", ".slice",
                                                          ".socket",  ".mount", ".swap"};

bool unit_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
           c == '_' || c == '.' || c == '-' || c == '\\';
}

std::string quoted(std::string_view name) {
    return "\"" + std::string(name) + "\"";
}

}  // namespace

std::string unit_name_problem(std::string_view name) {
    if (name.empty() || name.size() > max_unit_name_length) {
        return quoted(name.substr(0, 64)) + " is not a systemd unit name (1 to " +
               std::to_string(max_unit_name_length) + " characters)";
    }
    const auto type = std::ranges::find_if(
        cgroup_types, [&](std::string_view suffix) { return name.ends_with(suffix); });
    if (type == cgroup_types.end()) {
        return quoted(name) +
               " is not a unit with a cgroup: the name must end in .service, .scope, .slice, "
               ".socket, .mount or .swap";
    }
    const std::string_view stem = name.substr(0, name.size() - type->size());
    if (stem.empty()) {
        return quoted(name) + " has no name before its type suffix";
    }
    const std::size_t at = stem.find('@');
    if (at != std::string_view::npos) {
        if (at == 0 || stem.find('@', at + 1) != std::string_view::npos) {
            return quoted(name) +
                   " is not a systemd unit name (one '@', after the template's name)";
        }
        if (at + 1 == stem.size()) {
            return quoted(name) +
                   " is a template, which has no cgroup: name an instance (NAME@INSTANCE" +
                   std::string(*type) + ")";
        }
    }
    for (const char c : stem) {
        if (c != '@' && !unit_char(c)) {
            return quoted(name) +
                   " is not a systemd unit name (allowed: letters, digits, : _ . - \\ and one @)";
        }
    }
    return "";
}

bool cgroup_holds_units(std::string_view directory_name) {
    if (directory_name.ends_with(".slice")) {
        return true;
    }
    // user@UID.service: systemd --user, whose units are in its own slices.
    constexpr std::string_view prefix = "user@";
    constexpr std::string_view suffix = ".service";
    if (!directory_name.starts_with(prefix) || !directory_name.ends_with(suffix) ||
        directory_name.size() <= prefix.size() + suffix.size()) {
        return false;
    }
    const std::string_view uid =
        directory_name.substr(prefix.size(), directory_name.size() - prefix.size() - suffix.size());
    return std::ranges::all_of(uid, [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace multi6d
