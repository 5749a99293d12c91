// IPv6 addresses and prefixes, the value types everything else is built on.
//
// IPv4 addresses are carried as IPv4-mapped IPv6 addresses (::ffff:a.b.c.d),
// which is how RFC 6724 §2.1 looks them up in the policy table.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace multi6d {

class Address {
  public:
    using Bytes = std::array<std::uint8_t, 16>;

    constexpr Address() = default;
    constexpr explicit Address(const Bytes& bytes) : bytes_(bytes) {}

    // Accepts textual IPv6 ("2001:db8::1") and IPv4 ("192.0.2.1", returned
    // as ::ffff:192.0.2.1). No zone index, no brackets, no surrounding spaces.
    static std::optional<Address> parse(std::string_view text);

    const Bytes& bytes() const { return bytes_; }
    std::uint8_t byte(unsigned i) const { return bytes_[i]; }

    // IPv4 addresses are printed dotted-quad; everything else per RFC 5952.
    std::string to_string() const;

    bool is_unspecified() const;
    bool is_loopback() const;    // ::1
    bool is_v4_mapped() const;   // ::ffff:0:0/96
    bool is_multicast() const;   // ff00::/8
    bool is_link_local() const;  // fe80::/10
    bool is_ula() const;         // fc00::/7

    // Bit i (0 = most significant) of the address.
    bool bit(unsigned i) const { return (bytes_[i / 8] >> (7 - i % 8)) & 1U; }

    friend constexpr auto operator<=>(const Address&, const Address&) = default;

  private:
    Bytes bytes_{};
};

// Number of leading bits that a and b share (0..128).
unsigned common_prefix_bits(const Address& a, const Address& b);

class Prefix {
  public:
    Prefix() = default;
    // Bits past `length` are cleared, so equal prefixes compare equal.
    Prefix(const Address& address, unsigned length);

    // "2001:db8::/32"; a bare address is a /128 (an IPv4 address a /128 of
    // its mapped form, "192.0.2.0/24" the mapped /120).
    static std::optional<Prefix> parse(std::string_view text);

    const Address& address() const { return address_; }
    unsigned length() const { return length_; }
    bool contains(const Address& a) const;
    bool contains(const Prefix& p) const;
    std::string to_string() const;

    friend auto operator<=>(const Prefix&, const Prefix&) = default;

  private:
    Address address_{};
    unsigned length_ = 0;
};

}  // namespace multi6d

template <>
struct std::hash<multi6d::Address> {
    std::size_t operator()(const multi6d::Address& a) const noexcept;
};
template <>
struct std::hash<multi6d::Prefix> {
    std::size_t operator()(const multi6d::Prefix& p) const noexcept;
};
