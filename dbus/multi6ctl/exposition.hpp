// The Prometheus text exposition format (version 0.0.4: what
// node_exporter's textfile collector and `promtool check metrics` read),
// as a pure formatter: families of samples in, text out. Each family is
// written as `# HELP`, `# TYPE`, then its samples, one per line; label
// values and help text are escaped as the format says (backslash, double
// quote in label values, line feed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace multi6d::ctl::exposition {

enum class Type { Gauge, Counter };

struct Label {
    std::string name;   // [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__"
    std::string value;  // any UTF-8; escaped on output
};

struct Sample {
    std::vector<Label> labels;
    // Counters are exact integers; gauges may be fractions.
    std::variant<std::uint64_t, double> value;
};

struct Family {
    std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*; a counter's ends in "_total"
    std::string help;  // one line of text; escaped on output
    Type type = Type::Gauge;
    std::vector<Sample> samples;  // may be empty: HELP and TYPE only
};

// `\` -> `\\`, `"` -> `\"`, line feed -> `\n` (label values).
std::string escape_label_value(std::string_view value);
// `\` -> `\\`, line feed -> `\n` (HELP text).
std::string escape_help(std::string_view help);
// Integers as they are; doubles in the shortest form that reads back
// exactly, "NaN", "+Inf" and "-Inf" as the format spells them.
std::string format_value(const std::variant<std::uint64_t, double>& value);

// The exposition of `families`, in their order. Throws
// std::invalid_argument for a malformed metric or label name, a duplicate
// family, or a counter whose name does not end in "_total" (programming
// errors: the names are multi6ctl's own).
std::string render(const std::vector<Family>& families);

}  // namespace multi6d::ctl::exposition
