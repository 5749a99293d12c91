// Address scope as RFC 6724 §3.1 defines it for address selection.
//
// Scopes are compared numerically (Rule 2 of both algorithms, destination
// Rule 8), so Scope is an ordered enum whose values are the RFC 4291 §2.7
// multicast scope field; values the RFC leaves unnamed (0, 3, 6, 7, 9–0xD,
// 0xF) still occur in multicast addresses and are returned as they are.
#pragma once

#include <cstdint>

#include "address.hpp"

namespace multi6d {

enum class Scope : std::uint8_t {
    InterfaceLocal = 0x1,
    LinkLocal = 0x2,
    AdminLocal = 0x4,
    SiteLocal = 0x5,
    OrganizationLocal = 0x8,
    Global = 0xE,
};

// Scope(A), RFC 6724 §3.1 and §3.2:
// - multicast: the 4-bit scope field of the address;
// - fe80::/10 and the loopback ::1: link-local;
// - fec0::/10 (deprecated site-local): site-local;
// - IPv4 (carried as ::ffff:a.b.c.d): 169.254/16 and 127/8 link-local,
//   everything else global (RFC 1918 space included);
// - every other unicast address, ULAs included: global.
Scope scope_of(const Address& address);

}  // namespace multi6d
