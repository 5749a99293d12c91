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
    Decision run() { return decide(model, health, config, ids); }

    HostModel model;
    FixedPathHealth health;
    Config config;
    RoutingIds ids;
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
    const Decision d = decide(empty, health, config, ids);
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

}  // namespace
}  // namespace multi6d
