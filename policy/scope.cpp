#include "scope.hpp"

namespace multi6d {

Scope scope_of(const Address& address) {
    if (address.is_multicast()) {
        // RFC 4291 §2.7: the low 4 bits of the second byte.
        return static_cast<Scope>(address.byte(1) & 0x0f);
    }
    if (address.is_v4_mapped()) {
        // RFC 6724 §3.2: auto-configuration (169.254/16) and loopback (127/8)
        // addresses are link-local; all other IPv4 addresses are global.
        const std::uint8_t a = address.byte(12);
        const std::uint8_t b = address.byte(13);
        if ((a == 169 && b == 254) || a == 127) {
            return Scope::LinkLocal;
        }
        return Scope::Global;
    }
    // RFC 6724 §3.1: ::1 is treated as link-local.
    if (address.is_link_local() || address.is_loopback()) {
        return Scope::LinkLocal;
    }
    // fec0::/10, deprecated by RFC 3879 but still scoped by RFC 6724 §3.1.
    if (address.byte(0) == 0xfe && (address.byte(1) & 0xc0) == 0xc0) {
        return Scope::SiteLocal;
    }
    return Scope::Global;
}

}  // namespace multi6d
