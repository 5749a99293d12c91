// Layout of one fuzz input for the RA parser, shared by the fuzz target and
// the seed corpus generator:
//   octet 0   IPv6 Hop Limit as received (255 is the only valid one)
//   octet 1   bit 0 picks the IPv6 source: 0 = fe80::1, 1 = 2001:db8::1
//   octet 2.. the ICMPv6 message, from the ICMPv6 header on
#pragma once

#include <cstddef>
#include <cstdint>

namespace multi6d::fuzz {

inline constexpr std::size_t ra_input_prefix = 2;
inline constexpr std::uint8_t ra_source_global = 1;

}  // namespace multi6d::fuzz
