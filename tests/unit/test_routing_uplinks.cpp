// decide_routing with [[uplink]] roles, costs and weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "load_balance.hpp"
#include "policy_test_util.hpp"
#include "routing_decision.hpp"
#include "unbound_lookup_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;

std::optional<AddressLabel> label_for(const KernelState& s, const Address& d) {
    const LabelRow* best = nullptr;
    for (const auto& row : s.labels) {
        if (row.prefix.contains(d) &&
            (best == nullptr || row.prefix.length() > best->prefix.length())) {
            best = &row;
        }
    }
    return best == nullptr ? std::nullopt : std::optional<AddressLabel>(best->label);
}

// One link, routers fe80::a, fe80::b, fe80::c, each advertising its own
// prefix 2001:db8:X::/64 (X = a, b, c) as in the lab; c also sends a RIO.
// b has the highest router preference, so whenever b does not win the
// generic row it is the uplink config that decided, not the tie-breaks.
class UplinkDecisionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        model.set_link(eth0, "eth0", true);
        for (const char x : {'a', 'b', 'c'}) {
            const std::string p = std::string("2001:db8:") + x + "::";
            model.set_address(eth0, host_address(p + "10"), t0);
            auto r = ra(std::string("fe80::") + x, 1800,
                        x == 'b' ? RouterPreference::High : RouterPreference::Medium);
            r.prefixes.push_back(pio(p + "/64", 86400, 14400));
            if (x == 'c') {
                r.routes.push_back(rio("2001:db8:fe::/64", 1800));
            }
            model.apply(eth0, r, t0);
        }
        decide();  // gives the paths their ids, which stay (label() reads them)
    }

    static PathKey key(char x) {
        const std::string p = std::string("2001:db8:") + x + "::/64";
        return {eth0, pfx(p), addr(std::string("fe80::") + x)};
    }
    static UplinkConfig uplink(const char* name, char x, unsigned cost = 100, unsigned weight = 0,
                               UplinkRole role = UplinkRole::Primary) {
        return {name, {pfx(std::string("2001:db8:") + x + "::/48")}, {}, cost, weight, role};
    }
    AddressLabel label(char x) const { return ids.labels.find(key(x).prefix).value(); }
    KernelState decide() { return decide_routing(model, inputs, ids); }
    // The label a generic destination gets.
    std::optional<AddressLabel> generic(const KernelState& s) const {
        return label_for(s, addr("2001:db8:1234::1"));
    }
    // Slice rows (more specific than 2000::/3, not a path or RIO row) per label.
    std::map<AddressLabel, unsigned> slice_counts(const KernelState& s) const {
        std::map<AddressLabel, unsigned> n;
        for (const auto& row : s.labels) {
            if (row.prefix.length() > 3 && row.prefix.length() < 64) {
                ++n[row.label];
            }
        }
        return n;
    }
    void set_health(char x, PathHealth h) { inputs.health[key(x)] = h; }

    HostModel model;
    RoutingInputs inputs;
    RoutingIds ids;
};

TEST_F(UplinkDecisionTest, PathsBelongToTheLongestMatchThenTheRouterThenThemselves) {
    inputs.uplinks = {
        {"wide", {pfx("2001:db8::/32")}, {}, 100, 0, UplinkRole::Primary},
        {"narrow", {pfx("2001:db8:a::/48")}, {addr("fe80::b")}, 100, 0, UplinkRole::Primary},
        {"by-router", {}, {addr("fe80::c")}, 100, 0, UplinkRole::Backup},
    };
    EXPECT_EQ(inputs.uplink_name(key('a')), "narrow");
    // b's prefix is in "wide": the prefix match beats narrow's router match.
    EXPECT_EQ(inputs.uplink_name(key('b')), "wide");
    EXPECT_EQ(inputs.uplink_name({eth0, pfx("2001:db9:1::/64"), addr("fe80::b")}), "narrow");
    EXPECT_EQ(inputs.uplink_name({eth0, pfx("2001:db9:1::/64"), addr("fe80::c")}), "by-router");
    EXPECT_EQ(inputs.uplink_of({eth0, pfx("2001:db9:1::/64"), addr("fe80::c")}).role,
              UplinkRole::Backup);
    const PathUplink implicit = inputs.uplink_of({eth0, pfx("2001:db9:1::/64"), addr("fe80::9")});
    EXPECT_EQ(implicit, (PathUplink{"2001:db9:1::/64", UplinkRole::Primary, 100, 0, false}));
    EXPECT_EQ(RoutingInputs{}.uplink_name(key('a')), "2001:db8:a::/64");
}

// The failover scenario: primary a, backup b; every new connection
// uses a until it is cut, then b, then a again after recovery.
TEST_F(UplinkDecisionTest, BackupCarriesOnlyWhileEveryPrimaryIsDown) {
    inputs.uplinks = {uplink("isp-a", 'a'), uplink("isp-b", 'b', 100, 0, UplinkRole::Backup),
                      uplink("isp-c", 'c', 100, 0, UplinkRole::Backup)};
    const KernelState up = decide();
    EXPECT_EQ(generic(up), label('a'));

    set_health('a', PathHealth::Down);
    const KernelState cut = decide();
    EXPECT_EQ(generic(cut), label('b'));
    // Only the generic row moved: every prefix keeps its own row, the RIO
    // row keeps c's label, rules and routes stay.
    EXPECT_EQ(label_for(cut, addr("2001:db8:a::10")), label('a'));
    EXPECT_EQ(label_for(cut, addr("2001:db8:fe::1")), label('c'));
    EXPECT_EQ(cut.rules, up.rules);
    EXPECT_EQ(path_routes(cut), path_routes(up));
    // Unbound lookups moved with the generic row (DESIGN.md §2).
    EXPECT_EQ(unbound_exit(up, addr("2001:db8:1234::1")), addr("fe80::a"));
    EXPECT_EQ(unbound_exit(cut, addr("2001:db8:1234::1")), addr("fe80::b"));
    expect_exits_agree(cut, {addr("2001:db8:1234::1"), addr("2001:db8:fe::1")});
    EXPECT_EQ(cut.labels.size(), up.labels.size());

    set_health('a', PathHealth::Up);
    EXPECT_EQ(decide(), up);

    // A degraded primary still beats a healthy backup: a backup is for
    // when no primary can carry at all.
    set_health('a', PathHealth::Degraded);
    set_health('b', PathHealth::Up);
    EXPECT_EQ(generic(decide()), label('a'));
    // A primary whose router stops being a default router is no choice.
    set_health('a', PathHealth::Up);
    auto r = ra("fe80::a", 0);
    r.prefixes.push_back(pio("2001:db8:a::/64", 86400, 14400));
    model.apply(eth0, r, t0 + seconds(1));
    EXPECT_EQ(generic(decide()), label('b'));
    // Among backups, health then tie-breaks decide as among primaries.
    set_health('b', PathHealth::Degraded);
    EXPECT_EQ(generic(decide()), label('c'));
    set_health('c', PathHealth::Down);
    EXPECT_EQ(generic(decide()), label('b'));
    set_health('b', PathHealth::Down);
    const KernelState none = decide();
    EXPECT_EQ(std::ranges::count(none.labels, generic_destinations(), &LabelRow::prefix), 0);
    EXPECT_FALSE(has_unbound_rule(none));
}

TEST_F(UplinkDecisionTest, LowestCostWinsWithinARoleAfterHealth) {
    inputs.uplinks = {uplink("a", 'a', 10), uplink("b", 'b', 20), uplink("c", 'c', 10)};
    // a and c tie on cost 10; b (High preference) costs more. a < c by prefix.
    EXPECT_EQ(generic(decide()), label('a'));
    set_health('a', PathHealth::Down);
    EXPECT_EQ(generic(decide()), label('c'));
    // Degraded only when nothing better: an Up path of higher cost wins.
    set_health('c', PathHealth::Degraded);
    EXPECT_EQ(generic(decide()), label('b'));
    set_health('b', PathHealth::Degraded);
    EXPECT_EQ(generic(decide()), label('c'));
    // Unconfigured prefixes are primaries of cost 100.
    inputs.uplinks = {uplink("a", 'a', 101)};
    inputs.health.clear();
    EXPECT_EQ(generic(decide()), label('b'));
}

// Weights 3:1: sixteen /7 slices of 2000::/3, dealt 12:4.
TEST_F(UplinkDecisionTest, WeightsShareSlicesInProportion) {
    inputs.uplinks = {uplink("isp-a", 'a', 100, 3), uplink("isp-b", 'b', 100, 1)};
    const KernelState s = decide();
    EXPECT_EQ(slice_counts(s),
              (std::map<AddressLabel, unsigned>{{label('a'), 12}, {label('b'), 4}}));
    for (const auto& slice : split_prefix(pfx("2000::/3"), 4)) {
        EXPECT_EQ(std::ranges::count(s.labels, slice, &LabelRow::prefix), 1) << slice.to_string();
        EXPECT_EQ(ids.slice_owners.at(slice) == "isp-a" ? label('a') : label('b'),
                  label_for(s, slice.address()));
    }
    // The heaviest uplink holds the 2000::/3 row; path rows are untouched
    // and c, with no weight at the same cost, gets no slice.
    EXPECT_TRUE(s.labels.contains(LabelRow{generic_destinations(), label('a')}));
    EXPECT_EQ(label_for(s, addr("2001:db8:b::10")), label('b'));
    EXPECT_EQ(label_for(s, addr("2001:db8:c::10")), label('c'));
    EXPECT_EQ(label_for(s, addr("2001:db8:fe::1")), label('c'));
    // 200 distinct destinations spread over 2000::/3: about 3/4 via a.
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    unsigned via_a = 0;
    for (int i = 0; i < 200; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        Address::Bytes b{};
        for (int k = 0; k < 8; ++k) {
            b[k] = static_cast<std::uint8_t>(x >> (8 * k));
        }
        b[0] = static_cast<std::uint8_t>(0x20 | (b[0] & 0x1f));
        via_a += label_for(s, Address(b)) == label('a');
    }
    EXPECT_GE(via_a, 120U);
    EXPECT_LE(via_a, 180U);
    // Each slice's unbound lookups leave through the uplink it is dealt to.
    std::vector<Address> probes{addr("2001:db8:fe::1"), addr("2001:db8:b::99")};
    for (const auto& slice : split_prefix(pfx("2000::/3"), 4)) {
        probes.push_back(slice.address());
        EXPECT_EQ(unbound_exit(s, slice.address()),
                  addr(ids.slice_owners.at(slice) == "isp-a" ? "fe80::a" : "fe80::b"))
            << slice.to_string();
    }
    expect_exits_agree(s, probes);
    EXPECT_EQ(decide(), s);  // stable across calls
}

// Its slices move to the others when a weighted uplink goes down; the
// others keep the slices they had, so only the lost uplink's slices move.
TEST_F(UplinkDecisionTest, AWeightedUplinkDownGivesItsSlicesToTheOthers) {
    inputs.uplinks = {uplink("isp-a", 'a', 100, 3), uplink("isp-b", 'b', 100, 1)};
    set_health('a', PathHealth::Up);  // Up ranks before Unknown: both measured
    set_health('b', PathHealth::Up);
    decide();
    set_health('a', PathHealth::Down);
    const KernelState down = decide();
    EXPECT_EQ(slice_counts(down), (std::map<AddressLabel, unsigned>{{label('b'), 16}}));
    EXPECT_TRUE(down.labels.contains(LabelRow{generic_destinations(), label('b')}));
    set_health('a', PathHealth::Up);
    const KernelState back = decide();
    EXPECT_EQ(slice_counts(back),
              (std::map<AddressLabel, unsigned>{{label('a'), 12}, {label('b'), 4}}));
    // A degraded weighted uplink also leaves the split while another is Up.
    set_health('b', PathHealth::Degraded);
    EXPECT_EQ(slice_counts(decide()), (std::map<AddressLabel, unsigned>{{label('a'), 16}}));
    // All weighted uplinks gone: the unweighted one at that cost gets the
    // plain 2000::/3 row and the slice rows go away.
    set_health('a', PathHealth::Down);
    set_health('b', PathHealth::Down);
    const KernelState last = decide();
    EXPECT_TRUE(slice_counts(last).empty());
    EXPECT_EQ(generic(last), label('c'));
    EXPECT_TRUE(ids.slice_owners.empty());
}

TEST_F(UplinkDecisionTest, OnlyTheLostUplinksSlicesMove) {
    inputs.uplinks = {uplink("isp-a", 'a', 100, 2), uplink("isp-b", 'b', 100, 1),
                      uplink("isp-c", 'c', 100, 1)};
    for (char x : {'a', 'b', 'c'}) {
        set_health(x, PathHealth::Up);  // Up ranks before Unknown: all measured
    }
    KernelState s = decide();
    EXPECT_EQ(slice_counts(s), (std::map<AddressLabel, unsigned>{
                                   {label('a'), 8}, {label('b'), 4}, {label('c'), 4}}));
    const auto before = ids.slice_owners;
    set_health('c', PathHealth::Down);
    s = decide();
    // 2:1 of 16 = 11:5 (largest remainder); a and b keep their 8 and 4.
    EXPECT_EQ(slice_counts(s),
              (std::map<AddressLabel, unsigned>{{label('a'), 11}, {label('b'), 5}}));
    unsigned moved = 0;
    for (const auto& [slice, owner] : before) {
        moved += ids.slice_owners.at(slice) != owner;
        if (owner != "isp-c") {
            EXPECT_EQ(ids.slice_owners.at(slice), owner) << slice.to_string();
        }
    }
    EXPECT_EQ(moved, 4U);
    // c is back: 3 of a's and 1 of b's slices go to c, nothing else moves.
    const auto without_c = ids.slice_owners;
    set_health('c', PathHealth::Up);
    decide();
    moved = 0;
    for (const auto& [slice, owner] : without_c) {
        moved += ids.slice_owners.at(slice) != owner;
        EXPECT_TRUE(ids.slice_owners.at(slice) == owner || ids.slice_owners.at(slice) == "isp-c");
    }
    EXPECT_EQ(moved, 4U);
}

TEST_F(UplinkDecisionTest, WeightsShareOnlyAmongTheWinningRoleAndCost) {
    // c is cheaper: it carries alone though a and b have weights.
    inputs.uplinks = {uplink("a", 'a', 100, 3), uplink("b", 'b', 100, 1), uplink("c", 'c', 50)};
    KernelState s = decide();
    EXPECT_TRUE(slice_counts(s).empty());
    EXPECT_EQ(generic(s), label('c'));
    // Weighted backups share while every primary is down.
    inputs.uplinks = {uplink("a", 'a', 100, 1, UplinkRole::Backup),
                      uplink("b", 'b', 100, 1, UplinkRole::Backup), uplink("c", 'c')};
    EXPECT_TRUE(slice_counts(decide()).empty());
    set_health('c', PathHealth::Down);
    s = decide();
    EXPECT_EQ(slice_counts(s),
              (std::map<AddressLabel, unsigned>{{label('a'), 8}, {label('b'), 8}}));
}

// The lab's destinations are all in 2001:db8::/32, one /7 slice of
// 2000::/3: [balance] cuts that range instead.
TEST_F(UplinkDecisionTest, BalanceRangesAreConfigurable) {
    inputs.uplinks = {uplink("isp-a", 'a', 100, 3), uplink("isp-b", 'b', 100, 1)};
    inputs.balance = {{pfx("2001:db8::/32")}, 4};
    const KernelState s = decide();
    EXPECT_EQ(slice_counts(s),
              (std::map<AddressLabel, unsigned>{{label('a'), 12}, {label('b'), 4}}));
    unsigned via_a = 0;
    for (unsigned i = 0; i < 200; ++i) {
        // 2001:db8:XY00::1 with X, Y spread over 0..f.
        Address::Bytes b{0x20, 0x01, 0x0d, 0xb8};
        b[4] = static_cast<std::uint8_t>((i * 37) & 0xff);
        b[15] = 1;
        via_a += label_for(s, Address(b)) == label('a');
    }
    EXPECT_GE(via_a, 120U);
    EXPECT_LE(via_a, 180U);
    // Each slice's unbound lookups leave through the uplink it is dealt to.
    std::vector<Address> probes{addr("2001:db8:fe::1"), addr("2001:db8:b::99")};
    for (const auto& slice : split_prefix(pfx("2001:db8::/32"), 4)) {
        probes.push_back(slice.address());
        EXPECT_EQ(unbound_exit(s, slice.address()),
                  addr(ids.slice_owners.at(slice) == "isp-a" ? "fe80::a" : "fe80::b"))
            << slice.to_string();
    }
    expect_exits_agree(s, probes);
    // Outside the ranges, generic destinations go to the heaviest uplink.
    EXPECT_EQ(label_for(s, addr("2a00:1450::1")), label('a'));
}

TEST_F(UplinkDecisionTest, FreshDecisionsAreDeterministic) {
    inputs.uplinks = {uplink("isp-a", 'a', 100, 5), uplink("isp-b", 'b', 100, 2),
                      uplink("isp-c", 'c', 100, 1)};
    const KernelState first = decide();
    RoutingIds other;
    EXPECT_EQ(decide_routing(model, inputs, other), first);
    EXPECT_EQ(other.slice_owners, ids.slice_owners);
    // 5:2:1 of 16 = 10:4:2.
    EXPECT_EQ(slice_counts(first), (std::map<AddressLabel, unsigned>{
                                       {label('a'), 10}, {label('b'), 4}, {label('c'), 2}}));
}

}  // namespace
}  // namespace multi6d
