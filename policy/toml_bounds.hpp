// Bounds on configuration text checked before toml++ sees it.
//
// toml++ parses dotted keys and nested arrays/inline tables recursively: a
// key of 40,000 dotted parts overflows the stack (DESIGN §2). This scan is
// iterative, knows just enough TOML (strings, comments, brackets, the key
// before '=') to count key parts and nesting depth, and refuses text past
// the limits with the line and column where the limit is crossed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config_parser.hpp"

namespace multi6d {

// No multi6d key has more than 3 parts and no value nests more than 1 deep;
// the limits leave room for any legitimate file and stay far below toml++'s
// recursion depth.
inline constexpr std::size_t max_key_parts = 16;
inline constexpr std::size_t max_value_nesting = 16;

// The first limit `text` crosses, as an error at its position; nullopt when
// the text is within bounds (it may still be invalid TOML: toml++ says so).
std::optional<ConfigError> check_toml_bounds(std::string_view text, const std::string& file_name);

}  // namespace multi6d
