#include "config_loader.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>

#include "application_accounts.hpp"
#include "small_file.hpp"

namespace multi6d {

namespace {

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
    const SmallFile main_read = read_small_file(main_file, max_config_file_bytes);
    switch (main_read.status) {
        case SmallFile::Status::ok:
            result.errors = apply_config_text(main_read.text, main_file, result.config);
            result.files_read.push_back(main_file);
            break;
        case SmallFile::Status::missing:
            if (must_exist) {
                result.errors.push_back({main_file, 0, 0, "", main_read.error});
                return;
            }
            break;
        case SmallFile::Status::failed:
            result.errors.push_back({main_file, 0, 0, "", main_read.error});
            break;
    }
    for (const auto& file : list_drop_ins(main_file + ".d", result.errors)) {
        const SmallFile read = read_small_file(file, max_config_file_bytes);
        if (read.status != SmallFile::Status::ok) {
            result.errors.push_back({file, 0, 0, "", read.error});
            continue;
        }
        auto errors = apply_config_text(read.text, file, result.config);
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
