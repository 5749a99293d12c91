// Reads multi6d's TOML configuration. Pure: the caller reads the files and
// passes their text; this validates every key and value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace multi6d {

// The longest key shown in full in a message; longer ones are cut.
inline constexpr std::size_t max_shown_key = 80;

struct ConfigError {
    std::string file;
    unsigned line = 0;    // 1-based; 0 when unknown
    unsigned column = 0;  // 1-based; 0 when unknown
    std::string key;      // dotted path, e.g. "limits.routers_per_link"; may be empty
    std::string message;  // what is wrong and what is allowed

    // "FILE:LINE:COLUMN: KEY: MESSAGE", the form compilers use, so editors
    // and people find the spot.
    std::string to_string() const;
};

// Applies one file's settings on top of `config` (the defaults, or what
// earlier files set: drop-ins are applied in name order, each overriding
// the keys it sets). On any error `config` is left unchanged and every error
// found is returned.
std::vector<ConfigError> apply_config_text(std::string_view text, const std::string& file_name,
                                           Config& config);

}  // namespace multi6d
