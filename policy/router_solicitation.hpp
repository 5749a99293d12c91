// Router Solicitation builder (RFC 4861 §4.1), for the RA listener to ask
// routers for a fresh RA at start-up and on exit.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace multi6d {

// Returns the ICMPv6 message (no IPv6 header) to write to a raw
// IPPROTO_ICMPV6 socket: type 133, code 0, checksum 0, 4 reserved octets,
// then, if `source_link_layer` holds a non-empty address, one Source
// Link-Layer Address option padded with zeros to a multiple of 8 octets.
//
// The checksum stays 0 because the kernel computes it for raw ICMPv6 sockets
// (RFC 3542 §3.1). The sender must send to ff02::2 with hop limit 255
// (IPV6_MULTICAST_HOPS) and must omit the SLLA when its source address is
// unspecified (RFC 4861 §4.1). Throws std::length_error for an address longer
// than an option can carry (2038 octets).
std::vector<std::uint8_t> build_router_solicitation(
    std::optional<std::span<const std::uint8_t>> source_link_layer);

}  // namespace multi6d
