#include "address.hpp"

#include <arpa/inet.h>

#include <bit>
#include <charconv>
#include <cstring>

namespace multi6d {

namespace {
constexpr std::uint8_t v4_mapped_head[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}

std::optional<Address> Address::parse(std::string_view text) {
    // inet_pton needs a NUL-terminated string; longest valid form is 45 chars.
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.empty() || text.size() >= sizeof buf) {
        return std::nullopt;
    }
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    Bytes bytes{};
    if (inet_pton(AF_INET6, buf, bytes.data()) == 1) {
        return Address(bytes);
    }
    std::uint8_t v4[4];
    if (inet_pton(AF_INET, buf, v4) == 1) {
        std::memcpy(bytes.data(), v4_mapped_head, 12);
        std::memcpy(bytes.data() + 12, v4, 4);
        return Address(bytes);
    }
    return std::nullopt;
}

std::string Address::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    if (is_v4_mapped()) {
        inet_ntop(AF_INET, bytes_.data() + 12, buf, sizeof buf);
    } else {
        inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
    }
    return buf;
}

bool Address::is_unspecified() const {
    return *this == Address{};
}
bool Address::is_loopback() const {
    Bytes one{};
    one[15] = 1;
    return bytes_ == one;
}
bool Address::is_v4_mapped() const {
    return std::memcmp(bytes_.data(), v4_mapped_head, 12) == 0;
}
bool Address::is_multicast() const {
    return bytes_[0] == 0xff;
}
bool Address::is_link_local() const {
    return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}
bool Address::is_ula() const {
    return (bytes_[0] & 0xfe) == 0xfc;
}

unsigned common_prefix_bits(const Address& a, const Address& b) {
    for (unsigned i = 0; i < 16; ++i) {
        const std::uint8_t diff = a.byte(i) ^ b.byte(i);
        if (diff != 0) {
            return i * 8 + static_cast<unsigned>(std::countl_zero(diff));
        }
    }
    return 128;
}

Prefix::Prefix(const Address& address, unsigned length) : length_(length > 128 ? 128 : length) {
    Address::Bytes bytes = address.bytes();
    for (unsigned i = 0; i < 16; ++i) {
        const unsigned keep = length_ > i * 8 ? length_ - i * 8 : 0;
        if (keep < 8) {
            bytes[i] &= static_cast<std::uint8_t>(0xff00U >> keep);
        }
    }
    address_ = Address(bytes);
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = Address::parse(text.substr(0, slash));
    if (!address) {
        return std::nullopt;
    }
    // Only dotted-quad text counts IPv4 lengths: "::ffff:0:0/96" is an IPv6
    // prefix (the RFC 6724 policy table row), "10.0.0.0/8" an IPv4 one.
    const bool ipv4_text = text.substr(0, slash).find(':') == std::string_view::npos;
    const unsigned max_length = ipv4_text ? 32 : 128;
    if (slash == std::string_view::npos) {
        return Prefix(*address, 128);
    }
    const std::string_view digits = text.substr(slash + 1);
    unsigned length = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() ||
        length > max_length) {
        return std::nullopt;
    }
    return Prefix(*address, ipv4_text ? length + 96 : length);
}

bool Prefix::contains(const Address& a) const {
    return common_prefix_bits(address_, a) >= length_;
}

bool Prefix::contains(const Prefix& p) const {
    return p.length_ >= length_ && contains(p.address_);
}

std::string Prefix::to_string() const {
    if (address_.is_v4_mapped() && length_ >= 96) {
        return address_.to_string() + "/" + std::to_string(length_ - 96);
    }
    return address_.to_string() + "/" + std::to_string(length_);
}

}  // namespace multi6d

std::size_t std::hash<multi6d::Address>::operator()(const multi6d::Address& a) const noexcept {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    std::memcpy(&hi, a.bytes().data(), 8);
    std::memcpy(&lo, a.bytes().data() + 8, 8);
    return std::hash<std::uint64_t>{}(hi * 0x9e3779b97f4a7c15ULL ^ lo);
}

std::size_t std::hash<multi6d::Prefix>::operator()(const multi6d::Prefix& p) const noexcept {
    return std::hash<multi6d::Address>{}(p.address()) ^ (p.length() * 0x9e3779b9U);
}
