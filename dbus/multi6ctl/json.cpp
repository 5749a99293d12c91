#include "json.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace multi6d::ctl {

namespace {

template <typename T>
bool try_number(const sdbus::Variant& v, std::string& out) {
    if (!v.containsValueOfType<T>()) {
        return false;
    }
    out = std::to_string(v.get<T>());
    return true;
}

std::string json_double(double d) {
    if (!std::isfinite(d)) {
        return "null";
    }
    // The shortest of %.15g and %.17g that reads back as the same double.
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.15g", d);
    if (std::strtod(buffer, nullptr) != d) {
        std::snprintf(buffer, sizeof buffer, "%.17g", d);
    }
    return buffer;
}

}  // namespace

std::string json_string(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('"');
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x",
                                  static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buffer;
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
    return out;
}

std::string json_value(const sdbus::Variant& v) {
    if (v.containsValueOfType<std::string>()) {
        return json_string(v.get<std::string>());
    }
    if (v.containsValueOfType<bool>()) {
        return v.get<bool>() ? "true" : "false";
    }
    if (v.containsValueOfType<double>()) {
        return json_double(v.get<double>());
    }
    std::string out;
    if (try_number<std::uint8_t>(v, out) || try_number<std::int16_t>(v, out) ||
        try_number<std::uint16_t>(v, out) || try_number<std::int32_t>(v, out) ||
        try_number<std::uint32_t>(v, out) || try_number<std::int64_t>(v, out) ||
        try_number<std::uint64_t>(v, out)) {
        return out;
    }
    if (v.containsValueOfType<sdbus::ObjectPath>()) {
        return json_string(v.get<sdbus::ObjectPath>());
    }
    if (v.containsValueOfType<std::vector<std::string>>()) {
        out = "[";
        bool first = true;
        for (const std::string& s : v.get<std::vector<std::string>>()) {
            out += first ? "" : ",";
            out += json_string(s);
            first = false;
        }
        return out + "]";
    }
    return json_string(v.peekValueType());
}

std::string json_members(const std::map<std::string, sdbus::Variant>& details) {
    std::string out;
    bool first = true;
    for (const auto& [key, value] : details) {
        out += first ? "" : ",";
        out += json_string(key) + ":" + json_value(value);
        first = false;
    }
    return out;
}

std::string json_object(const std::map<std::string, sdbus::Variant>& details) {
    return "{" + json_members(details) + "}";
}

}  // namespace multi6d::ctl
