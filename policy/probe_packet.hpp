// Wire format of multi6d's path probes: ICMPv6 Echo Request / Echo Reply
// (RFC 4443 §4.1, §4.2) carrying an 8-octet per-probe nonce, and the
// Destination Unreachable message (RFC 4443 §3.1) that quotes one.
//
// Pure code: bytes in, values out; no syscalls. The prober (prober.hpp) owns
// the sockets.
//
// A probe is 16 octets of ICMPv6: type, code, checksum, identifier,
// sequence number (RFC 4443 §4.1), then the nonce as the Data. RFC 4443
// §4.2 makes the echoing node return the Data unchanged, so a reply that
// does not carry the nonce of an outstanding probe was not caused by it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "address.hpp"

namespace multi6d {

using ProbeNonce = std::array<std::uint8_t, 8>;

// The fields that tie an echo message to one probe.
struct EchoFields {
    std::uint16_t identifier = 0;
    std::uint16_t sequence = 0;
    ProbeNonce nonce{};
    friend bool operator==(const EchoFields&, const EchoFields&) = default;
};

inline constexpr std::size_t probe_icmp_size = 16;  // ICMPv6 header (8) + nonce (8)
inline constexpr std::size_t ipv6_header_size = 40;
inline constexpr std::uint8_t icmp6_echo_request = 128;
inline constexpr std::uint8_t icmp6_echo_reply = 129;
inline constexpr std::uint8_t icmp6_destination_unreachable = 1;

// The ICMPv6 part of an Echo Request with checksum 0: for a raw ICMPv6
// socket, where the kernel computes the checksum (RFC 3542 §3.1).
std::array<std::uint8_t, probe_icmp_size> build_echo_icmp(const EchoFields& fields);

// A complete IPv6 packet (header + Echo Request, checksum filled in) from
// `source` to `destination`: for a packet socket, which bypasses the IPv6
// stack. Traffic class and flow label 0, no extension headers.
std::vector<std::uint8_t> build_echo_packet(const Address& source, const Address& destination,
                                            const EchoFields& fields, std::uint8_t hop_limit);

// The ICMPv6 checksum of `icmp6` (its checksum field counted as 0) over the
// RFC 8200 §8.1 pseudo-header (source, destination, length, next header 58).
std::uint16_t icmp6_checksum(const Address& source, const Address& destination,
                             std::span<const std::uint8_t> icmp6);

// An Echo Reply as a raw ICMPv6 socket delivers it (from the ICMPv6 header
// on; the kernel has verified the checksum). Anything else — another type, a
// code other than 0, a length other than probe_icmp_size — gives nullopt.
std::optional<EchoFields> parse_echo_reply(std::span<const std::uint8_t> icmp6);

// The probe a Destination Unreachable message quotes: the invoking packet's
// addresses and echo fields. Only an unreachable whose quoted packet is a
// complete Echo Request of our size, with no extension headers (we never
// send any), is recognised.
struct QuotedProbe {
    Address source;
    Address destination;
    EchoFields fields;
};
std::optional<QuotedProbe> parse_unreachable(std::span<const std::uint8_t> icmp6);

}  // namespace multi6d
