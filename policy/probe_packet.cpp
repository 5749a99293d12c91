#include "probe_packet.hpp"

#include <algorithm>

namespace multi6d {

namespace {

constexpr std::uint8_t next_header_icmp6 = 58;

void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v & 0xff);
}

std::uint16_t get16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

Address address_at(const std::uint8_t* p) {
    Address::Bytes bytes{};
    std::copy(p, p + 16, bytes.begin());
    return Address(bytes);
}

// One's-complement sum of 16-bit words (RFC 1071), not yet folded.
std::uint32_t add_words(std::uint32_t sum, std::span<const std::uint8_t> data) {
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
    }
    if (i < data.size()) {
        sum += static_cast<std::uint32_t>(data[i] << 8);
    }
    return sum;
}

EchoFields fields_at(const std::uint8_t* icmp) {
    EchoFields f;
    f.identifier = get16(icmp + 4);
    f.sequence = get16(icmp + 6);
    std::copy(icmp + 8, icmp + 16, f.nonce.begin());
    return f;
}

}  // namespace

std::array<std::uint8_t, probe_icmp_size> build_echo_icmp(const EchoFields& fields) {
    std::array<std::uint8_t, probe_icmp_size> icmp{};
    icmp[0] = icmp6_echo_request;
    icmp[1] = 0;
    put16(&icmp[4], fields.identifier);
    put16(&icmp[6], fields.sequence);
    std::copy(fields.nonce.begin(), fields.nonce.end(), icmp.begin() + 8);
    return icmp;
}

std::uint16_t icmp6_checksum(const Address& source, const Address& destination,
                             std::span<const std::uint8_t> icmp6) {
    // RFC 8200 §8.1 pseudo-header: source, destination, upper-layer length
    // (32 bits), three zero octets, next header.
    std::uint32_t sum = 0;
    sum = add_words(sum, source.bytes());
    sum = add_words(sum, destination.bytes());
    const auto length = static_cast<std::uint32_t>(icmp6.size());
    sum += length >> 16;
    sum += length & 0xffff;
    sum += next_header_icmp6;
    // The checksum field itself (octets 2-3) counts as zero.
    sum = add_words(sum, icmp6.first(std::min<std::size_t>(2, icmp6.size())));
    if (icmp6.size() > 4) {
        sum = add_words(sum, icmp6.subspan(4));
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::vector<std::uint8_t> build_echo_packet(const Address& source, const Address& destination,
                                            const EchoFields& fields, std::uint8_t hop_limit) {
    std::vector<std::uint8_t> packet(ipv6_header_size + probe_icmp_size, 0);
    std::uint8_t* ip = packet.data();
    ip[0] = 0x60;  // version 6, traffic class 0, flow label 0 (RFC 8200 §3)
    put16(ip + 4, static_cast<std::uint16_t>(probe_icmp_size));
    ip[6] = next_header_icmp6;
    ip[7] = hop_limit;
    std::copy(source.bytes().begin(), source.bytes().end(), ip + 8);
    std::copy(destination.bytes().begin(), destination.bytes().end(), ip + 24);
    const auto icmp = build_echo_icmp(fields);
    std::copy(icmp.begin(), icmp.end(), packet.begin() + ipv6_header_size);
    put16(&packet[ipv6_header_size + 2], icmp6_checksum(source, destination, icmp));
    return packet;
}

std::optional<EchoFields> parse_echo_reply(std::span<const std::uint8_t> icmp6) {
    if (icmp6.size() != probe_icmp_size || icmp6[0] != icmp6_echo_reply || icmp6[1] != 0) {
        return std::nullopt;
    }
    return fields_at(icmp6.data());
}

std::optional<QuotedProbe> parse_unreachable(std::span<const std::uint8_t> icmp6) {
    // RFC 4443 §3.1: type 1, 4 unused octets, then as much of the invoking
    // packet as fits. Ours is 56 octets, far below the 1280-octet limit, so
    // it is quoted whole.
    constexpr std::size_t quoted_at = 8;
    constexpr std::size_t needed = quoted_at + ipv6_header_size + probe_icmp_size;
    if (icmp6.size() < needed || icmp6[0] != icmp6_destination_unreachable) {
        return std::nullopt;
    }
    const std::uint8_t* ip = icmp6.data() + quoted_at;
    const std::uint8_t* echo = ip + ipv6_header_size;
    if ((ip[0] >> 4) != 6 || ip[6] != next_header_icmp6 || get16(ip + 4) != probe_icmp_size ||
        echo[0] != icmp6_echo_request || echo[1] != 0) {
        return std::nullopt;
    }
    return QuotedProbe{address_at(ip + 8), address_at(ip + 24), fields_at(echo)};
}

}  // namespace multi6d
