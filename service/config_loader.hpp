// Reads the configuration files from disk: the main file, then the drop-ins
// FILE.d/*.toml in name order (each overrides the keys it sets).
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "config_parser.hpp"

namespace multi6d {

struct LoadedConfig {
    Config config;
    std::vector<std::string> files_read;  // in the order applied
    std::vector<ConfigError> errors;      // non-empty: config is not to be used
};

// A missing main file is an error only when `must_exist` (the administrator
// named it); a missing default file means built-in defaults.
LoadedConfig load_config(const std::string& main_file, bool must_exist);

}  // namespace multi6d
