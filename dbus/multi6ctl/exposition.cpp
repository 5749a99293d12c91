#include "exposition.hpp"

#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

namespace multi6d::ctl::exposition {

namespace {

bool name_char(char c, bool first, bool colon) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    return letter || (colon && c == ':') || (!first && digit);
}

bool valid_name(std::string_view name, bool colon) {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!name_char(name[i], i == 0, colon)) {
            return false;
        }
    }
    return true;
}

void check_family(const Family& family) {
    if (!valid_name(family.name, true)) {
        throw std::invalid_argument("bad metric name '" + family.name + "'");
    }
    if (family.type == Type::Counter &&
        (family.name.size() <= 6 ||
         family.name.compare(family.name.size() - 6, 6, "_total") != 0)) {
        throw std::invalid_argument("counter '" + family.name + "' does not end in _total");
    }
    for (const Sample& sample : family.samples) {
        std::set<std::string_view> seen;
        for (const Label& label : sample.labels) {
            if (!valid_name(label.name, false) || label.name.rfind("__", 0) == 0 ||
                !seen.insert(label.name).second) {
                throw std::invalid_argument("bad or repeated label name '" + label.name + "' in " +
                                            family.name);
            }
        }
    }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (const char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string format_value(const std::variant<std::uint64_t, double>& value) {
    if (const auto* integer = std::get_if<std::uint64_t>(&value)) {
        return std::to_string(*integer);
    }
    const double d = std::get<double>(value);
    if (std::isnan(d)) {
        return "NaN";
    }
    if (std::isinf(d)) {
        return d > 0 ? "+Inf" : "-Inf";
    }
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
    return std::string(buffer, result.ptr);
}

std::string render(const std::vector<Family>& families) {
    std::string out;
    std::set<std::string_view> names;
    for (const Family& family : families) {
        check_family(family);
        if (!names.insert(family.name).second) {
            throw std::invalid_argument("metric family '" + family.name + "' given twice");
        }
        out += "# HELP " + family.name + " " + escape_help(family.help) + "\n";
        out += "# TYPE " + family.name + (family.type == Type::Counter ? " counter\n" : " gauge\n");
        for (const Sample& sample : family.samples) {
            out += family.name;
            if (!sample.labels.empty()) {
                out += '{';
                for (std::size_t i = 0; i < sample.labels.size(); ++i) {
                    out += (i == 0 ? "" : ",") + sample.labels[i].name + "=\"" +
                           escape_label_value(sample.labels[i].value) + "\"";
                }
                out += '}';
            }
            out += " " + format_value(sample.value) + "\n";
        }
    }
    return out;
}

}  // namespace multi6d::ctl::exposition
