// Field-level tests of the RA parser on crafted packets. The named corpus
// (ra_cases.hpp) is checked case by case in test_ra_cases.cpp.
#include "ra_parser.hpp"

#include <gtest/gtest.h>

#include "ra_builder.hpp"
#include "ra_cases.hpp"

namespace multi6d {
namespace {

using test::address;
using test::RaBuilder;

const Address router = address("fe80::1");

ParseResult parse(const std::vector<std::uint8_t>& packet, int hop_limit = 255,
                  const Address& source = router) {
    return parse_router_advertisement(packet, source, hop_limit);
}

// Parses and requires acceptance; returns the parsed advertisement.
ParsedAdvertisement accept(const std::vector<std::uint8_t>& packet) {
    const auto result = parse(packet);
    if (!result) {
        ADD_FAILURE() << "rejected: " << result.rejection().text;
        return {};
    }
    return result.advertisement();
}

Prefix prefix(std::string_view text) {
    return *Prefix::parse(text);
}

TEST(RaParser, FullAdvertisementHasEveryField) {
    const auto parsed = accept(test::full_ra().build());
    EXPECT_TRUE(parsed.notes.empty());
    const RouterAdvertisement& ra = parsed.ra;
    EXPECT_EQ(ra.router, router);
    EXPECT_EQ(ra.cur_hop_limit, 64);
    EXPECT_TRUE(ra.managed);
    EXPECT_TRUE(ra.other);
    EXPECT_EQ(ra.preference, RouterPreference::High);
    EXPECT_EQ(ra.router_lifetime, 9000);
    EXPECT_EQ(ra.reachable_time_ms, 30000U);
    EXPECT_EQ(ra.retrans_timer_ms, 1000U);
    ASSERT_TRUE(ra.source_link_layer);
    EXPECT_EQ(*ra.source_link_layer,
              (std::vector<std::uint8_t>{0x02, 0x00, 0x5e, 0x00, 0x53, 0x01}));
    EXPECT_EQ(ra.mtu, 1500U);

    ASSERT_EQ(ra.prefixes.size(), 2U);
    EXPECT_EQ(ra.prefixes[0], (PrefixInformation{prefix("2001:db8:1::/64"), true, true,
                                                 infinite_lifetime, infinite_lifetime}));
    EXPECT_EQ(ra.prefixes[1], (PrefixInformation{prefix("fd00:1::/64"), true, false, 7200, 0}));

    ASSERT_EQ(ra.routes.size(), 3U);
    EXPECT_EQ(ra.routes[0], (RouteInformation{prefix("::/0"), RouterPreference::Low, 600}));
    EXPECT_EQ(ra.routes[1],
              (RouteInformation{prefix("2001:db8:200::/40"), RouterPreference::High, 1800}));
    EXPECT_EQ(ra.routes[2], (RouteInformation{prefix("2001:db8:300::1:0/112"),
                                              RouterPreference::Medium, infinite_lifetime}));

    ASSERT_EQ(ra.dns_servers.size(), 2U);
    EXPECT_EQ(ra.dns_servers[0],
              (RecursiveDnsServers{infinite_lifetime, {address("2001:db8::53")}}));
    EXPECT_EQ(ra.dns_servers[1],
              (RecursiveDnsServers{300, {address("fd00::53"), address("fd00::54")}}));
}

TEST(RaParser, MinimalAdvertisementHasNoOptions) {
    const auto parsed = accept(RaBuilder().router_lifetime(0).build());
    RouterAdvertisement expected;
    expected.router = router;
    EXPECT_EQ(parsed.ra, expected);
    EXPECT_TRUE(parsed.notes.empty());
}

TEST(RaParser, HeaderPreferenceDecoding) {
    struct Row {
        unsigned bits;
        std::uint16_t lifetime;
        RouterPreference expected;
        bool noted;
    };
    // RFC 4191 §2.2: 10 reads as Medium; with lifetime 0 Prf is ignored.
    const Row rows[] = {
        {test::prf_high, 1800, RouterPreference::High, false},
        {test::prf_medium, 1800, RouterPreference::Medium, false},
        {test::prf_low, 1800, RouterPreference::Low, false},
        {test::prf_reserved, 1800, RouterPreference::Medium, true},
        {test::prf_high, 0, RouterPreference::Medium, false},
        {test::prf_low, 0, RouterPreference::Medium, false},
        {test::prf_reserved, 0, RouterPreference::Medium, false},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE("prf " + std::to_string(row.bits) + " lifetime " +
                     std::to_string(row.lifetime));
        const auto parsed =
            accept(RaBuilder().preference(row.bits).router_lifetime(row.lifetime).build());
        EXPECT_EQ(parsed.ra.preference, row.expected);
        EXPECT_EQ(parsed.notes.size(), row.noted ? 1U : 0U);
    }
}

TEST(RaParser, ReservedFlagBitsAreIgnored) {
    const auto packet = RaBuilder().build();
    auto noisy = packet;
    noisy[5] |= 0x27;  // H and the three reserved bits, RFC 4861 §4.2 / RFC 4191 §2.2
    noisy[2] = 0xab;   // checksum: verified by the kernel, not here
    EXPECT_EQ(accept(noisy).ra, accept(packet).ra);
}

TEST(RaParser, RejectionTextsNameTheValue) {
    const auto packet = RaBuilder().pio({}).build();
    auto r = parse(packet, 64);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.rejection().reason, RaRejectReason::HopLimit);
    EXPECT_EQ(r.rejection().text, "hop limit 64, not 255 (RFC 4861 §6.1.2)");

    r = parse(packet, -1);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.rejection().reason, RaRejectReason::HopLimit);
    EXPECT_NE(r.rejection().text.find("unknown"), std::string::npos);

    r = parse(packet, 255, address("2001:db8::1"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.rejection().reason, RaRejectReason::SourceNotLinkLocal);
    EXPECT_NE(r.rejection().text.find("2001:db8::1"), std::string::npos);

    r = parse(RaBuilder().pio({}).option(5, 0, {}).build());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.rejection().reason, RaRejectReason::ZeroLengthOption);
    EXPECT_NE(r.rejection().text.find("offset 48"), std::string::npos) << r.rejection().text;
}

TEST(RaParser, EmptyAndTinyMessagesAreTooShort) {
    for (std::size_t size : {0, 1, 4, 15}) {
        SCOPED_TRACE(size);
        const auto r = parse(RaBuilder().truncate(size).build());
        ASSERT_FALSE(r);
        EXPECT_EQ(r.rejection().reason, RaRejectReason::TooShort);
    }
}

TEST(RaParser, ZeroLengthOptionAnywhereRejectsTheWholeRa) {
    // §4.6: even after options that parsed fine, and even if unknown.
    auto r = parse(test::full_ra().option(200, 0, {}).append({0, 0, 0, 0, 0, 0}).build());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.rejection().reason, RaRejectReason::ZeroLengthOption);
}

TEST(RaParser, OptionEndingExactlyAtTheEndIsAccepted) {
    const auto packet = RaBuilder().mtu(1500).build();
    ASSERT_EQ(packet.size(), 24U);
    EXPECT_EQ(accept(packet).ra.mtu, 1500U);
    const auto r = parse(RaBuilder().mtu(1500).truncate(23).build());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.rejection().reason, RaRejectReason::TruncatedOption);
}

TEST(RaParser, PrefixBitsPastTheLengthAreCleared) {
    const auto parsed = accept(RaBuilder()
                                   .pio({.prefix = "2001:db8:1:2:ffff::1", .prefix_length = 48})
                                   .rio({.prefix = "2001:db8:ff:ffff::", .prefix_length = 36})
                                   .rio({.prefix = "2001:db8::ffff", .prefix_length = 0})
                                   .build());
    ASSERT_EQ(parsed.ra.prefixes.size(), 1U);
    EXPECT_EQ(parsed.ra.prefixes[0].prefix, prefix("2001:db8:1::/48"));
    ASSERT_EQ(parsed.ra.routes.size(), 2U);
    EXPECT_EQ(parsed.ra.routes[0].prefix, prefix("2001:db8::/36"));
    EXPECT_EQ(parsed.ra.routes[1].prefix, prefix("::/0"));
}

TEST(RaParser, PioLifetimes) {
    const auto parsed =
        accept(RaBuilder()
                   .pio({.prefix = "2001:db8:1::", .valid = 3600, .preferred = 3600})
                   .pio({.prefix = "2001:db8:2::", .valid = 3600, .preferred = infinite_lifetime})
                   .pio({.prefix = "2001:db8:3::", .valid = infinite_lifetime, .preferred = 0})
                   .pio({.prefix = "2001:db8:4::", .valid = 0, .preferred = 0})
                   .build());
    ASSERT_EQ(parsed.ra.prefixes.size(), 3U);
    EXPECT_EQ(parsed.ra.prefixes[0].prefix, prefix("2001:db8:1::/64"));  // equal is fine
    EXPECT_EQ(parsed.ra.prefixes[1].prefix, prefix("2001:db8:3::/64"));
    EXPECT_EQ(parsed.ra.prefixes[2].prefix, prefix("2001:db8:4::/64"));  // valid 0: removal
    ASSERT_EQ(parsed.notes.size(), 1U);
    EXPECT_EQ(parsed.notes[0].issue, OptionIssue::PioPreferredAboveValid);
    EXPECT_EQ(parsed.notes[0].offset, 16U + 32U);
    EXPECT_NE(parsed.notes[0].text.find("infinite"), std::string::npos) << parsed.notes[0].text;
}

TEST(RaParser, PioLinkLocalMeansInsideFe80Slash10) {
    const auto parsed = accept(RaBuilder()
                                   .pio({.prefix = "fe80::", .prefix_length = 10})
                                   .pio({.prefix = "febf:ffff::", .prefix_length = 32})
                                   .pio({.prefix = "fec0::", .prefix_length = 10})
                                   .pio({.prefix = "fe80::", .prefix_length = 8})
                                   .build());
    ASSERT_EQ(parsed.notes.size(), 2U);
    EXPECT_EQ(parsed.notes[0].issue, OptionIssue::PioLinkLocal);
    EXPECT_EQ(parsed.notes[1].issue, OptionIssue::PioLinkLocal);
    ASSERT_EQ(parsed.ra.prefixes.size(), 2U);
    EXPECT_EQ(parsed.ra.prefixes[0].prefix, prefix("fec0::/10"));
    EXPECT_EQ(parsed.ra.prefixes[1].prefix, prefix("fe00::/8"));
}

TEST(RaParser, PioLengthMustBeFour) {
    for (std::uint8_t units : {1, 2, 3, 5, 8}) {
        SCOPED_TRACE(int{units});
        const auto parsed = accept(RaBuilder().pio({.units = units}).build());
        EXPECT_TRUE(parsed.ra.prefixes.empty());
        ASSERT_EQ(parsed.notes.size(), 1U);
        EXPECT_EQ(parsed.notes[0].issue, OptionIssue::PioBadLength);
    }
}

TEST(RaParser, PioPrefixLengthBounds) {
    const auto parsed = accept(RaBuilder()
                                   .pio({.prefix = "2001:db8::1", .prefix_length = 128})
                                   .pio({.prefix = "::", .prefix_length = 0})
                                   .pio({.prefix_length = 255})
                                   .build());
    ASSERT_EQ(parsed.ra.prefixes.size(), 2U);
    EXPECT_EQ(parsed.ra.prefixes[0].prefix, prefix("2001:db8::1/128"));
    EXPECT_EQ(parsed.ra.prefixes[1].prefix, prefix("::/0"));
    ASSERT_EQ(parsed.notes.size(), 1U);
    EXPECT_EQ(parsed.notes[0].issue, OptionIssue::PioPrefixTooLong);
}

// RFC 4191 §2.3: PL > 64 needs Length 3, PL 1..64 Length 2 or 3, PL 0 any of 1..3.
TEST(RaParser, RioLengthRules) {
    struct Row {
        std::uint8_t prefix_length;
        std::uint8_t units;
        bool kept;
    };
    const Row rows[] = {
        {0, 1, true},   {0, 2, true},    {0, 3, true},   {1, 1, false},  {1, 2, true},
        {64, 2, true},  {64, 3, true},   {64, 1, false}, {65, 2, false}, {65, 3, true},
        {128, 3, true}, {128, 2, false}, {48, 4, false},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE("prefix length " + std::to_string(row.prefix_length) + " Length " +
                     std::to_string(row.units));
        const auto parsed = accept(RaBuilder()
                                       .rio({.prefix = "2001:db8::",
                                             .prefix_length = row.prefix_length,
                                             .units = row.units})
                                       .build());
        EXPECT_EQ(parsed.ra.routes.size(), row.kept ? 1U : 0U);
        EXPECT_EQ(parsed.notes.size(), row.kept ? 0U : 1U);
        if (!row.kept && !parsed.notes.empty()) {
            EXPECT_EQ(parsed.notes[0].issue,
                      row.units > 3 ? OptionIssue::RioBadLength : OptionIssue::RioLengthMismatch);
        }
    }
}

TEST(RaParser, RioPreferencesAndReserved) {
    const auto parsed =
        accept(RaBuilder()
                   .rio({.prefix = "2001:db8:1::", .preference = test::prf_low})
                   .rio({.prefix = "2001:db8:2::", .preference = test::prf_reserved})
                   .rio({.prefix = "2001:db8:3::", .preference = test::prf_high})
                   .build());
    ASSERT_EQ(parsed.ra.routes.size(), 2U);
    EXPECT_EQ(parsed.ra.routes[0].preference, RouterPreference::Low);
    EXPECT_EQ(parsed.ra.routes[1].preference, RouterPreference::High);
    ASSERT_EQ(parsed.notes.size(), 1U);
    EXPECT_EQ(parsed.notes[0].issue, OptionIssue::RioReservedPreference);
    EXPECT_EQ(parsed.notes[0].offset, 16U + 16U);
}

TEST(RaParser, RdnssLengths) {
    const auto parsed = accept(
        RaBuilder()
            .rdnss({.servers = {"2001:db8::53", "2001:db8::54", "2001:db8::55"}, .lifetime = 0})
            .rdnss({.units = 2})
            .rdnss({.servers = {"2001:db8::53", "2001:db8::54"}, .units = 3})  // only the first
            .build());
    ASSERT_EQ(parsed.ra.dns_servers.size(), 2U);
    EXPECT_EQ(parsed.ra.dns_servers[0].lifetime, 0U);
    EXPECT_EQ(parsed.ra.dns_servers[0].servers.size(), 3U);
    EXPECT_EQ(parsed.ra.dns_servers[1].servers, std::vector<Address>{address("2001:db8::53")});
    ASSERT_EQ(parsed.notes.size(), 1U);
    EXPECT_EQ(parsed.notes[0].issue, OptionIssue::RdnssBadLength);
}

TEST(RaParser, FirstSllaAndMtuWin) {
    const auto parsed = accept(RaBuilder()
                                   .slla({1, 2, 3, 4, 5, 6})
                                   .mtu(1280)
                                   .slla({7, 8, 9, 10, 11, 12})
                                   .mtu(9000)
                                   .build());
    EXPECT_EQ(parsed.ra.source_link_layer, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(parsed.ra.mtu, 1280U);
    ASSERT_EQ(parsed.notes.size(), 2U);
    EXPECT_EQ(parsed.notes[0].issue, OptionIssue::DuplicateOption);
    EXPECT_EQ(parsed.notes[1].issue, OptionIssue::DuplicateOption);
}

TEST(RaParser, LongSllaKeepsTheWholeBody) {
    // A non-Ethernet link: 8-octet address, option padded to 16 octets.
    const auto parsed = accept(RaBuilder().slla({1, 2, 3, 4, 5, 6, 7, 8}).build());
    EXPECT_EQ(parsed.ra.source_link_layer,
              (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0}));
}

TEST(RaParser, UnusedOptionsAreNotedAndSkipped) {
    const auto parsed = accept(RaBuilder()
                                   .option(2, 1, {1, 2, 3, 4, 5, 6})  // TLLA: not for an RA
                                   .pio({})
                                   .option(250, 2, {})
                                   .build());
    EXPECT_EQ(parsed.ra.prefixes.size(), 1U);
    ASSERT_EQ(parsed.notes.size(), 2U);
    EXPECT_EQ(parsed.notes[0].issue, OptionIssue::Unused);
    EXPECT_EQ(parsed.notes[0].offset, 16U);
    EXPECT_EQ(parsed.notes[1].offset, 16U + 8U + 32U);
    EXPECT_NE(parsed.notes[1].text.find("type 250"), std::string::npos) << parsed.notes[1].text;
}

TEST(RaParser, NotesNameEveryIssue) {
    for (int i = 0; i <= static_cast<int>(OptionIssue::Unused); ++i) {
        EXPECT_NE(to_string(static_cast<OptionIssue>(i)), "?") << i;
    }
    for (int i = 0; i <= static_cast<int>(RaRejectReason::TruncatedOption); ++i) {
        EXPECT_NE(to_string(static_cast<RaRejectReason>(i)), "?") << i;
    }
}

}  // namespace
}  // namespace multi6d
