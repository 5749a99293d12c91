// RFC 6724 §5 source selection: the §10.1 vectors, U4 of §10.6, the Rule 5.5
// vectors of RFC 8678, and each rule and knob on its own.
#include "source_selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "rfc6724_test_util.hpp"
#include "router_advertisement.hpp"

namespace multi6d {
namespace {

using test::addr;
using test::candidate;
using test::row;

// Selects a source for `destination` from `candidates` in the given order and
// in reverse order (so a vector decided by a rule cannot pass by input order
// alone) and checks the winner and the deciding rule both times.
void expect_source(const char* destination, std::vector<SourceCandidate> candidates,
                   const char* expected, int rule, const SourceSelectionContext& ctx = {}) {
    for (const bool reversed : {false, true}) {
        SCOPED_TRACE(reversed ? "candidates reversed" : "candidates in order");
        if (reversed) {
            std::reverse(candidates.begin(), candidates.end());
        }
        const SourceSelection s = select_source(candidates, addr(destination), ctx);
        ASSERT_TRUE(s.source);
        EXPECT_EQ(s.source->address.to_string(), addr(expected).to_string());
        EXPECT_EQ(s.index < candidates.size() ? candidates[s.index] : SourceCandidate{}, *s.source);
        EXPECT_EQ(s.rule, rule);
    }
}

// §10.1, default table.
TEST(Rfc6724SourceVectors, S1) {
    // Prefer appropriate scope (the RFC prints the result as 2001:db8::1).
    expect_source("2001:db8:1::1", {candidate("2001:db8:3::1"), candidate("fe80::1")},
                  "2001:db8:3::1", 2);
}

TEST(Rfc6724SourceVectors, S2) {
    expect_source("ff05::1", {candidate("2001:db8:3::1"), candidate("fe80::1")}, "2001:db8:3::1",
                  2);
}

TEST(Rfc6724SourceVectors, S3) {
    // Prefer same address, even though it is deprecated.
    expect_source("2001:db8:1::1",
                  {candidate("2001:db8:1::1", {.deprecated = true}), candidate("2001:db8:2::1")},
                  "2001:db8:1::1", 1);
}

TEST(Rfc6724SourceVectors, S4) {
    // Prefer appropriate scope over avoiding the deprecated address.
    expect_source("fe80::1",
                  {candidate("fe80::2", {.deprecated = true}), candidate("2001:db8:1::1")},
                  "fe80::2", 2);
}

TEST(Rfc6724SourceVectors, S5) {
    // Longest matching prefix (the RFC prints 2001:db8:1:::2).
    expect_source("2001:db8:1::1", {candidate("2001:db8:1::2"), candidate("2001:db8:3::2")},
                  "2001:db8:1::2", 8);
}

TEST(Rfc6724SourceVectors, S6) {
    // Prefer home address.
    expect_source(
        "2001:db8:1::1",
        {candidate("2001:db8:1::2", {.care_of = true}), candidate("2001:db8:3::2", {.home = true})},
        "2001:db8:3::2", 4);
}

TEST(Rfc6724SourceVectors, S7) {
    // Prefer matching label.
    expect_source("2002:c633:6401::1",
                  {candidate("2002:c633:6401::d5e3:7953:13eb:22e8", {.temporary = true}),
                   candidate("2001:db8:1::2")},
                  "2002:c633:6401::d5e3:7953:13eb:22e8", 6);
}

TEST(Rfc6724SourceVectors, S8) {
    // Prefer temporary address.
    expect_source("2001:db8:1::d5e3:0:0:1",
                  {candidate("2001:db8:1::2"),
                   candidate("2001:db8:1::d5e3:7953:13eb:22e8", {.temporary = true})},
                  "2001:db8:1::d5e3:7953:13eb:22e8", 7);
}

// §10.6: the RFC's malformed "ff00:1" read as ff00::1, with the ULA row
// fd11:1111:1111::/48 45 14 added.
TEST(Rfc6724SourceVectors, U4) {
    PolicyTable table = PolicyTable::rfc6724_default();
    table.set_row(row("fd11:1111:1111::/48", 45, 14));
    SourceSelectionContext ctx;
    ctx.policy = &table;
    expect_source("ff00::1", {candidate("2001:db8:1::1"), candidate("fd11:1111:1111:1::1")},
                  "2001:db8:1::1", 6, ctx);
    // The default table's fc00::/7 row gives the ULA label 13 as well.
    expect_source("ff00::1", {candidate("2001:db8:1::1"), candidate("fd11:1111:1111:1::1")},
                  "2001:db8:1::1", 6);
}

TEST(Rfc6724SourceVectors, U4WithoutPolicyRowsRule8PicksTheUla) {
    // §10.6: without labels telling them apart, the ULA shares more bits
    // with ff00::1 (6 against 0) and wins on Rule 8.
    const PolicyTable only_default({row("::/0", 40, 1)});
    SourceSelectionContext ctx;
    ctx.policy = &only_default;
    expect_source("ff00::1", {candidate("2001:db8:1::1"), candidate("fd11:1111:1111:1::1")},
                  "fd11:1111:1111:1::1", 8, ctx);
}

// RFC 8678 §6.2.2 / §6.3.2: Rule 5.5 vectors. Next-hop choice belongs to the
// host model; this stand-in follows RFC 4191 (a covering RIO first, whatever
// the Router Lifetime; else the default router with the highest preference)
// so the "Router Lifetime 0" variant really changes the input.
DestinationRoute route_from(const std::vector<RouterAdvertisement>& ras, const Address& d,
                            int ifindex) {
    const RouterAdvertisement* chosen = nullptr;
    const RouteInformation* chosen_route = nullptr;
    for (const RouterAdvertisement& ra : ras) {
        for (const RouteInformation& rio : ra.routes) {
            if (rio.lifetime == 0 || !rio.prefix.contains(d)) {
                continue;
            }
            if (chosen_route == nullptr || rio.prefix.length() > chosen_route->prefix.length() ||
                (rio.prefix.length() == chosen_route->prefix.length() &&
                 rio.preference > chosen_route->preference)) {
                chosen = &ra;
                chosen_route = &rio;
            }
        }
    }
    if (chosen == nullptr) {
        for (const RouterAdvertisement& ra : ras) {
            if (ra.router_lifetime > 0 &&
                (chosen == nullptr || ra.preference > chosen->preference)) {
                chosen = &ra;
            }
        }
    }
    DestinationRoute route;
    route.outgoing_interface = ifindex;
    if (chosen != nullptr) {
        route.next_hop = chosen->router;
    }
    return route;
}

// RFC 8028 §3.1: a PIO makes its router an advertiser of the prefix whatever
// the flags and the Router Lifetime.
PrefixAdvertisers advertisers_from(const std::vector<RouterAdvertisement>& ras) {
    PrefixAdvertisers map;
    for (const RouterAdvertisement& ra : ras) {
        for (const PrefixInformation& pio : ra.prefixes) {
            map[pio.prefix].insert(ra.router);
        }
    }
    return map;
}

std::vector<RouterAdvertisement> rfc8678_ras(std::uint16_t lla_b_router_lifetime) {
    RouterAdvertisement a;
    a.router = addr("fe80::a");
    a.preference = RouterPreference::High;  // Prf 01
    a.router_lifetime = 1800;
    a.prefixes.push_back({test::prefix("2001:db8:0:a020::/64"), true, true, 86400, 14400});
    RouterAdvertisement b;
    b.router = addr("fe80::b");
    b.preference = RouterPreference::Low;  // Prf 11
    b.router_lifetime = lla_b_router_lifetime;
    b.prefixes.push_back({test::prefix("2001:db8:0:b020::/64"), true, true, 86400, 14400});
    b.routes.push_back({test::prefix("2001:db8:0:6666::/64"), RouterPreference::Medium, 1800});
    return {a, b};
}

constexpr int lan_ifindex = 2;

void expect_rule_5_5_vectors(std::uint16_t lla_b_router_lifetime) {
    const auto ras = rfc8678_ras(lla_b_router_lifetime);
    const PrefixAdvertisers advertisers = advertisers_from(ras);
    const SourceCandidate host_a = candidate("2001:db8:0:a020::41", {.interface = lan_ifindex});
    const SourceCandidate host_b = candidate("2001:db8:0:b020::41", {.interface = lan_ifindex});

    struct Case {
        const char* destination;
        const char* next_hop;
        const char* source;
    };
    for (const Case& c : {Case{"2001:db8:0:1234::101", "fe80::a", "2001:db8:0:a020::41"},
                          Case{"2001:db8:0:6666::61", "fe80::b", "2001:db8:0:b020::41"}}) {
        SCOPED_TRACE(c.destination);
        SourceSelectionContext ctx;
        ctx.route = route_from(ras, addr(c.destination), lan_ifindex);
        ASSERT_TRUE(ctx.route.next_hop);
        EXPECT_EQ(*ctx.route.next_hop, addr(c.next_hop));
        ctx.advertisers = &advertisers;
        expect_source(c.destination, {host_a, host_b}, c.source, source_rule::next_hop, ctx);

        // Without Rule 5.5 both sources share 48 bits with D: nothing
        // separates them and the first candidate wins.
        ctx.advertisers = nullptr;
        const SourceSelection plain =
            select_source(std::vector{host_b, host_a}, addr(c.destination), ctx);
        EXPECT_EQ(plain.source, host_b);
        EXPECT_EQ(plain.rule, source_rule::none);
    }
}

TEST(Rfc8678Rule55Vectors, BothUplinksUp) {
    expect_rule_5_5_vectors(1800);
}

TEST(Rfc8678Rule55Vectors, RouterBLifetimeZero) {
    // §6.3.2: LLA_B's uplink failed, its RA keeps PIO and RIO but has
    // Router Lifetime 0; the results stay the same.
    expect_rule_5_5_vectors(0);
}

TEST(Rfc8678Rule55Vectors, RouterLifetimeZeroStopsDefaultRoutingOnly) {
    // Guard for the stand-in above: with LLA_A gone and LLA_B at lifetime 0,
    // no default router is left, but the RIO still leads to LLA_B.
    auto ras = rfc8678_ras(0);
    ras.erase(ras.begin());
    EXPECT_FALSE(route_from(ras, addr("2001:db8:0:1234::101"), lan_ifindex).next_hop);
    EXPECT_EQ(route_from(ras, addr("2001:db8:0:6666::61"), lan_ifindex).next_hop, addr("fe80::b"));
}

// Each rule and knob on its own.

TEST(SourceSelection, Rule55NeedsTheNextHopsPrefix) {
    // An address of unknown origin loses to one the next hop advertised, and
    // ties with one another router advertised.
    PrefixAdvertisers advertisers;
    advertisers[test::prefix("2001:db8:a::/64")].insert(addr("fe80::a"));
    advertisers[test::prefix("2001:db8:b::/64")].insert(addr("fe80::b"));
    SourceSelectionContext ctx;
    ctx.advertisers = &advertisers;
    ctx.route.next_hop = addr("fe80::a");
    const Address d = addr("2001:db8:f::1");
    const SourceCandidate from_a = candidate("2001:db8:a::1");
    const SourceCandidate from_b = candidate("2001:db8:b::1");
    const SourceCandidate unknown = candidate("2001:db8:c::1");
    EXPECT_EQ(compare_sources(unknown, from_a, d, ctx).winner, Winner::Second);
    EXPECT_EQ(compare_sources(unknown, from_a, d, ctx).rule, source_rule::next_hop);
    EXPECT_EQ(compare_sources(from_b, from_a, d, ctx).rule, source_rule::next_hop);
    EXPECT_NE(compare_sources(unknown, from_b, d, ctx).rule, source_rule::next_hop);
    // A /128 (DHCPv6) address inside an advertised /64 counts as advertised.
    SourceCandidate dhcp = candidate("2001:db8:a::99");
    dhcp.prefix_length = 128;
    EXPECT_NE(compare_sources(dhcp, from_a, d, ctx).rule, source_rule::next_hop);
    EXPECT_EQ(compare_sources(dhcp, from_b, d, ctx).rule, source_rule::next_hop);
    // Not applied without a next hop.
    ctx.route.next_hop.reset();
    EXPECT_NE(compare_sources(from_b, from_a, d, ctx).rule, source_rule::next_hop);
}

TEST(SourceSelection, Rule5PrefersTheOutgoingInterface) {
    SourceSelectionContext ctx;
    ctx.route.outgoing_interface = 3;
    expect_source("2001:db8:1::1",
                  {candidate("2001:db8:1::2", {.interface = 2}),
                   candidate("2001:db8:5::2", {.interface = 3})},
                  "2001:db8:5::2", 5, ctx);
    ctx.route.outgoing_interface.reset();
    expect_source("2001:db8:1::1",
                  {candidate("2001:db8:1::2", {.interface = 2}),
                   candidate("2001:db8:5::2", {.interface = 3})},
                  "2001:db8:1::2", 8, ctx);
}

TEST(SourceSelection, Rule5ComesBeforeRule55AndRule55BeforeRule6) {
    PrefixAdvertisers advertisers;
    advertisers[test::prefix("2002:c633:6401::/64")].insert(addr("fe80::a"));
    SourceSelectionContext ctx;
    ctx.advertisers = &advertisers;
    ctx.route.next_hop = addr("fe80::a");
    // Label would pick 2001:db8:1::2 for 2001:db8:1::1; Rule 5.5 overrides.
    expect_source("2001:db8:1::1", {candidate("2001:db8:1::2"), candidate("2002:c633:6401::2")},
                  "2002:c633:6401::2", source_rule::next_hop, ctx);
    ctx.route.outgoing_interface = 4;
    expect_source("2001:db8:1::1",
                  {candidate("2001:db8:1::2", {.interface = 4}), candidate("2002:c633:6401::2")},
                  "2001:db8:1::2", 5, ctx);
}

TEST(SourceSelection, Rule7CanPreferPublic) {
    SourceSelectionContext ctx;
    ctx.prefer_temporary = false;  // §5 Privacy Preference / IPV6_PREFER_SRC_PUBLIC
    expect_source("2001:db8:1::d5e3:0:0:1",
                  {candidate("2001:db8:1::2"),
                   candidate("2001:db8:1::d5e3:7953:13eb:22e8", {.temporary = true})},
                  "2001:db8:1::2", 7, ctx);
}

TEST(SourceSelection, Rule4Ranks) {
    const Address d = addr("2001:db8:1::1");
    const SourceCandidate both = candidate("2001:db8:2::1", {.home = true, .care_of = true});
    const SourceCandidate home = candidate("2001:db8:3::1", {.home = true});
    const SourceCandidate care_of = candidate("2001:db8:4::1", {.care_of = true});
    const SourceCandidate neither = candidate("2001:db8:5::1");
    const SourceSelectionContext ctx;
    EXPECT_EQ(compare_sources(both, home, d, ctx).winner, Winner::First);
    EXPECT_EQ(compare_sources(both, home, d, ctx).rule, 4);
    EXPECT_EQ(compare_sources(neither, both, d, ctx).winner, Winner::Second);
    EXPECT_EQ(compare_sources(care_of, home, d, ctx).winner, Winner::Second);
    EXPECT_EQ(compare_sources(care_of, home, d, ctx).rule, 4);
    EXPECT_EQ(compare_sources(neither, home, d, ctx).rule, 4);
    EXPECT_NE(compare_sources(neither, care_of, d, ctx).rule, 4);  // documented tie
    // Reversed (IPV6_PREFER_SRC_COA): care-of beats home.
    SourceSelectionContext coa;
    coa.prefer_home = false;
    EXPECT_EQ(compare_sources(care_of, home, d, coa).winner, Winner::First);
    EXPECT_EQ(compare_sources(care_of, home, d, coa).rule, 4);
    EXPECT_EQ(compare_sources(care_of, both, d, coa).winner, Winner::Second);
}

TEST(SourceSelection, Rule3IgnoresDeprecationOfIpv4) {
    // §3.3: IPv4 addresses always count as preferred; CPL decides instead.
    expect_source("10.1.2.3", {candidate("10.1.2.4", {.deprecated = true}), candidate("10.9.2.4")},
                  "10.1.2.4", 8);
    expect_source("2001:db8:1::1",
                  {candidate("2001:db8:1::4", {.deprecated = true}), candidate("2001:db8:9::4")},
                  "2001:db8:9::4", 3);
    EXPECT_TRUE(is_always_preferred(addr("192.0.2.1")));
    EXPECT_TRUE(is_always_preferred(addr("::192.0.2.1")));
    EXPECT_TRUE(is_always_preferred(addr("64:ff9b::192.0.2.1")));
    EXPECT_FALSE(is_always_preferred(addr("::1")));
    EXPECT_FALSE(is_always_preferred(addr("2001:db8::1")));
    EXPECT_FALSE(is_always_preferred(addr("64:ff9b:1::192.0.2.1")));
}

TEST(SourceSelection, Rule8IsCappedAtThePrefixLength) {
    // §2.2: interface-ID bits do not count. Both share the /64 with D; the
    // second also shares more interface-ID bits, which must not matter.
    SourceCandidate near = candidate("2001:db8:1::1:2");
    SourceCandidate far = candidate("2001:db8:1::8000:0:0:2");
    EXPECT_EQ(common_prefix_len(near, addr("2001:db8:1::1:1")), 64U);
    EXPECT_EQ(common_prefix_len(far, addr("2001:db8:1::1:1")), 64U);
    const SourceSelection s =
        select_source(std::vector{far, near}, addr("2001:db8:1::1:1"), SourceSelectionContext{});
    EXPECT_EQ(s.source, far);
    EXPECT_EQ(s.rule, 0);
    // Uncapped (RFC 3484 style) the nearer one would win.
    near.prefix_length = 128;
    far.prefix_length = 128;
    expect_source("2001:db8:1::1:1", {far, near}, "2001:db8:1::1:2", 8);
}

TEST(SourceSelection, PerformanceReplacesRule8) {
    SourceSelectionContext ctx;
    // Prefers 2001:db8:3::2 although 2001:db8:1::2 is the longer match.
    ctx.performance = [](const SourceCandidate& a, const SourceCandidate& b, const Address&) {
        const auto score = [](const SourceCandidate& c) { return c.address.byte(5) == 3 ? 0 : 1; };
        return score(a) - score(b);
    };
    expect_source("2001:db8:1::1", {candidate("2001:db8:1::2"), candidate("2001:db8:3::2")},
                  "2001:db8:3::2", 8, ctx);
    // ... but not the rules above it (S7: label decides first).
    expect_source("2002:c633:6401::1", {candidate("2002:c633:6401::2"), candidate("2001:db8:3::2")},
                  "2002:c633:6401::2", 6, ctx);
    // When it cannot tell, longest match still breaks the tie.
    ctx.performance = [](const SourceCandidate&, const SourceCandidate&, const Address&) {
        return 0;
    };
    expect_source("2001:db8:1::1", {candidate("2001:db8:1::2"), candidate("2001:db8:3::2")},
                  "2001:db8:1::2", 8, ctx);
}

TEST(SourceSelection, OnlySameFamilyUnicastCandidates) {
    const std::vector<SourceCandidate> v6_only = {candidate("2001:db8:1::2"), candidate("fe80::1")};
    EXPECT_FALSE(select_source(v6_only, addr("198.51.100.1"), {}).source);
    const std::vector<SourceCandidate> mixed = {candidate("10.1.2.4"), candidate("ff02::1"),
                                                candidate("::"), candidate("2001:db8:9::2")};
    const SourceSelection v6 = select_source(mixed, addr("2001:db8:1::1"), {});
    ASSERT_TRUE(v6.source);
    EXPECT_EQ(v6.index, 3U);
    EXPECT_EQ(v6.rule, 0);  // no runner-up
    const SourceSelection v4 = select_source(mixed, addr("198.51.100.1"), {});
    ASSERT_TRUE(v4.source);
    EXPECT_EQ(v4.index, 0U);
    EXPECT_EQ(compare_sources(mixed[0], mixed[3], addr("2001:db8:1::1"), {}).winner,
              Winner::Second);
}

TEST(SourceSelection, EmptyAndTies) {
    EXPECT_FALSE(select_source({}, addr("2001:db8::1"), {}).source);
    // Identical attributes: the earlier candidate, rule 0.
    const std::vector<SourceCandidate> twins = {candidate("2001:db8:1::a"),
                                                candidate("2001:db8:1::b")};
    const SourceSelection s = select_source(twins, addr("2001:db8:2::1"), {});
    EXPECT_EQ(s.index, 0U);
    EXPECT_EQ(s.rule, 0);
    EXPECT_EQ(compare_sources(twins[0], twins[1], addr("2001:db8:2::1"), {}).winner,
              Winner::Neither);
}

TEST(SourceSelection, RuleIsAgainstTheRunnerUpNotTheLastLoser) {
    // fe80::1 loses at Rule 2; the runner-up 2001:db8:3::2 at Rule 8.
    expect_source("2001:db8:1::1",
                  {candidate("fe80::1"), candidate("2001:db8:3::2"), candidate("2001:db8:1::2")},
                  "2001:db8:1::2", 8);
}

}  // namespace
}  // namespace multi6d
