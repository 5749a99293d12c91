// decide(): the one decision output the daemon applies (kernel state,
// gai.conf input, MPTCP endpoint wants, the generic choice, IPv6 down).
#include "decision.hpp"

#include <gtest/gtest.h>

#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;
constexpr int eth1 = 3;

// Two links, one router and one prefix each: A (eth0) with high preference.
class DecisionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        model.set_link(eth0, "eth0", true);
        model.set_link(eth1, "eth1", true);
        model.set_address(eth0, host_address("2001:db8:a::10"), t0);
        model.set_address(eth1, host_address("2001:db8:b::10"), t0);
        auto a = ra("fe80::a", 1800, RouterPreference::High);
        a.prefixes.push_back(pio("2001:db8:a::/64", 86400, 14400));
        model.apply(eth0, a, t0);
        auto b = ra("fe80::b", 1800);
        b.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
        model.apply(eth1, b, t0);
    }
    static PathKey key_a() { return {eth0, pfx("2001:db8:a::/64"), addr("fe80::a")}; }
    static PathKey key_b() { return {eth1, pfx("2001:db8:b::/64"), addr("fe80::b")}; }
    Decision run() { return decide(model, health, config, ids, kernel); }

    HostModel model;
    FixedPathHealth health;
    Config config;
    RoutingIds ids;
    KernelFeatures kernel;  // no source-specific routes (test_rule55_routes.cpp has them)
};

TEST_F(DecisionTest, KernelStateIsTheRoutingDecision) {
    RoutingIds fresh;
    RoutingInputs inputs;
    inputs.set_config(config);
    EXPECT_EQ(run().kernel, decide_routing(model, inputs, fresh));
}

TEST_F(DecisionTest, GenericChoiceNamesThePreferredPath) {
    const Decision d = run();
    ASSERT_TRUE(d.generic.label.has_value());
    EXPECT_EQ(*d.generic.label, ids.labels.find(pfx("2001:db8:a::/64")).value());
    ASSERT_TRUE(d.generic.path.has_value());
    EXPECT_EQ(d.generic.path->source, pfx("2001:db8:a::/64"));
    EXPECT_EQ(d.generic.path->router, addr("fe80::a"));
    EXPECT_EQ(d.generic.path->ifindex, eth0);
    EXPECT_FALSE(d.ipv6_down);
}

TEST_F(DecisionTest, HealthIsReadThroughTheView) {
    health[key_a()] = PathHealth::Down;
    const Decision d = run();
    ASSERT_TRUE(d.generic.path.has_value());
    EXPECT_EQ(d.generic.path->source, pfx("2001:db8:b::/64"));
    EXPECT_EQ(d.generic.path->ifindex, eth1);
    EXPECT_FALSE(d.ipv6_down);
    // A's address becomes an MPTCP backup; B's stays a plain subflow.
    EXPECT_EQ(d.mptcp.at(addr("2001:db8:a::10")), (EndpointWant{eth0, true}));
    EXPECT_EQ(d.mptcp.at(addr("2001:db8:b::10")), (EndpointWant{eth1, false}));
}

TEST_F(DecisionTest, EveryPathDownPrefersIpv4AndLeavesNoGenericPath) {
    health[key_a()] = PathHealth::Down;
    health[key_b()] = PathHealth::Down;
    const Decision d = run();
    EXPECT_TRUE(d.ipv6_down);
    EXPECT_TRUE(d.gai.ipv6_down);
    EXPECT_FALSE(d.generic.label.has_value());
    EXPECT_FALSE(d.generic.path.has_value());
}

TEST_F(DecisionTest, OneDegradedPathIsNotIpv6Down) {
    health[key_a()] = PathHealth::Down;
    health[key_b()] = PathHealth::Degraded;
    EXPECT_FALSE(run().ipv6_down);
}

TEST_F(DecisionTest, NoPathIsNotIpv6Down) {
    HostModel empty;
    const Decision d = decide(empty, health, config, ids, kernel);
    EXPECT_FALSE(d.ipv6_down);
    EXPECT_EQ(d.kernel, KernelState{});
    EXPECT_FALSE(d.generic.label.has_value());
    EXPECT_TRUE(d.mptcp.empty());
}

TEST_F(DecisionTest, GaiInputCarriesTheKernelLabels) {
    const Decision d = run();
    EXPECT_EQ(d.gai.labels, d.kernel.labels);
    EXPECT_FALSE(d.gai.labels.empty());
}

TEST_F(DecisionTest, HealthOfPathsNotInTheModelIsIgnored) {
    // A path the view knows but the model no longer has does not count.
    health[PathKey{eth0, pfx("2001:db8:c::/64"), addr("fe80::c")}] = PathHealth::Down;
    health[key_a()] = PathHealth::Down;
    EXPECT_FALSE(run().ipv6_down);
}

TEST_F(DecisionTest, UplinksComeFromTheConfiguration) {
    // B made the only primary: it carries generic destinations although A's
    // router preference is higher.
    UplinkConfig backup{"isp-a", {pfx("2001:db8:a::/64")}, {}, 100, 0, UplinkRole::Backup};
    config.uplinks.push_back(backup);
    const Decision d = run();
    ASSERT_TRUE(d.generic.path.has_value());
    EXPECT_EQ(d.generic.path->source, pfx("2001:db8:b::/64"));
}

TEST(GenericChoice, LabelWithoutADefaultRouteIsReportedByLabel) {
    KernelState s;
    s.labels.insert(LabelRow{pfx("2000::/3"), AddressLabel{6610}, 0});
    s.labels.insert(LabelRow{pfx("2001:db8:a::/64"), AddressLabel{6610}, 0});
    s.rules.insert(SourceRule{RulePriority{6601}, pfx("2001:db8:a::/64"), TableId{6601}});
    s.routes.insert(
        PathRoute{TableId{6601}, pfx("2001:db8:9::/48"), addr("fe80::a"), eth0, 1024, {}});
    const GenericChoice c = generic_choice(s);
    EXPECT_EQ(c.label, std::optional<AddressLabel>(AddressLabel{6610}));
    EXPECT_FALSE(c.path.has_value());
    s.routes.insert(PathRoute{TableId{6601}, pfx("::/0"), addr("fe80::a"), eth0, 1024, {}});
    ASSERT_TRUE(generic_choice(s).path.has_value());
    EXPECT_EQ(generic_choice(s).path->router, addr("fe80::a"));
}

// ---- known-local ULA prefixes (draft-ietf-6man-rfc6724-update §3.3) --------

const LabelRow* label_row(const KernelState& k, const Prefix& p) {
    for (const LabelRow& r : k.labels) {
        if (r.prefix == p && r.ifindex == 0) {
            return &r;
        }
    }
    return nullptr;
}

// Router A also advertises a ULA /64 the host autoconfigured: its /48 is
// known-local (rules 4, 5) and, in the kernel, carries the path prefix's
// label so that Rule 6 pairs a destination in the site with that source.
TEST_F(DecisionTest, OwnUlaSiteCarriesThePathPrefixsLabel) {
    auto a = ra("fe80::a", 1800, RouterPreference::High);
    a.prefixes.push_back(pio("2001:db8:a::/64", 86400, 14400));
    a.prefixes.push_back(pio("fd11:1111:1111:1::/64", 86400, 14400));
    model.apply(eth0, a, t0);
    model.set_address(eth0, host_address("fd11:1111:1111:1::10"), t0);
    const Decision d = run();
    const Prefix site = pfx("fd11:1111:1111::/48");
    EXPECT_EQ(d.known_local, std::vector<Prefix>{site});
    const LabelRow* row = label_row(d.kernel, site);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->label, ids.labels.find(pfx("fd11:1111:1111:1::/64")).value());
    // The engine's table: precedence 45, label 14 beneath the kernel rows.
    const PolicyRow* policy_row = d.policy.find_row(site);
    ASSERT_NE(policy_row, nullptr);
    EXPECT_EQ(policy_row->precedence, known_local_precedence);
    EXPECT_EQ(policy_row->label, known_local_label);
    EXPECT_EQ(d.gai.known_local, std::vector<Prefix>{site});
    EXPECT_EQ(d.gai.table, PolicyTableChoice::Rfc6724Update);
    // Unbound connect()s to the site leave through the router of that path.
    bool routed = false;
    for (const PathRoute& r : d.kernel.routes) {
        if (r.table == owned::unbound_table && r.destination == site) {
            routed = true;
            EXPECT_EQ(r.gateway, addr("fe80::a"));
            EXPECT_EQ(r.ifindex, eth0);
        }
    }
    EXPECT_TRUE(routed);
}

// A ULA configured by hand, on no path: label 6600 of multi6d's own range.
TEST_F(DecisionTest, UlaOnNoPathGetsTheKnownLocalLabel) {
    model.set_address(eth1, host_address("fd22:2222:2222:5::1"), t0);
    const Decision d = run();
    const LabelRow* row = label_row(d.kernel, pfx("fd22:2222:2222::/48"));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->label, owned::known_local_label);
    EXPECT_TRUE(owned::labels.contains(row->label));
}

// Rule 3: RIOs of /40 or longer inside fd00::/8 count as advertised, shorter
// ones and fc00::/8 (L=0) do not; the RIO's own label row (routing
// decision) stays. Rule 7: a withdrawn RIO takes its row away.
TEST_F(DecisionTest, RiosOfSlash40OrLongerAreKnownLocal) {
    auto b = ra("fe80::b", 1800);
    b.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    b.routes.push_back(rio("fd33:3333::/40", 1800));
    b.routes.push_back(rio("fd44::/36", 1800));
    b.routes.push_back(rio("fc55:5555:5555::/48", 1800));
    model.apply(eth1, b, t0);
    Decision d = run();
    EXPECT_EQ(d.known_local, std::vector<Prefix>{pfx("fd33:3333::/40")});
    const LabelRow* row = label_row(d.kernel, pfx("fd33:3333::/40"));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->label, ids.labels.find(pfx("2001:db8:b::/64")).value());  // the RIO row
    EXPECT_EQ(label_row(d.kernel, pfx("fd44::/36"))->label, row->label);     // RIO row only
    EXPECT_EQ(d.policy.precedence(addr("fd33:3333::1")), known_local_precedence);
    EXPECT_EQ(d.policy.precedence(addr("fd44::1")), 30U);  // fc00::/7 in the update
    b.routes = {rio("fd33:3333::/40", 0)};
    model.apply(eth1, b, t0);
    d = run();
    EXPECT_TRUE(d.known_local.empty());
    EXPECT_EQ(label_row(d.kernel, pfx("fd33:3333::/40")), nullptr);
}

// Rule 4: a PIO counts whatever its flags (here A=0, no address), until it
// is deprecated (rule 7).
TEST_F(DecisionTest, PioWithoutAddressIsKnownLocalUntilDeprecated) {
    auto b = ra("fe80::b", 1800);
    b.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    b.prefixes.push_back(pio("fd66:6666:6666:1::/64", 86400, 14400, false, false));
    model.apply(eth1, b, t0);
    EXPECT_EQ(run().known_local, std::vector<Prefix>{pfx("fd66:6666:6666::/48")});
    b.prefixes.back() = pio("fd66:6666:6666:1::/64", 600, 0, false, false);
    model.apply(eth1, b, t0);
    EXPECT_TRUE(run().known_local.empty());
}

TEST_F(DecisionTest, KnownLocalOffLeavesTheRoutingDecisionAlone) {
    model.set_address(eth1, host_address("fd22:2222:2222:5::1"), t0);
    config.address_selection.known_local_ula = false;
    config.address_selection.table = PolicyTableChoice::Rfc6724;
    const Decision d = run();
    RoutingIds fresh;
    RoutingInputs inputs;
    inputs.set_config(config);
    EXPECT_EQ(d.kernel, decide_routing(model, inputs, fresh));
    EXPECT_TRUE(d.known_local.empty());
    EXPECT_EQ(d.policy, PolicyTable::rfc6724_default());
    EXPECT_FALSE(d.gai.complete());
}

}  // namespace
}  // namespace multi6d
