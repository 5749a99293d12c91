// Per-application policy (issue 17, policy/application_policy.hpp) through
// decide(): the rules and tables each application gets, failover with and
// without fallback, recovery, and the order against the source rules.
#include "application_policy.hpp"

#include <gtest/gtest.h>

#include "decision.hpp"
#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;
constexpr int eth1 = 3;
constexpr std::uint32_t nobody = 65534;

// Two uplinks as in the lab: isp-a (eth0, router preference high, so the
// generic choice) and isp-b (eth1); one application for uid 65534 that
// prefers isp-b.
class ApplicationPolicyTest : public ::testing::Test {
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
        UplinkConfig isp_a;
        isp_a.name = "isp-a";
        isp_a.match_prefixes = {pfx("2001:db8:a::/48")};
        UplinkConfig isp_b;
        isp_b.name = "isp-b";
        isp_b.match_prefixes = {pfx("2001:db8:b::/48")};
        config.uplinks = {isp_a, isp_b};
        ApplicationConfig app;
        app.name = "bulk";
        app.users = {"nobody"};
        app.uplinks = {"isp-b"};
        app.uids = {nobody};
        config.applications = {app};
    }
    static PathKey key_a() { return {eth0, pfx("2001:db8:a::/64"), addr("fe80::a")}; }
    static PathKey key_b() { return {eth1, pfx("2001:db8:b::/64"), addr("fe80::b")}; }
    Decision run() { return decide(model, health, config, ids, KernelFeatures{}); }

    static SourceRule app_rule(TableId table) {
        return SourceRule{owned::application_rule_priority, Prefix(), table,
                          UidRange{nobody, nobody}, false};
    }
    static SourceRule block_rule() {
        return SourceRule{owned::application_block_priority, Prefix(), TableId{},
                          UidRange{nobody, nobody}, true};
    }
    static std::set<SourceRule> rules_at(const KernelState& k, RulePriority priority) {
        std::set<SourceRule> out;
        for (const SourceRule& r : k.rules) {
            if (r.priority == priority) {
                out.insert(r);
            }
        }
        return out;
    }
    static std::set<PathRoute> application_routes(const KernelState& k) {
        std::set<PathRoute> out;
        for (const PathRoute& r : k.routes) {
            if (owned::application_tables.contains(r.table)) {
                out.insert(r);
            }
        }
        return out;
    }

    HostModel model;
    FixedPathHealth health;
    Config config;
    RoutingIds ids;
};

TEST_F(ApplicationPolicyTest, PreferredUplinkGetsATableWithItsSourceAndARuleByUid) {
    const Decision d = run();
    const TableId table = owned::application_tables.first;
    EXPECT_EQ(rules_at(d.kernel, owned::application_rule_priority),
              std::set<SourceRule>{app_rule(table)});
    const PathRoute via_b{table, Prefix(), addr("fe80::b"),       eth1,
                          1024,  Prefix(), addr("2001:db8:b::10")};
    EXPECT_EQ(application_routes(d.kernel), std::set<PathRoute>{via_b});
    ASSERT_EQ(d.applications.size(), 1U);
    EXPECT_EQ(d.applications[0].application, "bulk");
    EXPECT_EQ(d.applications[0].path, key_b());
    EXPECT_EQ(d.applications[0].uplink, "isp-b");
    EXPECT_EQ(d.applications[0].source, addr("2001:db8:b::10"));
    EXPECT_FALSE(d.applications[0].blocked);
    // Everybody else keeps the generic choice (isp-a).
    ASSERT_TRUE(d.generic.path.has_value());
    EXPECT_EQ(d.generic.path->router, addr("fe80::a"));
}

// Bound sockets are never redirected: every `from <prefix>` rule comes
// before the application rules, which come before the unbound rule; no
// block slot is reserved while every application falls back.
TEST_F(ApplicationPolicyTest, ApplicationRulesSitBetweenSourceRulesAndTheUnboundRule) {
    const Decision d = run();
    for (const SourceRule& r : d.kernel.rules) {
        if (r.source.length() != 0) {
            EXPECT_LT(r.priority, owned::application_rule_priority);
        }
        if (r.uids) {
            EXPECT_LT(r.priority, owned::unbound_rule_priority);
        }
    }
    EXPECT_EQ(rules_at(d.kernel, owned::path_rule_priorities.first).size(), 1U);
    EXPECT_EQ(rules_at(d.kernel, owned::unbound_rule_priority).size(), 1U);
}

TEST_F(ApplicationPolicyTest, DownUplinkWithFallbackLeavesTheGenericPolicy) {
    health[key_b()] = PathHealth::Down;
    const Decision d = run();
    EXPECT_TRUE(rules_at(d.kernel, owned::application_rule_priority).empty());
    EXPECT_TRUE(application_routes(d.kernel).empty());
    ASSERT_EQ(d.applications.size(), 1U);
    EXPECT_FALSE(d.applications[0].path.has_value());
    EXPECT_FALSE(d.applications[0].blocked);
}

TEST_F(ApplicationPolicyTest, DownUplinkWithoutFallbackBlocksAheadOfTheSourceRules) {
    config.applications[0].fallback = false;
    health[key_b()] = PathHealth::Down;
    const Decision d = run();
    EXPECT_EQ(rules_at(d.kernel, owned::application_block_priority),
              std::set<SourceRule>{block_rule()});
    EXPECT_TRUE(application_routes(d.kernel).empty());
    for (const SourceRule& r : d.kernel.rules) {
        if (r.source.length() != 0) {
            EXPECT_GT(r.priority, owned::application_block_priority);
        }
    }
    ASSERT_EQ(d.applications.size(), 1U);
    EXPECT_TRUE(d.applications[0].blocked);
}

// With fallback = false the path rules start one later whether or not the
// application is blocked now, so blocking moves no source rule.
TEST_F(ApplicationPolicyTest, BlockSlotIsReservedWhileAnyApplicationHasNoFallback) {
    config.applications[0].fallback = false;
    const Decision up = run();
    health[key_b()] = PathHealth::Down;
    const Decision down = run();
    std::set<SourceRule> up_sources;
    std::set<SourceRule> down_sources;
    for (const SourceRule& r : up.kernel.rules) {
        if (r.source.length() != 0) {
            up_sources.insert(r);
        }
    }
    for (const SourceRule& r : down.kernel.rules) {
        if (r.source.length() != 0) {
            down_sources.insert(r);
        }
    }
    EXPECT_EQ(up_sources, down_sources);
    EXPECT_EQ(up_sources.begin()->priority.value, owned::application_block_priority.value + 1);
    EXPECT_TRUE(rules_at(up.kernel, owned::application_block_priority).empty());
}

TEST_F(ApplicationPolicyTest, NextPreferredUplinkTakesOverAndRecoveryReturns) {
    config.applications[0].uplinks = {"isp-b", "isp-a"};
    const TableId table = owned::application_tables.first;
    EXPECT_EQ(run().applications.at(0).path, key_b());
    health[key_b()] = PathHealth::Down;
    const Decision moved = run();
    EXPECT_EQ(moved.applications.at(0).path, key_a());
    const PathRoute via_a{table, Prefix(), addr("fe80::a"),       eth0,
                          1024,  Prefix(), addr("2001:db8:a::10")};
    EXPECT_EQ(application_routes(moved.kernel), std::set<PathRoute>{via_a});
    health[key_b()] = PathHealth::Up;
    const Decision back = run();
    EXPECT_EQ(back.applications.at(0).path, key_b());
    EXPECT_EQ(rules_at(back.kernel, owned::application_rule_priority),
              std::set<SourceRule>{app_rule(table)});
}

// A degraded preferred uplink yields to a healthy later one (Degraded only
// when nothing better is, as for the generic choice), but is still used
// when it is the only one.
TEST_F(ApplicationPolicyTest, DegradedIsUsedOnlyWhenNothingBetterIs) {
    config.applications[0].uplinks = {"isp-b", "isp-a"};
    health[key_b()] = PathHealth::Degraded;
    EXPECT_EQ(run().applications.at(0).path, key_a());
    config.applications[0].uplinks = {"isp-b"};
    EXPECT_EQ(run().applications.at(0).path, key_b());
}

TEST_F(ApplicationPolicyTest, ApplicationWithoutUidsGetsNothing) {
    config.applications[0].uids.clear();
    const Decision d = run();
    EXPECT_TRUE(d.applications.empty());
    EXPECT_TRUE(application_routes(d.kernel).empty());
    EXPECT_TRUE(rules_at(d.kernel, owned::application_rule_priority).empty());
}

// Issue 17 item 2: an application with units and no uid gets its choice
// (for its units' cgroups, unit_wants.hpp) but no table, rule or route.
TEST_F(ApplicationPolicyTest, ApplicationWithUnitsOnlyGetsAChoiceAndNoRule) {
    config.applications[0].uids.clear();
    config.applications[0].units = {"backup.service"};
    Decision d = run();
    ASSERT_EQ(d.applications.size(), 1U);
    EXPECT_EQ(d.applications[0].path, key_b());
    EXPECT_EQ(d.applications[0].source, addr("2001:db8:b::10"));
    EXPECT_TRUE(application_routes(d.kernel).empty());
    EXPECT_TRUE(rules_at(d.kernel, owned::application_rule_priority).empty());
    // Down without fallback: blocked, still without a uid rule.
    config.applications[0].fallback = false;
    health[key_b()] = PathHealth::Down;
    d = run();
    EXPECT_TRUE(d.applications.at(0).blocked);
    EXPECT_TRUE(rules_at(d.kernel, owned::application_block_priority).empty());
}

TEST_F(ApplicationPolicyTest, AUidBelongsToTheFirstApplicationListingIt) {
    ApplicationConfig second;
    second.name = "voip";
    second.uplinks = {"isp-a"};
    second.uids = {1000, 1001, 1002, nobody};
    config.applications.push_back(second);
    const Decision d = run();
    ASSERT_EQ(d.applications.size(), 2U);
    const auto rules = rules_at(d.kernel, owned::application_rule_priority);
    ASSERT_EQ(rules.size(), 2U);
    std::set<std::pair<UidRange, TableId>> got;
    for (const SourceRule& r : rules) {
        got.emplace(*r.uids, r.table);
    }
    const TableId first = owned::application_tables.first;
    const TableId next{first.value + 1};
    EXPECT_EQ(got, (std::set<std::pair<UidRange, TableId>>{{UidRange{1000, 1002}, next},
                                                           {UidRange{nobody, nobody}, first}}));
}

TEST(UidRanges, CollapsesConsecutiveUids) {
    EXPECT_EQ(uid_ranges({}), std::vector<UidRange>{});
    EXPECT_EQ(uid_ranges({5}), (std::vector<UidRange>{{5, 5}}));
    EXPECT_EQ(uid_ranges({1, 2, 3, 7, 9, 10}), (std::vector<UidRange>{{1, 3}, {7, 7}, {9, 10}}));
    EXPECT_EQ(uid_ranges({UINT32_MAX - 1, UINT32_MAX}),
              (std::vector<UidRange>{{UINT32_MAX - 1, UINT32_MAX}}));
}

}  // namespace
}  // namespace multi6d
