// RFC 8028 §3.2 fallback (policy/router_fallback.hpp) and what it makes of
// the path tables when routers come and go (issue 13 item 3).
#include "router_fallback.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "policy_test_util.hpp"
#include "routing_decision.hpp"
#include "unbound_lookup_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;
constexpr int eth1 = 3;

std::vector<PathRoute> routes_in(const KernelState& s, TableId table) {
    std::vector<PathRoute> out;
    std::ranges::copy_if(s.routes, std::back_inserter(out),
                         [&](const PathRoute& r) { return r.table == table; });
    return out;
}

// Router A (high) advertises 2001:db8:a::/64, router B (medium) advertises
// 2001:db8:b::/64, both on eth0; router C (high, eth1) advertises nothing
// the host holds an address in.
class FallbackTest : public ::testing::Test {
  protected:
    void SetUp() override {
        model.set_link(eth0, "eth0", true);
        model.set_link(eth1, "eth1", true);
        model.set_address(eth0, host_address("2001:db8:a::10"), t0);
        model.set_address(eth0, host_address("2001:db8:b::10"), t0);
        model.apply(eth0, ra_a(1800), t0);
        model.apply(eth0, ra_b(1800), t0);
    }
    static RouterAdvertisement ra_a(std::uint16_t lifetime, std::uint32_t preferred = 14400) {
        auto r = ra("fe80::a", lifetime, RouterPreference::High);
        r.prefixes.push_back(pio("2001:db8:a::/64", 86400, preferred));
        return r;
    }
    static RouterAdvertisement ra_b(std::uint16_t lifetime) {
        auto r = ra("fe80::b", lifetime, RouterPreference::Medium);
        r.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
        return r;
    }
    KernelState decide() { return decide_routing(model, inputs, ids); }
    TableId table(const char* prefix, const char* router, int ifindex = eth0) const {
        return ids.tables.find(PathKey{ifindex, pfx(prefix), addr(router)}).value();
    }
    // The gateway a socket bound to `source` uses for `destination`: the
    // source rules in priority order, the lowest metric of the longest match
    // in the first table that has one (every neighbour reachable).
    static std::optional<Address> bound_exit(const KernelState& s, const char* source,
                                             const char* destination) {
        for (const auto& rule : s.rules) {
            if (rule.priority == owned::unbound_rule_priority ||
                !rule.source.contains(addr(source))) {
                continue;
            }
            if (auto exit = table_exit(s, rule.table, addr(destination))) {
                return exit;
            }
        }
        return std::nullopt;
    }

    HostModel model;
    RoutingInputs inputs;
    RoutingIds ids;
};

TEST_F(FallbackTest, OwnRouterFirstThenTheOthersByPreference) {
    auto c = ra("fe80::c", 1800, RouterPreference::High);
    model.apply(eth1, c, t0);
    auto low = ra("fe80::1", 1800, RouterPreference::Low);
    model.apply(eth0, low, t0);
    EXPECT_EQ(path_default_routers(model, eth0, pfx("2001:db8:b::/64"), addr("fe80::b")),
              (std::vector<FallbackRouter>{{eth0, addr("fe80::b")},
                                           {eth0, addr("fe80::a")},  // high, own link
                                           {eth1, addr("fe80::c")},  // high, other link
                                           {eth0, addr("fe80::1")}}));
}

TEST_F(FallbackTest, RoutersThatAdvertisedThePrefixComeFirstWhateverTheirPreference) {
    // RFC 8028 §3.2: "regardless of Prf".
    auto low = ra("fe80::1", 1800, RouterPreference::Low);
    low.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    model.apply(eth0, low, t0);
    model.apply(eth0, ra_b(0), t0 + seconds(1));  // B leaves
    EXPECT_EQ(fallback_routers(model, eth0, pfx("2001:db8:b::/64")),
              (std::vector<FallbackRouter>{{eth0, addr("fe80::1")}, {eth0, addr("fe80::a")}}));
}

TEST_F(FallbackTest, OnlyDefaultRoutersOnLinksThatAreUp) {
    model.apply(eth1, ra("fe80::c", 1800, RouterPreference::High), t0);
    model.set_link(eth1, "eth1", false);
    auto not_default = ra("fe80::2", 0);
    not_default.routes.push_back(rio("2001:db8:77::/48", 600));
    model.apply(eth0, not_default, t0);
    EXPECT_EQ(fallback_routers(model, eth0, pfx("2001:db8:b::/64")),
              (std::vector<FallbackRouter>{{eth0, addr("fe80::b")}, {eth0, addr("fe80::a")}}));
}

TEST_F(FallbackTest, UlaPrefixGetsNoFallback) {
    // RFC 8678 §6.5: the ULA-sourced table holds no ::/0.
    model.set_address(eth0, host_address("fd00:1::10"), t0);
    auto ula = ra("fe80::f", 0);
    ula.prefixes.push_back(pio("fd00:1::/64", 600, 600));
    model.apply(eth0, ula, t0);
    EXPECT_TRUE(fallback_routers(model, eth0, pfx("fd00:1::/64")).empty());
    const KernelState s = decide();
    EXPECT_TRUE(routes_in(s, table("fd00:1::/64", "fe80::f")).empty());
}

// Issue 13 regression: after router lifetime 0 the rule of A's still-valid
// address led to an empty table ("Network is unreachable" from ADDR, open
// connections froze). It must lead via the remaining router.
TEST_F(FallbackTest, RouterLifetimeZeroMovesTheValidAddressToTheOtherRouter) {
    EXPECT_EQ(bound_exit(decide(), "2001:db8:a::10", "2001:db8:ff::1"), addr("fe80::a"));
    model.apply(eth0, ra_a(0), t0 + seconds(5));
    const KernelState s = decide();
    const TableId ta = table("2001:db8:a::/64", "fe80::a");
    EXPECT_EQ(routes_in(s, ta),
              (std::vector<PathRoute>{{ta, pfx("::/0"), addr("fe80::b"), eth0, 1024, {}}}));
    EXPECT_EQ(bound_exit(s, "2001:db8:a::10", "2001:db8:ff::1"), addr("fe80::b"));
    // The router returns: its own route comes first again.
    model.apply(eth0, ra_a(1800), t0 + seconds(10));
    EXPECT_EQ(bound_exit(decide(), "2001:db8:a::10", "2001:db8:ff::1"), addr("fe80::a"));
}

TEST_F(FallbackTest, RouterLifetimeRunningOutMovesTheValidAddressToo) {
    model.apply(eth0, ra_a(30), t0);
    model.expire(t0 + seconds(31));
    ASSERT_FALSE(model.link(eth0)->find_router(addr("fe80::a"))->is_default_router());
    EXPECT_EQ(bound_exit(decide(), "2001:db8:a::10", "2001:db8:ff::1"), addr("fe80::b"));
}

TEST_F(FallbackTest, DeprecatedPrefixKeepsItsPathButIsNotChosenForNewConnections) {
    decide();
    const TableId ta = table("2001:db8:a::/64", "fe80::a");
    // RFC 4862 §5.5.4: preferred 0, still valid; the router stays a default router.
    model.apply(eth0, ra_a(1800, 0), t0 + seconds(1));
    model.set_address(eth0, host_address("2001:db8:a::10", 64, 86400, 0), t0 + seconds(1));
    const KernelState s = decide();
    EXPECT_EQ(table("2001:db8:a::/64", "fe80::a"), ta);
    EXPECT_EQ(bound_exit(s, "2001:db8:a::10", "2001:db8:ff::1"), addr("fe80::a"));
    EXPECT_EQ(unbound_exit(s, addr("2001:db8:ff::1")), addr("fe80::b"));
    EXPECT_EQ(sourced_exit(s, addr("2001:db8:ff::1")), addr("fe80::b"));
}

TEST_F(FallbackTest, WithdrawnRioRemovesOnlyThatRoute) {
    auto b = ra_b(0);  // no default router: only its RIOs
    b.routes = {rio("2001:db8:fe::/64", 600), rio("2001:db8:fd::/64", 600)};
    model.apply(eth0, b, t0);
    const KernelState before = decide();
    b.routes = {rio("2001:db8:fe::/64", 0)};
    model.apply(eth0, b, t0 + seconds(1));
    const KernelState s = decide();
    const TableId tb = table("2001:db8:b::/64", "fe80::b");
    EXPECT_EQ(
        routes_in(s, tb),
        (std::vector<PathRoute>{{tb, pfx("::/0"), addr("fe80::a"), eth0, 1024, {}},
                                {tb, pfx("2001:db8:fd::/64"), addr("fe80::b"), eth0, 1024, {}}}));
    std::set<PathRoute> gone;
    std::ranges::set_difference(before.routes, s.routes, std::inserter(gone, gone.end()));
    for (const PathRoute& r : gone) {
        EXPECT_EQ(r.destination, pfx("2001:db8:fe::/64")) << r.table.value;
    }
    EXPECT_FALSE(gone.empty());
}

TEST_F(FallbackTest, PioWithoutAutonomousFlagAndAHandConfiguredAddressGetAPath) {
    // The kernel's Rule 5.5 documentation asks for a source route per PIO,
    // A=0 included; the address was configured by hand (or DHCPv6).
    auto r = ra("fe80::d", 1800);
    r.prefixes.push_back(pio("2001:db8:d::/64", 86400, 14400, true, false));
    model.apply(eth0, r, t0);
    AddressFlags manual;
    manual.permanent = true;
    model.set_address(eth0, host_address("2001:db8:d::99", 64, 0, 0, manual), t0);
    const KernelState s = decide();
    const TableId td = table("2001:db8:d::/64", "fe80::d");
    EXPECT_TRUE(std::ranges::any_of(s.rules, [&](const SourceRule& rule) {
        return rule.source == pfx("2001:db8:d::/64") && rule.table == td;
    }));
    EXPECT_EQ(bound_exit(s, "2001:db8:d::99", "2001:db8:ff::1"), addr("fe80::d"));
}

}  // namespace
}  // namespace multi6d
