// Rule 5.5 routes (policy/rule55_routes.hpp, issue 13 item 5): with a kernel
// that takes source-specific routes, the unbound-lookups table also holds
// `::/0 from P via R` per default router's PIO, the routes a kernel with
// RFC 6724 Rule 5.5 consults, and no `Q from P` for RIOs (they would hide
// Q's own route from lookups with source ::); nothing a kernel without
// Rule 5.5 does changes.
#include "rule55_routes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "policy_test_util.hpp"
#include "routing_decision.hpp"
#include "unbound_lookup_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;

std::vector<PathRoute> source_specific(const KernelState& s) {
    std::vector<PathRoute> out;
    std::ranges::copy_if(s.routes, std::back_inserter(out),
                         [](const PathRoute& r) { return r.source.length() != 0; });
    return out;
}

PathRoute route(std::string_view destination, std::string_view source, std::string_view router,
                std::uint32_t metric = 1024) {
    return PathRoute{owned::unbound_table, pfx(destination), addr(router), eth0, metric,
                     pfx(source)};
}

// One link, two ISPs (RFC 8678 §6.3.2's shape): A is the preferred default
// router for 2001:db8:a::/64; B advertises 2001:db8:b::/64 and a RIO for
// 2001:db8:ff::/48.
class Rule55RoutesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        model.set_link(eth0, "eth0", true);
        model.set_address(eth0, host_address("2001:db8:a::10"), t0);
        model.set_address(eth0, host_address("2001:db8:b::10"), t0);
        model.apply(eth0, ra_a(1800), t0);
        model.apply(eth0, ra_b(1800), t0);
        inputs.kernel.source_specific_routes = true;
    }
    static RouterAdvertisement ra_a(std::uint16_t lifetime) {
        auto r = ra("fe80::a", lifetime, RouterPreference::High);
        r.prefixes.push_back(pio("2001:db8:a::/64", 86400, 14400));
        return r;
    }
    static RouterAdvertisement ra_b(std::uint16_t lifetime) {
        auto r = ra("fe80::b", lifetime);
        r.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
        r.routes.push_back(rio("2001:db8:ff::/48", 1800));
        return r;
    }
    KernelState decide() { return decide_routing(model, inputs, ids); }
    KernelState decide_without() {
        RoutingInputs without = inputs;
        without.kernel.source_specific_routes = false;
        RoutingIds fresh = ids;
        return decide_routing(model, without, fresh);
    }

    HostModel model;
    RoutingInputs inputs;
    RoutingIds ids;
};

TEST_F(Rule55RoutesTest, EveryDefaultRoutersPioGetsAFromDefaultInTheUnboundTable) {
    const KernelState s = decide();
    const std::vector<PathRoute> expected{
        route("::/0", "2001:db8:a::/64", "fe80::a"),
        route("::/0", "2001:db8:b::/64", "fe80::b"),
    };
    std::vector<PathRoute> got = source_specific(s);
    std::ranges::sort(got);
    std::vector<PathRoute> want = expected;
    std::ranges::sort(want);
    EXPECT_EQ(got, want);
}

TEST_F(Rule55RoutesTest, NoneWithoutSourceSpecificRoutes) {
    EXPECT_TRUE(source_specific(decide_without()).empty());
}

// What a kernel without Rule 5.5 does is unchanged: the same rules, labels
// and per-path tables, the same exit for the lookup with source :: and for
// sockets bound to either source.
TEST_F(Rule55RoutesTest, TodaysKernelsRouteExactlyAsWithout) {
    const KernelState with = decide();
    const KernelState without = decide_without();
    EXPECT_EQ(with.rules, without.rules);
    EXPECT_EQ(with.labels, without.labels);
    EXPECT_EQ(path_routes(with), path_routes(without));
    EXPECT_EQ(with.routes.size() - source_specific(with).size(), without.routes.size());
    for (const char* d : {"2001:db8:ff::1", "2001:db8:1::1", "2001:db8:b::99", "2001:db8:a::99"}) {
        EXPECT_EQ(unbound_exit(with, addr(d)), unbound_exit(without, addr(d))) << d;
        EXPECT_EQ(sourced_exit(with, addr(d)), sourced_exit(without, addr(d))) << d;
    }
    expect_exits_agree(with, {addr("2001:db8:ff::1"), addr("2001:db8:1::1")});
}

// Two routers advertising one prefix: one route each, at the metrics of
// their rules' order (preference first), never one multipath route.
TEST_F(Rule55RoutesTest, TwoRoutersOfOnePrefixGetTheirRulesOrder) {
    auto c = ra("fe80::c", 1800, RouterPreference::High);
    c.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    model.apply(eth0, c, t0);
    const KernelState s = decide();
    const std::vector<PathRoute> got = source_specific(s);
    EXPECT_NE(std::ranges::find(got, route("::/0", "2001:db8:b::/64", "fe80::c", 1024)), got.end());
    EXPECT_NE(std::ranges::find(got, route("::/0", "2001:db8:b::/64", "fe80::b", 1025)), got.end());
}

// A router that is no default router (lifetime 0) gets no `::/0 from P`
// (RFC 8678 §6.3.2: it is the next hop only for its RIO's destinations), and
// its RIO gets no `from` route either: on today's kernels
// `2001:db8:ff::/48 from P` would hide the source-independent
// `2001:db8:ff::/48 via B` from lookups with source :: (they backtrack to
// ::/0 via A; daemon_rio_and_lifetime catches it in the lab).
TEST_F(Rule55RoutesTest, ARouterWithLifetimeZeroGetsNone) {
    model.apply(eth0, ra_b(0), t0);
    const std::vector<PathRoute> got = source_specific(decide());
    EXPECT_EQ(got, std::vector<PathRoute>{route("::/0", "2001:db8:a::/64", "fe80::a")});
}

TEST_F(Rule55RoutesTest, NoSourceSpecificRouteForARioDestination) {
    for (const PathRoute& r : source_specific(decide())) {
        EXPECT_EQ(r.destination.length(), 0U) << r.destination.to_string();
    }
}

// Every path down: the table holds the kernel-like defaults (issue 13 item
// 2) and still the Rule 5.5 routes.
TEST_F(Rule55RoutesTest, EveryPathDownKeepsThem) {
    inputs.health[{eth0, pfx("2001:db8:a::/64"), addr("fe80::a")}] = PathHealth::Down;
    inputs.health[{eth0, pfx("2001:db8:b::/64"), addr("fe80::b")}] = PathHealth::Down;
    EXPECT_EQ(source_specific(decide()).size(), 2U);
}

// No path usable for new connections (every address deprecated): no
// unbound-lookups table at all, so no Rule 5.5 routes either.
TEST_F(Rule55RoutesTest, NoUnboundTableNoRoutes) {
    auto a = ra_a(1800);
    a.prefixes[0] = pio("2001:db8:a::/64", 86400, 0);
    auto b = ra_b(1800);
    b.prefixes[0] = pio("2001:db8:b::/64", 86400, 0);
    model.apply(eth0, a, t0);
    model.apply(eth0, b, t0);
    const KernelState s = decide();
    EXPECT_FALSE(has_unbound_rule(s));
    EXPECT_TRUE(source_specific(s).empty());
}

}  // namespace
}  // namespace multi6d
