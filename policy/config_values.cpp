#include "config_values.hpp"

#include <charconv>

namespace multi6d::config_detail {

namespace {

std::string quote(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

// RFC 4291 §2.4: fe80::/10 link-local, ff00::/8 multicast.
const Prefix link_local_space(Address(Address::Bytes{0xfe, 0x80}), 10);
const Prefix multicast_space(Address(Address::Bytes{0xff}), 8);
const Prefix global_unicast_space(Address(Address::Bytes{0x20}), 3);

}  // namespace

// Linux interface names: 1..15 bytes (IFNAMSIZ - 1), no '/', no whitespace,
// not "." or ".." (dev_valid_name() in net/core/dev.c).
std::string interface_name_problem(std::string_view name) {
    if (name.empty() || name.size() > 15) {
        return "interface name " + quote(name) + " must be 1 to 15 characters";
    }
    if (name == "." || name == "..") {
        return quote(name) + " is not an interface name";
    }
    for (const char c : name) {
        if (c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' ||
            static_cast<unsigned char>(c) < 0x20) {
            return "interface name " + quote(name) +
                   " contains a character not allowed in interface names";
        }
    }
    return "";
}

std::string uplink_name_problem(std::string_view name) {
    if (name.empty() || name.size() > 32) {
        return "uplink name " + quote(name) + " must be 1 to 32 characters";
    }
    for (const char c : name) {
        if (!is_name_char(c)) {
            return "uplink name " + quote(name) +
                   " may contain only letters, digits, '_', '.' and '-'";
        }
    }
    return "";
}

std::string absolute_path_problem(std::string_view path) {
    if (path.empty() || path.front() != '/') {
        return quote(path) + " is not an absolute file name (it must start with '/')";
    }
    if (path.size() > 4095) {
        return "file name longer than 4095 characters (PATH_MAX)";
    }
    if (path.back() == '/') {
        return quote(path) + " names a directory, not a file";
    }
    for (const char c : path) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return "file name contains a control character";
        }
    }
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view part = path.substr(start, end - start);
        if (part == "." || part == "..") {
            return quote(path) + " contains a \"" + std::string(part) +
                   "\" component; write the file name without it";
        }
        start = end + 1;
    }
    return "";
}

std::optional<Prefix> parse_ipv6_prefix(std::string_view text, std::string& problem) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        problem = quote(text) +
                  " has no prefix length (write ADDRESS/LENGTH, for example 2001:db8:1::/48)";
        return std::nullopt;
    }
    const std::string_view address_text = text.substr(0, slash);
    const auto address = Address::parse(address_text);
    if (!address) {
        problem = quote(text) +
                  " is not an IPv6 prefix (write ADDRESS/LENGTH, for example "
                  "2001:db8:1::/48)";
        return std::nullopt;
    }
    if (address_text.find(':') == std::string_view::npos || address->is_v4_mapped()) {
        problem = quote(text) + " is an IPv4 prefix; multi6d handles IPv6 paths only";
        return std::nullopt;
    }
    const std::string_view digits = text.substr(slash + 1);
    unsigned length = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
        length > 128) {
        problem = quote(text) + ": the prefix length must be a number from 0 to 128";
        return std::nullopt;
    }
    const Prefix prefix(*address, length);
    if (prefix.address() != *address) {
        problem = quote(text) + " has bits set after the first " + std::to_string(length) +
                  " (did you mean " + prefix.to_string() + "?)";
        return std::nullopt;
    }
    return prefix;
}

std::optional<Prefix> parse_match_prefix(std::string_view text, std::string& problem) {
    auto prefix = parse_ipv6_prefix(text, problem);
    if (prefix && (link_local_space.contains(*prefix) || multicast_space.contains(*prefix))) {
        problem =
            quote(text) + " is link-local or multicast space, which no path's prefix can be in";
        return std::nullopt;
    }
    return prefix;
}

std::optional<Prefix> parse_balance_prefix(std::string_view text, std::string& problem) {
    auto prefix = parse_ipv6_prefix(text, problem);
    if (prefix && !global_unicast_space.contains(*prefix)) {
        problem = quote(text) +
                  " is outside 2000::/3; only global unicast destinations are shared by weight";
        return std::nullopt;
    }
    return prefix;
}

std::optional<Address> parse_router_address(std::string_view text, std::string& problem) {
    if (text.find('%') != std::string_view::npos) {
        problem = quote(text) +
                  " has a zone index; write the address alone (it is matched on every link)";
        return std::nullopt;
    }
    const auto address = Address::parse(text);
    if (!address || address->is_v4_mapped()) {
        problem = quote(text) + " is not an IPv6 address";
        return std::nullopt;
    }
    if (!address->is_link_local()) {
        problem = quote(text) +
                  " is not link-local (fe80::/10); routers are known by the link-local address "
                  "they send Router Advertisements from (RFC 4861 §4.2)";
        return std::nullopt;
    }
    return address;
}

std::optional<Address> parse_probe_target(std::string_view text, std::string& problem) {
    if (text.find('/') != std::string_view::npos) {
        problem = quote(text) + " is a prefix; a target is one IPv6 address";
        return std::nullopt;
    }
    const auto address = Address::parse(text);
    if (!address || address->is_v4_mapped()) {
        problem = quote(text) + " is not an IPv6 address";
        return std::nullopt;
    }
    if (address->is_unspecified() || address->is_loopback() || address->is_multicast()) {
        problem = quote(text) + " is not a unicast address beyond this host";
        return std::nullopt;
    }
    if (address->is_link_local()) {
        problem = quote(text) +
                  " is link-local; a target must be beyond the router (probe_routers checks the "
                  "router itself)";
        return std::nullopt;
    }
    return address;
}

}  // namespace multi6d::config_detail
