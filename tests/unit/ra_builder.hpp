// Builds Router Advertisement bytes (ICMPv6 header onward, RFC 4861 §4.2)
// for tests, the fuzz seed generator and the m6-send-ra tool. Header-only.
//
// Every field can be set to a wrong value on purpose: option Length fields are
// written as given (the body is cut or zero-padded to Length*8 octets), prefix
// lengths may exceed 128, and raw bytes can be appended or the result cut.
// The checksum is left 0: the kernel fills it in when sending, and the parser
// does not look at it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "address.hpp"

namespace multi6d::test {

inline Address address(std::string_view text) {
    const auto a = Address::parse(text);
    if (!a) {
        throw std::invalid_argument("bad address in test: " + std::string(text));
    }
    return *a;
}

// RFC 4191 §2.1 two-bit preference values as they appear on the wire.
inline constexpr unsigned prf_high = 1;
inline constexpr unsigned prf_medium = 0;
inline constexpr unsigned prf_low = 3;
inline constexpr unsigned prf_reserved = 2;

struct PioSpec {
    std::string prefix = "2001:db8:1::";  // address part; not masked here
    std::uint8_t prefix_length = 64;
    bool on_link = true;
    bool autonomous = true;
    std::uint32_t valid = 86400;
    std::uint32_t preferred = 14400;
    std::uint8_t units = 4;  // Length field
};

struct RioSpec {
    std::string prefix = "2001:db8:100::";
    std::uint8_t prefix_length = 48;
    unsigned preference = prf_medium;
    std::uint32_t lifetime = 1800;
    std::optional<std::uint8_t> units{};  // default: the smallest legal (1, 2 or 3)
};

struct RdnssSpec {
    std::vector<std::string> servers{"2001:db8::53"};
    std::uint32_t lifetime = 600;
    std::optional<std::uint8_t> units{};  // default: 1 + 2 per server
};

class RaBuilder {
  public:
    RaBuilder& type(std::uint8_t v) { return set(0, v); }
    RaBuilder& code(std::uint8_t v) { return set(1, v); }
    RaBuilder& cur_hop_limit(std::uint8_t v) { return set(4, v); }
    RaBuilder& managed(bool v) { return flag(0x80, v); }
    RaBuilder& other(bool v) { return flag(0x40, v); }
    RaBuilder& preference(unsigned prf) {
        header_[5] = static_cast<std::uint8_t>((header_[5] & ~0x18U) | ((prf & 3U) << 3));
        return *this;
    }
    RaBuilder& router_lifetime(std::uint16_t seconds) { return put(header_, 6, seconds, 2); }
    RaBuilder& reachable_time(std::uint32_t ms) { return put(header_, 8, ms, 4); }
    RaBuilder& retrans_timer(std::uint32_t ms) { return put(header_, 12, ms, 4); }

    // RFC 4861 §4.6.1, padded to the next multiple of 8 octets.
    RaBuilder& slla(const std::vector<std::uint8_t>& link_address) {
        const auto units = static_cast<std::uint8_t>((2 + link_address.size() + 7) / 8);
        return option(1, units, link_address);
    }

    // RFC 4861 §4.6.2.
    RaBuilder& pio(const PioSpec& p) {
        std::vector<std::uint8_t> body(30, 0);
        body[0] = p.prefix_length;
        body[1] = static_cast<std::uint8_t>((p.on_link ? 0x80U : 0U) | (p.autonomous ? 0x40U : 0U));
        put(body, 2, p.valid, 4);
        put(body, 6, p.preferred, 4);
        const auto a = address(p.prefix);
        std::copy(a.bytes().begin(), a.bytes().end(), body.begin() + 14);
        return option(3, p.units, body);
    }

    // RFC 4191 §2.3: the prefix field is (Length - 1) * 8 octets long.
    RaBuilder& rio(const RioSpec& r) {
        const std::uint8_t needed = r.prefix_length > 64 ? 3 : r.prefix_length > 0 ? 2 : 1;
        const std::uint8_t units = r.units.value_or(needed);
        std::vector<std::uint8_t> body(6, 0);
        body[0] = r.prefix_length;
        body[1] = static_cast<std::uint8_t>((r.preference & 3U) << 3);
        put(body, 2, r.lifetime, 4);
        const auto a = address(r.prefix);
        body.insert(body.end(), a.bytes().begin(), a.bytes().end());
        return option(24, units, body);
    }

    // RFC 8106 §5.1.
    RaBuilder& rdnss(const RdnssSpec& r) {
        const auto units = r.units.value_or(static_cast<std::uint8_t>(1 + 2 * r.servers.size()));
        std::vector<std::uint8_t> body(6, 0);
        put(body, 2, r.lifetime, 4);
        for (const auto& s : r.servers) {
            const auto a = address(s);
            body.insert(body.end(), a.bytes().begin(), a.bytes().end());
        }
        return option(25, units, body);
    }

    // RFC 4861 §4.6.4.
    RaBuilder& mtu(std::uint32_t value, std::uint8_t units = 1) {
        std::vector<std::uint8_t> body(6, 0);
        put(body, 2, value, 4);
        return option(5, units, body);
    }

    // Any option: Type, Length as given, then `body` cut or zero-padded to
    // Length*8 - 2 octets (Length 0 writes just the two header octets).
    RaBuilder& option(std::uint8_t type, std::uint8_t units, std::vector<std::uint8_t> body) {
        const std::size_t size = units == 0 ? 0 : std::size_t{units} * 8 - 2;
        body.resize(size, 0);
        options_.push_back(type);
        options_.push_back(units);
        options_.insert(options_.end(), body.begin(), body.end());
        return *this;
    }

    RaBuilder& append(const std::vector<std::uint8_t>& raw) {
        options_.insert(options_.end(), raw.begin(), raw.end());
        return *this;
    }

    // Cut the finished message to `size` octets (a truncated packet).
    RaBuilder& truncate(std::size_t size) {
        cut_ = size;
        return *this;
    }

    std::vector<std::uint8_t> build() const {
        std::vector<std::uint8_t> out(header_.begin(), header_.end());
        out.insert(out.end(), options_.begin(), options_.end());
        if (cut_ && *cut_ < out.size()) {
            out.resize(*cut_);
        }
        return out;
    }

  private:
    RaBuilder& set(std::size_t off, std::uint8_t v) {
        header_[off] = v;
        return *this;
    }
    RaBuilder& flag(std::uint8_t bit, bool v) {
        header_[5] = static_cast<std::uint8_t>(v ? header_[5] | bit : header_[5] & ~bit);
        return *this;
    }
    template <typename Buffer>
    RaBuilder& put(Buffer& buf, std::size_t off, std::uint32_t value, unsigned octets) {
        for (unsigned i = 0; i < octets; ++i) {
            buf[off + i] = static_cast<std::uint8_t>(value >> (8 * (octets - 1 - i)));
        }
        return *this;
    }

    // Type 134, code 0, router lifetime 1800 s, everything else 0.
    std::vector<std::uint8_t> header_{134, 0, 0, 0, 0, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0};
    std::vector<std::uint8_t> options_;
    std::optional<std::size_t> cut_;
};

}  // namespace multi6d::test
