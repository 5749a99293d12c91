// Reads the configuration files from disk: the main file, then the drop-ins
// FILE.d/*.toml in name order (each overrides the keys it sets).
//
// Every read is bounded and never blocks: only regular files are read
// (opened O_NONBLOCK, checked with fstat before reading, so a FIFO, device
// or directory is refused with its type and never waited on), each at most
// max_config_file_bytes; a symlink loop, an unreadable file or an
// unreadable drop-in directory is an error naming the file and the reason.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config.hpp"
#include "config_parser.hpp"

namespace multi6d {

// Far above any real configuration (20,000 uplinks fit), far below memory
// that matters: --config /dev/zero must not eat the host.
inline constexpr std::size_t max_config_file_bytes = 4 * 1024 * 1024;
// Drop-ins read at most; more is an error rather than a long stall.
inline constexpr std::size_t max_drop_in_files = 1024;

struct LoadedConfig {
    Config config;
    std::vector<std::string> files_read;  // in the order applied
    std::vector<ConfigError> errors;      // non-empty: config is not to be used
    // Unknown users and groups of [[application]]s (service/application_accounts.hpp):
    // logged, the configuration is still used.
    std::vector<std::string> warnings;
};

// The errors as lines for a log or a reply: the first max_shown_errors,
// then "... and N more errors" (a broken file must not flood the log).
inline constexpr std::size_t max_shown_errors = 20;
std::vector<std::string> shown_config_errors(const std::vector<ConfigError>& errors);

// A missing main file is an error only when `must_exist` (the administrator
// named it); a missing default file means built-in defaults. Never throws:
// anything unexpected is an error in `errors`.
LoadedConfig load_config(const std::string& main_file, bool must_exist);

}  // namespace multi6d
