// decide_routing: host model (+ path health) → desired kernel state.
#include "routing_decision.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "policy_test_util.hpp"
#include "unbound_lookup_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;
constexpr int eth1 = 3;

// The label the kernel's policy table (our rows only) gives a destination:
// longest match, as RFC 6724 §2.1 looks it up.
std::optional<AddressLabel> label_for(const KernelState& s, std::string_view destination) {
    const Address d = addr(destination);
    const LabelRow* best = nullptr;
    for (const auto& row : s.labels) {
        if (row.prefix.contains(d) &&
            (best == nullptr || row.prefix.length() > best->prefix.length())) {
            best = &row;
        }
    }
    return best == nullptr ? std::nullopt : std::optional<AddressLabel>(best->label);
}

std::vector<PathRoute> routes_in(const KernelState& s, TableId table) {
    std::vector<PathRoute> out;
    std::ranges::copy_if(s.routes, std::back_inserter(out),
                         [&](const PathRoute& r) { return r.table == table; });
    return out;
}

// RFC 8678 §6.2.2 / §6.3.2 (rfc-digest §1.7, Rule 5.5 vectors): one link,
// two routers, one prefix each; B also sends a RIO for 6666::/64.
class Rule55Test : public ::testing::Test {
  protected:
    void SetUp() override {
        model.set_link(eth0, "eth0", true);
        model.set_address(eth0, host_address("2001:db8:0:a020::41"), t0);
        model.set_address(eth0, host_address("2001:db8:0:b020::41"), t0);
        model.apply(eth0, ra_a(1800), t0);
        model.apply(eth0, ra_b(1800), t0);
    }

    static RouterAdvertisement ra_a(std::uint16_t lifetime) {
        auto r = ra("fe80::a", lifetime, RouterPreference::High);  // Prf 01
        r.prefixes.push_back(pio("2001:db8:0:a020::/64", 86400, 14400));
        return r;
    }
    static RouterAdvertisement ra_b(std::uint16_t lifetime) {
        auto r = ra("fe80::b", lifetime, RouterPreference::Low);  // Prf 11
        r.prefixes.push_back(pio("2001:db8:0:b020::/64", 86400, 14400));
        r.routes.push_back(rio("2001:db8:0:6666::/64", 1800));
        return r;
    }

    PathKey key_a() const { return {eth0, pfx("2001:db8:0:a020::/64"), addr("fe80::a")}; }
    PathKey key_b() const { return {eth0, pfx("2001:db8:0:b020::/64"), addr("fe80::b")}; }
    KernelState decide() { return decide_routing(model, inputs, ids); }
    TableId table(const PathKey& k) const { return ids.tables.find(k).value(); }
    AddressLabel label(std::string_view prefix) const {
        return ids.labels.find(pfx(prefix)).value();
    }

    HostModel model;
    RoutingInputs inputs;
    RoutingIds ids;
};

TEST_F(Rule55Test, EachPrefixRoutesViaItsRouterAndRioPicksItsSource) {
    const KernelState s = decide();
    const auto ta = table(key_a());
    const auto tb = table(key_b());
    const auto la = label("2001:db8:0:a020::/64");
    const auto lb = label("2001:db8:0:b020::/64");
    ASSERT_NE(ta, tb);
    ASSERT_NE(la, lb);
    for (TableId id : {ta, tb}) {
        EXPECT_TRUE(owned::path_tables.contains(id));
    }
    for (AddressLabel id : {la, lb}) {
        EXPECT_TRUE(owned::path_labels.contains(id));
    }

    EXPECT_TRUE(s.suppress_rule);
    EXPECT_EQ(s.managed_links, std::set<int>{eth0});
    EXPECT_EQ(s.rules, (std::set<SourceRule>{{RulePriority{6601}, pfx("2001:db8:0:a020::/64"), ta},
                                             {RulePriority{6602}, pfx("2001:db8:0:b020::/64"), tb},
                                             {RulePriority{6855}, pfx("::/0"), TableId{6855}}}));
    // Each table: its own router's ::/0 first, the other default router
    // after it (RFC 8028 §3.2 fallback, policy/router_fallback.hpp).
    EXPECT_EQ(routes_in(s, ta),
              (std::vector<PathRoute>{{ta, pfx("::/0"), addr("fe80::a"), eth0, 1024, {}},
                                      {ta, pfx("::/0"), addr("fe80::b"), eth0, 1025, {}}}));
    EXPECT_EQ(routes_in(s, tb),
              (std::vector<PathRoute>{
                  {tb, pfx("::/0"), addr("fe80::a"), eth0, 1025, {}},
                  {tb, pfx("::/0"), addr("fe80::b"), eth0, 1024, {}},
                  {tb, pfx("2001:db8:0:6666::/64"), addr("fe80::b"), eth0, 1024, {}}}));
    EXPECT_EQ(path_routes(s).size(), 5U);
    // Unbound lookups: each label row's destinations via its path's router.
    EXPECT_EQ(routes_in(s, TableId{6855}),
              (std::vector<PathRoute>{
                  {TableId{6855}, pfx("::/0"), addr("fe80::a"), eth0, 1024, {}},
                  {TableId{6855}, pfx("2000::/3"), addr("fe80::a"), eth0, 1024, {}},
                  {TableId{6855}, pfx("2001:db8:0:6666::/64"), addr("fe80::b"), eth0, 1024, {}},
                  {TableId{6855}, pfx("2001:db8:0:a020::/64"), addr("fe80::a"), eth0, 1024, {}},
                  {TableId{6855}, pfx("2001:db8:0:b020::/64"), addr("fe80::b"), eth0, 1024, {}}}));
    expect_exits_agree(s, {addr("2001:db8:0:1234::101"), addr("2001:db8:0:6666::61"),
                           addr("3fff::1"), addr("2001:db8:0:b020::9")});
    // Outside every row (fc00::/7 keeps the kernel's label): the generic path.
    EXPECT_EQ(unbound_exit(s, addr("fd00::1")), addr("fe80::a"));
    EXPECT_EQ(s.labels, (std::set<LabelRow>{{pfx("2001:db8:0:a020::/64"), la},
                                            {pfx("2001:db8:0:b020::/64"), lb},
                                            {pfx("2000::/3"), la},
                                            {pfx("2001:db8:0:6666::/64"), lb}}));
    // Rule 6 then picks a020::41 for a generic destination, b020::41 for 6666.
    EXPECT_EQ(label_for(s, "2001:db8:0:1234::101"), la);
    EXPECT_EQ(label_for(s, "2001:db8:0:6666::61"), lb);
}

TEST_F(Rule55Test, RouterLifetimeZeroKeepsRioRowAndRoute) {
    const KernelState before = decide();
    model.apply(eth0, ra_b(0), t0 + seconds(10));
    const KernelState s = decide();
    const auto tb = table(key_b());
    // B's prefix keeps its RIO route and falls back to A for the rest.
    EXPECT_EQ(routes_in(s, tb),
              (std::vector<PathRoute>{
                  {tb, pfx("::/0"), addr("fe80::a"), eth0, 1024, {}},
                  {tb, pfx("2001:db8:0:6666::/64"), addr("fe80::b"), eth0, 1024, {}}}));
    // A's table loses its fallback via B, which is no default router now.
    EXPECT_EQ(
        routes_in(s, table(key_a())),
        (std::vector<PathRoute>{{table(key_a()), pfx("::/0"), addr("fe80::a"), eth0, 1024, {}}}));
    EXPECT_EQ(s.labels, before.labels);
    EXPECT_EQ(s.rules, before.rules);
    EXPECT_EQ(label_for(s, "2001:db8:0:1234::101"), label("2001:db8:0:a020::/64"));
    EXPECT_EQ(label_for(s, "2001:db8:0:6666::61"), label("2001:db8:0:b020::/64"));
}

TEST_F(Rule55Test, RouterLifetimeZeroStopsBeingTheGenericChoice) {
    model.apply(eth0, ra_a(0), t0 + seconds(10));
    const KernelState s = decide();
    EXPECT_EQ(label_for(s, "2001:db8:0:1234::101"), label("2001:db8:0:b020::/64"));
    // a020 keeps its own row and its rule; its default route is gone, and
    // (issue 13: no more "Network is unreachable" from a valid address)
    // its table falls back to the remaining default router.
    EXPECT_EQ(label_for(s, "2001:db8:0:a020::1"), label("2001:db8:0:a020::/64"));
    EXPECT_EQ(
        routes_in(s, table(key_a())),
        (std::vector<PathRoute>{{table(key_a()), pfx("::/0"), addr("fe80::b"), eth0, 1024, {}}}));
    EXPECT_EQ(s.rules.size(), 3U);  // two source rules and the unbound rule
    EXPECT_EQ(unbound_exit(s, addr("2001:db8:0:1234::101")), addr("fe80::b"));
}

TEST_F(Rule55Test, GenericRowFollowsPathHealth) {
    const KernelState healthy = decide();
    EXPECT_EQ(label_for(healthy, "2001:db8:0:1234::101"), label("2001:db8:0:a020::/64"));
    const auto la = label("2001:db8:0:a020::/64");
    const auto lb = label("2001:db8:0:b020::/64");
    inputs.health[key_a()] = PathHealth::Down;
    KernelState s = decide();
    EXPECT_EQ(label_for(s, "2001:db8:0:1234::101"), lb);
    // The dead path keeps its own row and its routing (existing flows).
    EXPECT_EQ(label_for(s, "2001:db8:0:a020::1"), la);
    EXPECT_EQ(routes_in(s, table(key_a())).size(), 2U);

    inputs.health[key_a()] = PathHealth::Degraded;
    inputs.health[key_b()] = PathHealth::Up;
    EXPECT_EQ(label_for(decide(), "2001:db8:0:1234::101"), lb);
    inputs.health[key_b()] = PathHealth::Degraded;  // both degraded: preference decides
    EXPECT_EQ(label_for(decide(), "2001:db8:0:1234::101"), la);
    inputs.health[key_b()] = PathHealth::Unknown;
    EXPECT_EQ(label_for(decide(), "2001:db8:0:1234::101"), lb);

    inputs.health[key_a()] = PathHealth::Down;
    inputs.health[key_b()] = PathHealth::Down;
    s = decide();
    EXPECT_EQ(std::ranges::count(s.labels, pfx("2000::/3"), &LabelRow::prefix), 0);
    // The RIO destination keeps pointing at B's prefix whatever the health.
    EXPECT_EQ(label_for(s, "2001:db8:0:6666::61"), lb);
}

TEST_F(Rule55Test, DeprecatedAddressOrPrefixIsNoGenericChoice) {
    decide();
    model.set_address(eth0, host_address("2001:db8:0:a020::41", 64, 600, 0), t0 + seconds(1));
    EXPECT_EQ(label_for(decide(), "2001:db8:0:1234::101"), label("2001:db8:0:b020::/64"));
    model.set_address(eth0, host_address("2001:db8:0:a020::41"), t0 + seconds(2));
    EXPECT_EQ(label_for(decide(), "2001:db8:0:1234::101"), label("2001:db8:0:a020::/64"));
    // RFC 8475: PIO preferred lifetime 0 from the router.
    auto r = ra_a(1800);
    r.prefixes[0].preferred_lifetime = 0;
    model.apply(eth0, r, t0 + seconds(3));
    EXPECT_EQ(label_for(decide(), "2001:db8:0:1234::101"), label("2001:db8:0:b020::/64"));
}

TEST_F(Rule55Test, IdsAreStableAcrossCalls) {
    decide();
    // New keys get the lowest free id, in key order (a020 sorts before b020).
    const auto ta = table(key_a());
    const auto tb = table(key_b());
    EXPECT_EQ(ta, TableId{6601});
    EXPECT_EQ(tb, TableId{6602});
    const auto la = label("2001:db8:0:a020::/64");
    const auto lb = label("2001:db8:0:b020::/64");
    // A new path whose key sorts first must not shift the others' ids.
    model.set_link(1, "eth9", true);
    model.set_address(1, host_address("2001:db8:0:1::41"), t0);
    auto r = ra("fe80::1", 1800);
    r.prefixes.push_back(pio("2001:db8:0:1::/64", 600, 600));
    model.apply(1, r, t0);
    const KernelState s = decide();
    const PathKey key_new{1, pfx("2001:db8:0:1::/64"), addr("fe80::1")};
    EXPECT_EQ(table(key_a()), ta);
    EXPECT_EQ(table(key_b()), tb);
    EXPECT_EQ(table(key_new), TableId{6603});
    EXPECT_EQ(label("2001:db8:0:a020::/64"), la);
    EXPECT_EQ(label("2001:db8:0:b020::/64"), lb);
    // Rule priorities follow the prefix order, so the new rule comes first.
    EXPECT_EQ(s.rules.begin()->source, pfx("2001:db8:0:1::/64"));
    EXPECT_EQ(s.rules.begin()->priority, RulePriority{6601});
    EXPECT_EQ(s.rules.begin()->table, TableId{6603});
    EXPECT_EQ(decide(), s);

    // A vanished path releases its ids; a later new key reuses the lowest.
    model.remove_address(eth0, addr("2001:db8:0:a020::41"));
    decide();
    EXPECT_EQ(ids.tables.find(key_a()), std::nullopt);
    EXPECT_EQ(ids.labels.find(pfx("2001:db8:0:a020::/64")), std::nullopt);
    EXPECT_EQ(table(key_b()), tb);
    EXPECT_EQ(table(key_new), TableId{6603});
    model.set_address(eth0, host_address("2001:db8:0:c020::41"), t0);
    auto c = ra("fe80::c", 1800);
    c.prefixes.push_back(pio("2001:db8:0:c020::/64", 600, 600));
    model.apply(eth0, c, t0);
    decide();
    EXPECT_EQ(table({eth0, pfx("2001:db8:0:c020::/64"), addr("fe80::c")}), ta);
}

TEST_F(Rule55Test, RioForAPathPrefixDoesNotTakeItsRow) {
    auto r = ra_b(1800);
    r.routes.push_back(rio("2001:db8:0:a020::/64", 1800));
    model.apply(eth0, r, t0 + seconds(1));
    const KernelState s = decide();
    EXPECT_EQ(label_for(s, "2001:db8:0:a020::1"), label("2001:db8:0:a020::/64"));
    // The route itself is in B's table.
    EXPECT_EQ(routes_in(s, table(key_b())).size(), 4U);
}

TEST(RoutingDecision, NoPathNoState) {
    HostModel model;
    RoutingIds ids;
    model.set_link(eth0, "eth0", true);
    auto r = ra("fe80::1", 1800);
    r.prefixes.push_back(pio("2001:db8:1::/64", 600, 600));
    model.apply(eth0, r, t0);
    // No address in the prefix: no path.
    EXPECT_EQ(decide_routing(model, {}, ids), KernelState{});
    AddressFlags dadfailed;
    dadfailed.dadfailed = true;
    model.set_address(eth0, host_address("2001:db8:1::41", 64, 600, 600, dadfailed), t0);
    model.set_address(eth0, host_address("2001:db8:2::41", 64, 600, 600), t0);  // other prefix
    EXPECT_EQ(decide_routing(model, {}, ids), KernelState{});
    // A tentative address makes a path (its rule is ready when DAD ends) but
    // is no generic choice yet.
    AddressFlags tentative;
    tentative.tentative = true;
    model.set_address(eth0, host_address("2001:db8:1::41", 64, 600, 600, tentative), t0);
    KernelState s = decide_routing(model, {}, ids);
    EXPECT_EQ(s.rules.size(), 1U);
    EXPECT_TRUE(s.suppress_rule);
    EXPECT_EQ(label_for(s, "2001:db8:9::1"), std::nullopt);
    model.set_address(eth0, host_address("2001:db8:1::41", 64, 600, 600), t0);
    EXPECT_EQ(label_for(decide_routing(model, {}, ids), "2001:db8:9::1"),
              ids.labels.find(pfx("2001:db8:1::/64")));
    // A link that is down has no paths.
    model.set_link(eth0, "eth0", false);
    EXPECT_EQ(decide_routing(model, {}, ids), KernelState{});
    EXPECT_TRUE(ids.tables.ids().empty());
}

TEST(RoutingDecision, NonDefaultRouterGetsNoDefaultRouteAndDefaultRioMakesOne) {
    HostModel model;
    RoutingIds ids;
    model.set_link(eth0, "eth0", true);
    model.set_address(eth0, host_address("fd00:1::41"), t0);
    model.set_address(eth0, host_address("2001:db8:1::41"), t0);
    // RFC 8678 §6.5: the ULA comes in an RA with router lifetime 0.
    auto ula = ra("fe80::f", 0);
    ula.prefixes.push_back(pio("fd00:1::/64", 600, 600));
    ula.routes.push_back(rio("fd00::/8", 600));
    model.apply(eth0, ula, t0);
    // This router is a default router only through its ::/0 RIO.
    auto rio_only = ra("fe80::2", 0);
    rio_only.prefixes.push_back(pio("2001:db8:1::/64", 600, 600));
    rio_only.routes.push_back(rio("::/0", 600, RouterPreference::High));
    model.apply(eth0, rio_only, t0);
    const KernelState s = decide_routing(model, {}, ids);
    const auto tu = *ids.tables.find({eth0, pfx("fd00:1::/64"), addr("fe80::f")});
    const auto t2 = *ids.tables.find({eth0, pfx("2001:db8:1::/64"), addr("fe80::2")});
    EXPECT_EQ(routes_in(s, tu),
              (std::vector<PathRoute>{{tu, pfx("fd00::/8"), addr("fe80::f"), eth0, 1024, {}}}));
    EXPECT_EQ(routes_in(s, t2),
              (std::vector<PathRoute>{{t2, pfx("::/0"), addr("fe80::2"), eth0, 1024, {}}}));
    const auto l_ula = *ids.labels.find(pfx("fd00:1::/64"));
    const auto l_gua = *ids.labels.find(pfx("2001:db8:1::/64"));
    EXPECT_EQ(label_for(s, "2001:db8:9::1"), l_gua);  // the ULA never is the generic choice
    EXPECT_EQ(label_for(s, "fd00:7::1"), l_ula);      // its RIO points at it
}

TEST(RoutingDecision, TwoRoutersForOnePrefixAndCompetingRios) {
    HostModel model;
    model.set_link(eth0, "eth0", true);
    for (auto a : {"2001:db8:1::41", "2001:db8:3::41", "2001:db8:5::41"}) {
        model.set_address(eth0, host_address(a), t0);
    }
    // r1: Medium, prefixes 3 and 5; r2: High, prefixes 1 and 5. Both send a
    // RIO for 77::/48.
    auto r1 = ra("fe80::1", 1800, RouterPreference::Medium);
    r1.prefixes = {pio("2001:db8:3::/64", 600, 600), pio("2001:db8:5::/64", 600, 600)};
    auto r2 = ra("fe80::2", 1800, RouterPreference::High);
    r2.prefixes = {pio("2001:db8:1::/64", 600, 600), pio("2001:db8:5::/64", 600, 600)};
    const auto decide_with = [&](RouterPreference rio1, RouterPreference rio2) {
        r1.routes = {rio("2001:db8:77::/48", 600, rio1)};
        r2.routes = {rio("2001:db8:77::/48", 600, rio2)};
        model.apply(eth0, r1, t0);
        model.apply(eth0, r2, t0);
        RoutingIds ids;
        const KernelState s = decide_routing(model, {}, ids);
        return std::pair(s, ids);
    };
    auto [s, ids] = decide_with(RouterPreference::High, RouterPreference::Low);
    const auto l1 = *ids.labels.find(pfx("2001:db8:1::/64"));
    const auto l3 = *ids.labels.find(pfx("2001:db8:3::/64"));
    // RFC 8028 §3.2: for sources in 5::/64 the preferred router's table first.
    std::vector<SourceRule> for5;
    std::ranges::copy_if(s.rules, std::back_inserter(for5),
                         [&](const SourceRule& r) { return r.source == pfx("2001:db8:5::/64"); });
    ASSERT_EQ(for5.size(), 2U);
    EXPECT_EQ(for5[0].table, *ids.tables.find({eth0, pfx("2001:db8:5::/64"), addr("fe80::2")}));
    EXPECT_EQ(for5[1].table, *ids.tables.find({eth0, pfx("2001:db8:5::/64"), addr("fe80::1")}));
    EXPECT_EQ(for5[0].priority.value + 1, for5[1].priority.value);
    // Higher RIO preference wins: r1's lowest prefix, 3::/64.
    EXPECT_EQ(label_for(s, "2001:db8:77::1"), l3);
    // Equal RIO preference: the higher router preference (r2) wins.
    std::tie(s, ids) = decide_with(RouterPreference::Medium, RouterPreference::Medium);
    EXPECT_EQ(label_for(s, "2001:db8:77::1"), l1);
    // Generic: r2 (High) and its lowest prefix.
    EXPECT_EQ(label_for(s, "2001:db8:9::1"), l1);
    // Equal router preference too: the lower router address (r1) wins.
    r2.preference = RouterPreference::Medium;
    std::tie(s, ids) = decide_with(RouterPreference::Medium, RouterPreference::Medium);
    EXPECT_EQ(label_for(s, "2001:db8:77::1"), l3);
    // Generic tie: the lowest prefix among the tied routers' paths.
    EXPECT_EQ(label_for(s, "2001:db8:9::1"), l1);
}

TEST(OwnedIdAllocator, StableLowestFreeAndBounded) {
    OwnedIdAllocator<int, TableId> ids({TableId{10}, TableId{12}});
    ids.assign({5, 7});
    EXPECT_EQ(ids.find(5), TableId{10});
    EXPECT_EQ(ids.find(7), TableId{11});
    ids.assign({1, 5, 7});
    EXPECT_EQ(ids.find(1), TableId{12});
    EXPECT_EQ(ids.find(5), TableId{10});
    EXPECT_EQ(ids.refused(), 0U);
    ids.assign({0, 1, 5, 7});
    EXPECT_EQ(ids.find(0), std::nullopt);
    EXPECT_EQ(ids.refused(), 1U);
    ids.assign({0, 1, 7});
    EXPECT_EQ(ids.find(0), TableId{10});
    EXPECT_EQ(ids.find(5), std::nullopt);
    EXPECT_EQ(ids.refused(), 0U);
    EXPECT_EQ(ids.ids().size(), 3U);
}

TEST(RoutingDecision, SameFactsInAnyOrderGiveTheSameState) {
    struct Fact {
        int kind;  // 0 address, 1 RA
        int ifindex;
        AddressUpdate address;
        RouterAdvertisement ra;
    };
    auto r1 = ra("fe80::1", 1800, RouterPreference::Medium);
    r1.prefixes = {pio("2001:db8:1::/64", 600, 600), pio("2001:db8:3::/64", 600, 600)};
    r1.routes = {rio("2001:db8:77::/48", 600, RouterPreference::High)};
    auto r2 = ra("fe80::2", 1800, RouterPreference::High);
    r2.prefixes = {pio("2001:db8:1::/64", 600, 600)};
    r2.routes = {rio("2001:db8:77::/48", 600, RouterPreference::Low)};
    auto r3 = ra("fe80::3", 1800, RouterPreference::Low);
    r3.prefixes = {pio("2001:db8:2::/64", 600, 600)};
    std::vector<Fact> facts = {
        {0, eth0, host_address("2001:db8:1::41"), {}},
        {0, eth0, host_address("2001:db8:3::41"), {}},
        {0, eth1, host_address("2001:db8:2::41"), {}},
        {1, eth0, {}, r1},
        {1, eth0, {}, r2},
        {1, eth1, {}, r3},
    };
    std::optional<KernelState> first;
    std::sort(facts.begin(), facts.end(), [](const Fact& a, const Fact& b) {
        return std::tie(a.kind, a.ifindex, a.address.address, a.ra.router) <
               std::tie(b.kind, b.ifindex, b.address.address, b.ra.router);
    });
    int permutations = 0;
    do {
        HostModel model;
        model.set_link(eth1, "eth1", true);
        model.set_link(eth0, "eth0", true);
        for (const auto& f : facts) {
            if (f.kind == 0) {
                model.set_address(f.ifindex, f.address, t0);
            } else {
                model.apply(f.ifindex, f.ra, t0);
            }
        }
        RoutingIds ids;
        const KernelState s = decide_routing(model, {}, ids);
        if (!first) {
            first = s;
            EXPECT_EQ(s.rules.size(), 5U);  // four source rules and the unbound rule
        } else {
            ASSERT_EQ(s, *first) << "permutation " << permutations;
        }
        ++permutations;
    } while (std::next_permutation(facts.begin(), facts.end(), [](const Fact& a, const Fact& b) {
        return std::tie(a.kind, a.ifindex, a.address.address, a.ra.router) <
               std::tie(b.kind, b.ifindex, b.address.address, b.ra.router);
    }));
    EXPECT_EQ(permutations, 720);
}

// The network managers' case (DESIGN.md §2): a source-independent default
// in main. The unbound rule comes after every source rule and the suppress
// rule (so main's on-link and more-specific routes keep winning), inside the
// owned range, and its table moves with the generic label on failover.
TEST_F(Rule55Test, UnboundLookupsFollowTheGenericPathAcrossFailover) {
    const KernelState s = decide();
    ASSERT_TRUE(has_unbound_rule(s));
    for (const auto& rule : s.rules) {
        EXPECT_LE(rule.priority, owned::unbound_rule_priority);
        EXPECT_GT(rule.priority, owned::suppress_rule_priority);
    }
    EXPECT_EQ(s.rules.rbegin()->priority, owned::unbound_rule_priority);
    EXPECT_EQ(unbound_exit(s, addr("2001:db8:77::1")), addr("fe80::a"));

    inputs.health[key_a()] = PathHealth::Down;
    const KernelState cut = decide();
    EXPECT_EQ(label_for(cut, "2001:db8:77::1"), label("2001:db8:0:b020::/64"));
    EXPECT_EQ(unbound_exit(cut, addr("2001:db8:77::1")), addr("fe80::b"));
    EXPECT_EQ(unbound_exit(cut, addr("2001:db8:0:6666::1")), addr("fe80::b"));
    EXPECT_EQ(path_routes(cut), path_routes(s));  // only the unbound table moved
    expect_exits_agree(
        cut, {addr("2001:db8:77::1"), addr("2001:db8:0:6666::1"), addr("2001:db8:0:a020::5")});

    // Every path down (issue 13 item 2): the kernel's own behaviour, not
    // worse. multi6d took over default-router selection, so main has no RA
    // default any more: the unbound table holds ::/0 via every default
    // router, by preference (A high, B low) at increasing metrics, and no
    // label row steers generic destinations. Source rules, the path
    // prefixes' and RIO rows and their routes stay. Before the fix the
    // unbound rule and table were removed and unbound connections found no
    // route ("no usable path (kernel defaults)" without the defaults).
    inputs.health[key_b()] = PathHealth::Down;
    const KernelState none = decide();
    ASSERT_TRUE(has_unbound_rule(none));
    EXPECT_EQ(none.rules.size(), 3U);
    EXPECT_EQ(std::ranges::count(none.labels, pfx("2000::/3"), &LabelRow::prefix), 0);
    std::vector<std::pair<std::uint32_t, Address>> defaults;
    for (const PathRoute& r : routes_in(none, owned::unbound_table)) {
        if (r.destination.length() == 0) {
            defaults.emplace_back(r.metric, r.gateway);
        }
    }
    std::ranges::sort(defaults);
    EXPECT_EQ(defaults, (std::vector<std::pair<std::uint32_t, Address>>{{1024, addr("fe80::a")},
                                                                        {1025, addr("fe80::b")}}));
    EXPECT_EQ(unbound_exit(none, addr("2001:db8:0:6666::1")), addr("fe80::b"));
    EXPECT_EQ(label_for(none, "2001:db8:0:6666::1"), label("2001:db8:0:b020::/64"));
    EXPECT_EQ(path_routes(none), path_routes(s));

    inputs.health.clear();
    EXPECT_EQ(decide(), s);
}

// Table ids, rule priorities and labels are distinct kinds: a bare number
// or a number of another kind does not convert, so a rule with its priority
// and table swapped does not compile.
TEST(OwnedIds, KindsDoNotMix) {
    static_assert(!std::is_convertible_v<std::uint32_t, TableId>);
    static_assert(!std::is_convertible_v<TableId, RulePriority>);
    static_assert(!std::is_convertible_v<RulePriority, TableId>);
    static_assert(!std::is_convertible_v<AddressLabel, TableId>);
    static_assert(std::is_constructible_v<SourceRule, RulePriority, Prefix, TableId>);
    static_assert(!std::is_constructible_v<SourceRule, TableId, Prefix, RulePriority>);
    static_assert(!std::is_constructible_v<SourceRule, std::uint32_t, Prefix, std::uint32_t>);
    static_assert(!std::is_constructible_v<LabelRow, Prefix, TableId>);
    // The wire values are the block's numbers.
    EXPECT_EQ(owned::suppress_rule_priority.value, 6600U);
    EXPECT_EQ(owned::path_tables.first.value, 6601U);
    EXPECT_EQ(owned::path_tables.last.value, 6822U);
    // [[application]]s (issue 17): the top of the path range.
    EXPECT_EQ(owned::application_tables.first.value, 6823U);
    EXPECT_EQ(owned::application_tables.last.value, 6854U);
    EXPECT_EQ(owned::path_rule_priorities.last.value, 6853U);
    EXPECT_EQ(owned::application_rule_priority.value, 6854U);
    EXPECT_EQ(owned::application_block_priority.value, 6601U);
    EXPECT_EQ(owned::unbound_table.value, 6855U);
    EXPECT_EQ(owned::unbound_rule_priority.value, 6855U);
    EXPECT_EQ(owned::route_protocol, 196);
}

TEST(OwnedIdAllocator, PathIdsStopBeforeTheUnboundRuleAndTable) {
    EXPECT_LT(owned::path_rule_priorities.last, owned::unbound_rule_priority);
    EXPECT_LT(owned::path_tables.last, owned::unbound_table);
    OwnedIdAllocator<int, TableId> ids(owned::path_tables);
    std::set<int> keys;
    for (int i = 0; i < 300; ++i) {
        keys.insert(i);
    }
    ids.assign(keys);
    EXPECT_EQ(ids.refused(), 300U - owned::path_tables.size());
    for (const auto& [key, id] : ids.ids()) {
        EXPECT_NE(id, owned::unbound_table);
    }
}

}  // namespace
}  // namespace multi6d
