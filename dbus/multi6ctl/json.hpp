// Just enough JSON for multi6ctl --json: strings (RFC 8259 §7 escaping),
// numbers, and D-Bus values converted by type.
#pragma once

#include <sdbus-c++/Types.h>

#include <map>
#include <string>
#include <string_view>

namespace multi6d::ctl {

// "text" with ", \ and control characters escaped; other bytes as they are
// (D-Bus strings are UTF-8 already).
std::string json_string(std::string_view text);

// A D-Bus value as JSON: s/o/g → string, b → true/false, integers and d →
// number (a non-finite double → null), as → array of strings; any other type
// → its signature as a string, so output never fails on a new key.
std::string json_value(const sdbus::Variant& value);

// {"key": value, ...} in key order.
std::string json_object(const std::map<std::string, sdbus::Variant>& details);

// The members of json_object() without the braces (for merging into an
// object that has other members too): "\"k\":v,\"k2\":v2".
std::string json_members(const std::map<std::string, sdbus::Variant>& details);

}  // namespace multi6d::ctl
