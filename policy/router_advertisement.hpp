// A Router Advertisement as multi6d uses it: the validated content of one
// ICMPv6 type 134 message (RFC 4861 §4.2) with the options multi6d acts on.
// Pure data; produced by the RA parser (policy/ra_parser.hpp), consumed by
// the host model (policy/host_model.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "address.hpp"

namespace multi6d {

// RFC 4191 §2.1 preference. The reserved value 10 is read as Medium in the
// RA header (§2.2) and makes a Route Information Option ignored (§2.3).
enum class RouterPreference : std::int8_t { Low = -1, Medium = 0, High = 1 };

// "high", "medium" or "low", as logs, the D-Bus interface and radvd write it.
constexpr std::string_view to_string(RouterPreference preference) {
    switch (preference) {
        case RouterPreference::High:
            return "high";
        case RouterPreference::Low:
            return "low";
        case RouterPreference::Medium:
            break;
    }
    return "medium";
}

inline constexpr std::uint32_t infinite_lifetime = 0xffffffffU;

// Prefix Information Option, RFC 4861 §4.6.2.
struct PrefixInformation {
    Prefix prefix;
    bool on_link = false;                  // L
    bool autonomous = false;               // A
    std::uint32_t valid_lifetime = 0;      // seconds, infinite_lifetime = forever
    std::uint32_t preferred_lifetime = 0;  // seconds, never above valid_lifetime
    friend bool operator==(const PrefixInformation&, const PrefixInformation&) = default;
};

// Route Information Option, RFC 4191 §2.3.
struct RouteInformation {
    Prefix prefix;
    RouterPreference preference = RouterPreference::Medium;
    std::uint32_t lifetime = 0;  // seconds, infinite_lifetime = forever
    friend bool operator==(const RouteInformation&, const RouteInformation&) = default;
};

// Recursive DNS Server Option, RFC 8106 §5.1.
struct RecursiveDnsServers {
    std::uint32_t lifetime = 0;  // seconds, infinite_lifetime = forever
    std::vector<Address> servers;
    friend bool operator==(const RecursiveDnsServers&, const RecursiveDnsServers&) = default;
};

struct RouterAdvertisement {
    Address router;  // IPv6 source address: the router's link-local address
    std::uint8_t cur_hop_limit = 0;
    bool managed = false;  // M
    bool other = false;    // O
    RouterPreference preference = RouterPreference::Medium;
    std::uint16_t router_lifetime = 0;  // seconds; 0 = not a default router
    std::uint32_t reachable_time_ms = 0;
    std::uint32_t retrans_timer_ms = 0;
    std::optional<std::vector<std::uint8_t>> source_link_layer;  // SLLA option body
    std::optional<std::uint32_t> mtu;
    std::vector<PrefixInformation> prefixes;
    std::vector<RouteInformation> routes;
    std::vector<RecursiveDnsServers> dns_servers;
    friend bool operator==(const RouterAdvertisement&, const RouterAdvertisement&) = default;
};

}  // namespace multi6d
