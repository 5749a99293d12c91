#include "config_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace multi6d {

namespace {

bool read_file(const std::string& path, std::string& text, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return false;
    }
    text = buffer.str();
    return true;
}

}  // namespace

LoadedConfig load_config(const std::string& main_file, bool must_exist) {
    namespace fs = std::filesystem;
    LoadedConfig result;
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::exists(main_file, ec)) {
        files.push_back(main_file);
    } else if (must_exist) {
        result.errors.push_back({main_file, 0, 0, "", "cannot read: No such file or directory"});
        return result;
    }
    const fs::path drop_in_dir = main_file + ".d";
    if (fs::is_directory(drop_in_dir, ec)) {
        std::vector<std::string> drop_ins;
        for (const auto& entry : fs::directory_iterator(drop_in_dir, ec)) {
            if (entry.path().extension() == ".toml" && !entry.is_directory()) {
                drop_ins.push_back(entry.path().string());
            }
        }
        std::sort(drop_ins.begin(), drop_ins.end());
        files.insert(files.end(), drop_ins.begin(), drop_ins.end());
    }
    for (const auto& file : files) {
        std::string text;
        std::string error;
        if (!read_file(file, text, error)) {
            result.errors.push_back({file, 0, 0, "", "cannot read: " + error});
            continue;
        }
        auto errors = apply_config_text(text, file, result.config);
        result.errors.insert(result.errors.end(), errors.begin(), errors.end());
        result.files_read.push_back(file);
    }
    return result;
}

}  // namespace multi6d
