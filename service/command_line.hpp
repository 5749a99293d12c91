// multi6d's command line (documented in man/multi6d.8.scd).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "log.hpp"

namespace multi6d {

struct CommandLine {
    std::string config_file;                   // --config FILE
    bool config_file_given = false;            // a missing default file means built-in defaults
    std::string runtime_dir = "/run/multi6d";  // --runtime-dir DIR (saved sysctls)
    bool check_config = false;                 // --check-config
    bool show_version = false;                 // --version
    bool show_help = false;                    // --help
    std::optional<log::Level> log_level;       // --log-level LEVEL
};

struct CommandLineResult {
    std::optional<CommandLine> command_line;
    std::string error;  // set when command_line is empty
};

CommandLineResult parse_command_line(const std::vector<std::string>& args,
                                     const std::string& default_config_file);

std::string usage_text();

}  // namespace multi6d
