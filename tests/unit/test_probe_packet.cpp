#include "probe_packet.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace multi6d {
namespace {

using Bytes = std::vector<std::uint8_t>;

Address addr(const char* text) {
    return *Address::parse(text);
}

const EchoFields fields{0xbeef, 0x0102, {1, 2, 3, 4, 5, 6, 7, 8}};

// RFC 1071: summing a packet whose checksum is filled in, together with the
// pseudo-header, gives all ones.
std::uint16_t folded_sum(const Address& s, const Address& d, std::span<const std::uint8_t> icmp) {
    std::uint32_t sum = 0;
    auto add = [&](std::span<const std::uint8_t> data) {
        for (std::size_t i = 0; i < data.size(); i += 2) {
            const unsigned low = i + 1 < data.size() ? data[i + 1] : 0;
            sum += (static_cast<unsigned>(data[i]) << 8) | low;
        }
    };
    add(s.bytes());
    add(d.bytes());
    sum += static_cast<std::uint32_t>(icmp.size());
    sum += 58;
    add(icmp);
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(sum);
}

TEST(ProbePacket, EchoIcmpLayout) {
    const auto icmp = build_echo_icmp(fields);
    EXPECT_EQ(Bytes(icmp.begin(), icmp.end()),
              (Bytes{128, 0, 0, 0, 0xbe, 0xef, 0x01, 0x02, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(ProbePacket, PacketHasIpv6HeaderAndValidChecksum) {
    const Address s = addr("2001:db8:a::10");
    const Address d = addr("2001:db8:ff::53");
    const Bytes p = build_echo_packet(s, d, fields, 64);
    ASSERT_EQ(p.size(), 56U);
    EXPECT_EQ(p[0], 0x60);
    EXPECT_EQ(p[1], 0);
    EXPECT_EQ(p[4], 0);
    EXPECT_EQ(p[5], 16);  // payload length
    EXPECT_EQ(p[6], 58);  // next header ICMPv6
    EXPECT_EQ(p[7], 64);  // hop limit
    EXPECT_EQ(Bytes(p.begin() + 8, p.begin() + 24), Bytes(s.bytes().begin(), s.bytes().end()));
    EXPECT_EQ(Bytes(p.begin() + 24, p.begin() + 40), Bytes(d.bytes().begin(), d.bytes().end()));
    const std::span<const std::uint8_t> icmp(p.data() + 40, 16);
    EXPECT_EQ(icmp[0], 128);
    EXPECT_EQ(folded_sum(s, d, icmp), 0xffff);
    // The checksum covers the addresses: another destination changes it.
    const Bytes q = build_echo_packet(s, addr("2001:db8:ff::54"), fields, 64);
    EXPECT_NE(Bytes(p.begin() + 42, p.begin() + 44), Bytes(q.begin() + 42, q.begin() + 44));
}

TEST(ProbePacket, ChecksumIgnoresItsOwnFieldAndHandlesOddLength) {
    const Address s = addr("fe80::1");
    const Address d = addr("fe80::2");
    Bytes icmp{128, 0, 0xaa, 0xbb, 0, 1, 0, 2, 9};
    const std::uint16_t c = icmp6_checksum(s, d, icmp);
    icmp[2] = 0;
    icmp[3] = 0;
    EXPECT_EQ(icmp6_checksum(s, d, icmp), c);
    icmp[2] = static_cast<std::uint8_t>(c >> 8);
    icmp[3] = static_cast<std::uint8_t>(c & 0xff);
    EXPECT_EQ(folded_sum(s, d, icmp), 0xffff);
}

TEST(ProbePacket, ParsesEchoReply) {
    auto icmp = build_echo_icmp(fields);
    icmp[0] = 129;
    const auto parsed = parse_echo_reply(icmp);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, fields);
}

TEST(ProbePacket, RejectsWhatIsNotOurEchoReply) {
    auto icmp = build_echo_icmp(fields);
    EXPECT_FALSE(parse_echo_reply(icmp)) << "an Echo Request is not a reply";
    icmp[0] = 129;
    icmp[1] = 1;
    EXPECT_FALSE(parse_echo_reply(icmp)) << "code must be 0";
    icmp[1] = 0;
    Bytes longer(icmp.begin(), icmp.end());
    longer.push_back(0);
    EXPECT_FALSE(parse_echo_reply(longer)) << "a `ping` payload has another length";
    EXPECT_FALSE(parse_echo_reply(std::span(icmp).first(15)));
    EXPECT_FALSE(parse_echo_reply({}));
}

Bytes unreachable_quoting(const Bytes& packet, std::uint8_t type = 1) {
    // Built in one allocation: GCC 12 warns (-Warray-bounds, a false
    // positive) about inserting into an 8-byte initializer-list vector.
    Bytes m(8 + packet.size(), 0);
    m[0] = type;
    std::copy(packet.begin(), packet.end(), m.begin() + 8);
    return m;
}

TEST(ProbePacket, ParsesUnreachableQuotingAProbe) {
    const Address s = addr("2001:db8:a::10");
    const Address d = addr("2001:db8:dead::1");
    const auto quoted = parse_unreachable(unreachable_quoting(build_echo_packet(s, d, fields, 64)));
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted->source, s);
    EXPECT_EQ(quoted->destination, d);
    EXPECT_EQ(quoted->fields, fields);
}

TEST(ProbePacket, RejectsOtherErrorsAndOtherQuotedPackets) {
    const Address s = addr("2001:db8:a::10");
    const Address d = addr("2001:db8:dead::1");
    const Bytes probe = build_echo_packet(s, d, fields, 64);
    EXPECT_FALSE(parse_unreachable(unreachable_quoting(probe, 3))) << "Time Exceeded";
    Bytes truncated = unreachable_quoting(probe);
    truncated.pop_back();
    EXPECT_FALSE(parse_unreachable(truncated));
    Bytes extension = probe;
    extension[6] = 60;  // a Destination Options header first: never ours
    EXPECT_FALSE(parse_unreachable(unreachable_quoting(extension)));
    Bytes reply = probe;
    reply[40] = 129;
    EXPECT_FALSE(parse_unreachable(unreachable_quoting(reply)));
    Bytes bigger = probe;
    bigger[5] = 17;
    bigger.push_back(0);
    EXPECT_FALSE(parse_unreachable(unreachable_quoting(bigger))) << "another payload length";
    Bytes ipv4 = probe;
    ipv4[0] = 0x45;
    EXPECT_FALSE(parse_unreachable(unreachable_quoting(ipv4)));
}

}  // namespace
}  // namespace multi6d
