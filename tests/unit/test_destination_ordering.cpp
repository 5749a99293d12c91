// RFC 6724 §6 destination ordering: the §10.2–§10.7 vectors and each rule
// and input on its own.
#include "destination_ordering.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "rfc6724_test_util.hpp"

namespace multi6d {
namespace {

using test::addr;
using test::candidate;
using test::row;

struct Expected {
    const char* destination;
    const char* source;
};

std::vector<Address> addresses(const std::vector<const char*>& texts) {
    std::vector<Address> out;
    for (const char* t : texts) {
        out.push_back(addr(t));
    }
    return out;
}

void expect_entries(const std::vector<RankedDestination>& got,
                    const std::vector<Expected>& expected) {
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        SCOPED_TRACE("entry " + std::to_string(i));
        EXPECT_EQ(got[i].destination, addr(expected[i].destination));
        ASSERT_TRUE(got[i].source);
        EXPECT_EQ(got[i].source->address, addr(expected[i].source));
    }
    EXPECT_EQ(got.back().rule, 0);
}

// Orders the two destinations in the given and in reverse input order (every
// vector is decided by a rule before Rule 10, so both must give the same
// result) and checks order, sources and the deciding rule.
void expect_order(const std::vector<SourceCandidate>& sources,
                  const std::vector<const char*>& destinations, const std::vector<Expected>& order,
                  int rule, const PolicyTable* table = nullptr) {
    // RFC 6724's vectors run against RFC 6724's table T unless they give
    // another (the engine's default is the update's: test_rfc6724_update).
    static const PolicyTable rfc6724_table = PolicyTable::rfc6724_default();
    DestinationOrderingContext ctx;
    ctx.source_selection.policy = table != nullptr ? table : &rfc6724_table;
    std::vector<Address> input = addresses(destinations);
    for (const bool reversed : {false, true}) {
        SCOPED_TRACE(reversed ? "destinations reversed" : "destinations in order");
        if (reversed) {
            std::reverse(input.begin(), input.end());
        }
        const auto got = order_destinations(input, sources, ctx);
        expect_entries(got, order);
        ASSERT_FALSE(got.empty());
        EXPECT_EQ(got.front().rule, rule);
    }
}

// §10.2, default table.
TEST(Rfc6724DestinationVectors, D1) {
    // Prefer matching scope.
    expect_order({candidate("2001:db8:1::2"), candidate("fe80::1"), candidate("169.254.13.78")},
                 {"2001:db8:1::1", "198.51.100.121"},
                 {{"2001:db8:1::1", "2001:db8:1::2"}, {"198.51.100.121", "169.254.13.78"}}, 2);
}

TEST(Rfc6724DestinationVectors, D2) {
    expect_order({candidate("fe80::1"), candidate("198.51.100.117")},
                 {"2001:db8:1::1", "198.51.100.121"},
                 {{"198.51.100.121", "198.51.100.117"}, {"2001:db8:1::1", "fe80::1"}}, 2);
}

TEST(Rfc6724DestinationVectors, D3) {
    // Prefer higher precedence.
    expect_order({candidate("2001:db8:1::2"), candidate("fe80::1"), candidate("10.1.2.4")},
                 {"2001:db8:1::1", "10.1.2.3"},
                 {{"2001:db8:1::1", "2001:db8:1::2"}, {"10.1.2.3", "10.1.2.4"}}, 6);
}

TEST(Rfc6724DestinationVectors, D4) {
    // Prefer smaller scope.
    expect_order({candidate("2001:db8:1::2"), candidate("fe80::2")}, {"2001:db8:1::1", "fe80::1"},
                 {{"fe80::1", "fe80::2"}, {"2001:db8:1::1", "2001:db8:1::2"}}, 8);
}

TEST(Rfc6724DestinationVectors, D5) {
    // Prefer home address.
    expect_order(
        {candidate("2001:db8:1::2", {.care_of = true}), candidate("2001:db8:3::1", {.home = true}),
         candidate("fe80::2", {.care_of = true})},
        {"2001:db8:1::1", "fe80::1"}, {{"2001:db8:1::1", "2001:db8:3::1"}, {"fe80::1", "fe80::2"}},
        4);
}

TEST(Rfc6724DestinationVectors, D6) {
    // Avoid deprecated addresses.
    expect_order({candidate("2001:db8:1::2"), candidate("fe80::2", {.deprecated = true})},
                 {"2001:db8:1::1", "fe80::1"},
                 {{"2001:db8:1::1", "2001:db8:1::2"}, {"fe80::1", "fe80::2"}}, 3);
}

TEST(Rfc6724DestinationVectors, D7) {
    // Longest matching prefix: CommonPrefixLen 64 against 40.
    expect_order({candidate("2001:db8:1::2"), candidate("2001:db8:3f44::2"), candidate("fe80::2")},
                 {"2001:db8:1::1", "2001:db8:3ffe::1"},
                 {{"2001:db8:1::1", "2001:db8:1::2"}, {"2001:db8:3ffe::1", "2001:db8:3f44::2"}}, 9);
}

TEST(Rfc6724DestinationVectors, D8) {
    // Prefer matching label.
    expect_order(
        {candidate("2002:c633:6401::2"), candidate("fe80::2")},
        {"2002:c633:6401::1", "2001:db8:1::1"},
        {{"2002:c633:6401::1", "2002:c633:6401::2"}, {"2001:db8:1::1", "2002:c633:6401::2"}}, 5);
}

TEST(Rfc6724DestinationVectors, D9) {
    // Prefer higher precedence.
    expect_order({candidate("2002:c633:6401::2"), candidate("2001:db8:1::2"), candidate("fe80::2")},
                 {"2002:c633:6401::1", "2001:db8:1::1"},
                 {{"2001:db8:1::1", "2001:db8:1::2"}, {"2002:c633:6401::1", "2002:c633:6401::2"}},
                 6);
}

// §10.3: ::ffff:0:0/96 changed to precedence 100.
PolicyTable ipv4_preferred() {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("::ffff:0:0/96", 100, 4));
    return t;
}

TEST(Rfc6724DestinationVectors, P1) {
    const PolicyTable t = ipv4_preferred();
    expect_order({candidate("2001:db8::2"), candidate("fe80::1"), candidate("169.254.13.78")},
                 {"2001:db8::1", "198.51.100.121"},
                 {{"2001:db8::1", "2001:db8::2"}, {"198.51.100.121", "169.254.13.78"}}, 2, &t);
}

TEST(Rfc6724DestinationVectors, P2) {
    const PolicyTable t = ipv4_preferred();
    expect_order({candidate("fe80::1"), candidate("198.51.100.117")},
                 {"2001:db8::1", "198.51.100.121"},
                 {{"198.51.100.121", "198.51.100.117"}, {"2001:db8::1", "fe80::1"}}, 2, &t);
}

TEST(Rfc6724DestinationVectors, P3) {
    const PolicyTable t = ipv4_preferred();
    expect_order({candidate("2001:db8::2"), candidate("fe80::1"), candidate("10.1.2.4")},
                 {"2001:db8::1", "10.1.2.3"},
                 {{"10.1.2.3", "10.1.2.4"}, {"2001:db8::1", "2001:db8::2"}}, 6, &t);
}

// §10.4: fe80::/10 33 1 added.
PolicyTable link_local_demoted() {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("fe80::/10", 33, 1));
    return t;
}

TEST(Rfc6724DestinationVectors, P4) {
    const PolicyTable t = link_local_demoted();
    expect_order({candidate("2001:db8::2"), candidate("fe80::2")}, {"2001:db8::1", "fe80::1"},
                 {{"2001:db8::1", "2001:db8::2"}, {"fe80::1", "fe80::2"}}, 6, &t);
}

TEST(Rfc6724DestinationVectors, P5) {
    const PolicyTable t = link_local_demoted();
    expect_order({candidate("2001:db8::2", {.deprecated = true}), candidate("fe80::2")},
                 {"2001:db8::1", "fe80::1"},
                 {{"fe80::1", "fe80::2"}, {"2001:db8::1", "2001:db8::2"}}, 3, &t);
}

// §10.5: multiple global addresses.
std::vector<SourceCandidate> section_10_5_sources() {
    return {candidate("2001:db8:1aaa::a"), candidate("2001:db8:70aa::a"), candidate("fe80::a")};
}

PolicyTable section_10_5_table() {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("2001:db8:1aaa::/48", 43, 6));
    t.set_row(row("2001:db8:1bbb::/48", 43, 6));
    return t;
}

TEST(Rfc6724DestinationVectors, M1) {
    // CommonPrefixLen 43 against 39.
    expect_order(
        section_10_5_sources(), {"2001:db8:1bbb::b", "2001:db8:70bb::b"},
        {{"2001:db8:70bb::b", "2001:db8:70aa::a"}, {"2001:db8:1bbb::b", "2001:db8:1aaa::a"}}, 9);
}

TEST(Rfc6724DestinationVectors, M2) {
    // CommonPrefixLen 37 against 35.
    expect_order(
        section_10_5_sources(), {"2001:db8:1ccc::c", "2001:db8:6ccc::c"},
        {{"2001:db8:1ccc::c", "2001:db8:1aaa::a"}, {"2001:db8:6ccc::c", "2001:db8:70aa::a"}}, 9);
}

TEST(Rfc6724DestinationVectors, M3) {
    const PolicyTable t = section_10_5_table();
    expect_order(
        section_10_5_sources(), {"2001:db8:1bbb::b", "2001:db8:70bb::b"},
        {{"2001:db8:1bbb::b", "2001:db8:1aaa::a"}, {"2001:db8:70bb::b", "2001:db8:70aa::a"}}, 6,
        &t);
}

TEST(Rfc6724DestinationVectors, M4) {
    // Both use 2001:db8:70aa::a (label 1); CommonPrefixLen 35 against 33.
    const PolicyTable t = section_10_5_table();
    expect_order(
        section_10_5_sources(), {"2001:db8:1ccc::c", "2001:db8:6ccc::c"},
        {{"2001:db8:6ccc::c", "2001:db8:70aa::a"}, {"2001:db8:1ccc::c", "2001:db8:70aa::a"}}, 9,
        &t);
}

// §10.6: ULAs.
std::vector<SourceCandidate> section_10_6_sources() {
    return {candidate("2001:db8:1::1"), candidate("fd11:1111:1111:1::1")};
}

PolicyTable section_10_6_table() {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("fd11:1111:1111::/48", 45, 14));
    return t;
}

TEST(Rfc6724DestinationVectors, U1) {
    expect_order(
        section_10_6_sources(), {"2001:db8:2::2", "fd22:2222:2222:2::2"},
        {{"2001:db8:2::2", "2001:db8:1::1"}, {"fd22:2222:2222:2::2", "fd11:1111:1111:1::1"}}, 6);
}

TEST(Rfc6724DestinationVectors, U2) {
    // The RFC credits precedence; strictly Rule 5 decides first, because
    // the fd11 source now has label 14 and fd22::2 label 13.
    const PolicyTable t = section_10_6_table();
    expect_order(
        section_10_6_sources(), {"2001:db8:2::2", "fd22:2222:2222:2::2"},
        {{"2001:db8:2::2", "2001:db8:1::1"}, {"fd22:2222:2222:2::2", "fd11:1111:1111:1::1"}}, 5,
        &t);
}

TEST(Rfc6724DestinationVectors, U3) {
    const PolicyTable t = section_10_6_table();
    expect_order(
        section_10_6_sources(), {"2001:db8:2::2", "fd11:1111:1111:2::2"},
        {{"fd11:1111:1111:2::2", "fd11:1111:1111:1::1"}, {"2001:db8:2::2", "2001:db8:1::1"}}, 6,
        &t);
}

// §10.7: 6to4.
TEST(Rfc6724DestinationVectors, X1) {
    expect_order({candidate("2002:c633:6401::2"), candidate("10.1.2.3")},
                 {"2001:db8:1::1", "203.0.113.1"},
                 {{"203.0.113.1", "10.1.2.3"}, {"2001:db8:1::1", "2002:c633:6401::2"}}, 5);
}

TEST(Rfc6724DestinationVectors, X2) {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("2002:c633:6401::/48", 45, 14));
    expect_order({candidate("2002:c633:6401:1::1"), candidate("10.1.2.3")},
                 {"2002:c633:6401:2::2", "203.0.113.1"},
                 {{"2002:c633:6401:2::2", "2002:c633:6401:1::1"}, {"203.0.113.1", "10.1.2.3"}}, 6,
                 &t);
}

// Each rule and input on its own.

TEST(DestinationOrdering, Rule1UnreachableAndSourcelessDestinationsGoLast) {
    const std::vector<SourceCandidate> sources = {candidate("2001:db8:1::2")};
    const std::unordered_set<Address> unreachable = {addr("2001:db8:1::1")};
    DestinationOrderingContext ctx;
    ctx.unreachable = &unreachable;
    // 198.51.100.1 has no IPv4 source at all.
    const auto got = order_destinations(
        addresses({"198.51.100.1", "2001:db8:1::1", "2001:db8:2::1"}), sources, ctx);
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(got[0].destination, addr("2001:db8:2::1"));
    EXPECT_EQ(got[0].rule, 1);
    // Between the two unusable ones the later rules still decide: the
    // unreachable one has a scope-matching source, the other has none.
    EXPECT_EQ(got[1].destination, addr("2001:db8:1::1"));
    EXPECT_EQ(got[1].rule, 2);
    EXPECT_EQ(got[2].destination, addr("198.51.100.1"));
    EXPECT_FALSE(got[2].source);
}

TEST(DestinationOrdering, Rule7PrefersNativeTransport) {
    DestinationOrderingContext ctx;
    ctx.encapsulated = [](const Address& a) { return a == addr("2001:db8:1::1"); };
    const auto got = order_destinations(addresses({"2001:db8:1::1", "2001:db8:2::1"}),
                                        std::vector{candidate("2001:db8:1::2")}, ctx);
    ASSERT_EQ(got.size(), 2U);
    EXPECT_EQ(got[0].destination, addr("2001:db8:2::1"));
    EXPECT_EQ(got[0].rule, 7);
}

TEST(DestinationOrdering, Rule10KeepsInputOrder) {
    const auto got =
        order_destinations(addresses({"2001:db8:1::1", "2001:db8:1::3", "2001:db8:1::2"}),
                           std::vector{candidate("2001:db8:1::9")}, {});
    ASSERT_EQ(got.size(), 3U);
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].input_index, i);
    }
    EXPECT_EQ(got[0].rule, 10);
    EXPECT_EQ(got[1].rule, 10);
    EXPECT_EQ(got[2].rule, 0);
}

TEST(DestinationOrdering, PerformanceReplacesRules9And10) {
    DestinationOrderingContext ctx;
    // Prefers 2001:db8:3ffe::1 although D7's Rule 9 puts it second.
    ctx.performance = [](const RankedDestination& a, const RankedDestination& b) {
        const auto score = [](const RankedDestination& d) {
            return d.destination.byte(4) == 0x3f ? 0 : 1;
        };
        return score(a) - score(b);
    };
    const std::vector<SourceCandidate> sources = {candidate("2001:db8:1::2"),
                                                  candidate("2001:db8:3f44::2")};
    const auto got =
        order_destinations(addresses({"2001:db8:1::1", "2001:db8:3ffe::1"}), sources, ctx);
    ASSERT_EQ(got.size(), 2U);
    EXPECT_EQ(got[0].destination, addr("2001:db8:3ffe::1"));
    EXPECT_EQ(got[0].rule, 9);
    // It does not override Rules 1–8 (D8: label decides).
    const auto d8 = order_destinations(addresses({"2001:db8:3fff::1", "2002:c633:6401::1"}),
                                       std::vector{candidate("2002:c633:6401::2")}, ctx);
    EXPECT_EQ(d8[0].destination, addr("2002:c633:6401::1"));
    EXPECT_EQ(d8[0].rule, 5);
}

// §4: the candidate set is per destination. A destination whose only
// candidate (per candidates_for) is not global goes after one with a global
// source (Rule 2), although the shared list would give both a global one.
TEST(DestinationOrdering, CandidatesForGivesEachDestinationItsOwnSources) {
    const std::vector<SourceCandidate> global = {candidate("2001:db8:1::2")};
    const std::vector<SourceCandidate> link_local = {candidate("fe80::2")};
    DestinationOrderingContext ctx;
    ctx.candidates_for = [&](const Address& d) -> std::span<const SourceCandidate> {
        return d == addr("2001:db8:2::1") ? std::span<const SourceCandidate>(link_local)
                                          : std::span<const SourceCandidate>(global);
    };
    const auto got = order_destinations(addresses({"2001:db8:2::1", "2001:db8:3::1"}), {}, ctx);
    ASSERT_EQ(got.size(), 2U);
    EXPECT_EQ(got[0].destination, addr("2001:db8:3::1"));
    ASSERT_TRUE(got[0].source);
    EXPECT_EQ(got[0].source->address, addr("2001:db8:1::2"));
    EXPECT_EQ(got[0].rule, 2);
    ASSERT_TRUE(got[1].source);
    EXPECT_EQ(got[1].source->address, addr("fe80::2"));
}

TEST(DestinationOrdering, RouteForFeedsRule55IntoSourceD) {
    // Two uplinks as in RFC 8678: each destination gets the source of its
    // next hop's prefix.
    PrefixAdvertisers advertisers;
    advertisers[test::prefix("2001:db8:0:a020::/64")].insert(addr("fe80::a"));
    advertisers[test::prefix("2001:db8:0:b020::/64")].insert(addr("fe80::b"));
    DestinationOrderingContext ctx;
    ctx.source_selection.advertisers = &advertisers;
    ctx.route_for = [](const Address& d) {
        DestinationRoute r;
        r.next_hop = d == addr("2001:db8:0:6666::61") ? addr("fe80::b") : addr("fe80::a");
        return r;
    };
    const auto got = order_destinations(
        addresses({"2001:db8:0:1234::101", "2001:db8:0:6666::61"}),
        std::vector{candidate("2001:db8:0:b020::41"), candidate("2001:db8:0:a020::41")}, ctx);
    expect_entries(got, {{"2001:db8:0:1234::101", "2001:db8:0:a020::41"},
                         {"2001:db8:0:6666::61", "2001:db8:0:b020::41"}});
    EXPECT_EQ(got[0].rule, 10);
}

// Rules 9 and 10 as written can cycle across families (see the header).
PolicyTable families_tied() {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("::ffff:0:0/96", 40, 4));  // same precedence as ::/0
    return t;
}

TEST(DestinationOrdering, CrossFamilyTiesKeepEachFamilysPositions) {
    const PolicyTable t = families_tied();
    DestinationOrderingContext ctx;
    ctx.source_selection.policy = &t;
    const std::vector<SourceCandidate> sources = {candidate("2001:db8:1::1"),
                                                  candidate("198.51.100.2")};
    // No cycle: v6 (CPL 64), v4, v6 (CPL 34) is consistent with Rules 9 and 10.
    auto got = order_destinations(addresses({"2001:db8:1::2", "198.51.100.1", "2001:db8:3ffe::1"}),
                                  sources, ctx);
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(got[0].input_index, 0U);
    EXPECT_EQ(got[1].input_index, 1U);
    EXPECT_EQ(got[2].input_index, 2U);
    EXPECT_EQ(got[0].rule, 10);
    // Cycle: the IPv6 pair is ordered by Rule 9 within the IPv6 positions
    // (0 and 2); the IPv4 destination keeps position 1.
    got = order_destinations(addresses({"2001:db8:3ffe::1", "198.51.100.1", "2001:db8:1::2"}),
                             sources, ctx);
    ASSERT_EQ(got.size(), 3U);
    EXPECT_EQ(got[0].destination, addr("2001:db8:1::2"));
    EXPECT_EQ(got[1].destination, addr("198.51.100.1"));
    EXPECT_EQ(got[2].destination, addr("2001:db8:3ffe::1"));
    EXPECT_EQ(got[0].rule, 10);
    EXPECT_EQ(got[1].rule, 10);
}

TEST(DestinationOrdering, EmptyInput) {
    EXPECT_TRUE(order_destinations({}, std::vector{candidate("2001:db8::1")}, {}).empty());
}

}  // namespace
}  // namespace multi6d
