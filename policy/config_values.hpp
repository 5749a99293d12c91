// Internal to the configuration parser: checks of single values. Each
// returns the value, or nullopt with `problem` set to a message that says
// what is wrong and what is allowed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "address.hpp"

namespace multi6d::config_detail {

// Linux interface names (dev_valid_name() in net/core/dev.c). "" if fine.
std::string interface_name_problem(std::string_view name);

// [A-Za-z0-9_.-]{1,32}: usable in logs, D-Bus and file names unquoted. "" if fine.
std::string uplink_name_problem(std::string_view name);

// An absolute file name without "." or ".." components. "" if fine.
std::string absolute_path_problem(std::string_view path);

// "ADDRESS/LENGTH", IPv6 only, no bits set past LENGTH. Host bits are
// rejected rather than masked: iproute2 rejects them too ("Invalid prefix
// for given prefix length"), and they are usually a wrong length (a /46
// meant as /64) that masking would turn into a silently wider match.
std::optional<Prefix> parse_ipv6_prefix(std::string_view text, std::string& problem);

// A prefix a path can be in: an IPv6 prefix that is not link-local or
// multicast space (paths never have such a prefix, path.hpp).
std::optional<Prefix> parse_match_prefix(std::string_view text, std::string& problem);

// A destination range for [balance]: inside 2000::/3.
std::optional<Prefix> parse_balance_prefix(std::string_view text, std::string& problem);

// A router: a link-local IPv6 address without a zone (it is matched on
// every link).
std::optional<Address> parse_router_address(std::string_view text, std::string& problem);

// A probe target: a unicast IPv6 address beyond the link (global or ULA).
std::optional<Address> parse_probe_target(std::string_view text, std::string& problem);

}  // namespace multi6d::config_detail
