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

// --- preference (multi6d.toml(5) APPLICATIONS, application_preference.hpp) ---
//
// decide_applications() directly, with the measurements as values, and the
// previous choice kept in `ids` between calls as the daemon keeps it.
class ApplicationPreferenceTest : public ApplicationPolicyTest {
  protected:
    void SetUp() override {
        ApplicationPolicyTest::SetUp();
        config.applications[0].uplinks = {"isp-a", "isp-b"};
        config.applications[0].preference = ApplicationPreference::Latency;
    }
    ApplicationChoice choose() {
        RoutingInputs inputs;
        inputs.set_config(config);
        inputs.health = healths;
        KernelState state;
        const auto choices = decide_applications(model, find_paths(model), inputs, measured,
                                                 config.applications, ids, state);
        EXPECT_EQ(choices.size(), 1U);
        return choices.empty() ? ApplicationChoice{} : choices.front();
    }
    std::optional<PathKey> chosen() { return choose().path; }
    // An upstream SRTT of `ms` (or the router's, upstream = false), after
    // one health change (unknown -> up).
    static PathMeasurement rtt(int ms, bool upstream = true) {
        PathMeasurement m;
        m.srtt = std::chrono::milliseconds(ms);
        m.upstream = upstream;
        m.health_changes = 1;
        return m;
    }
    static PathMeasurement stable(std::uint64_t changes, double loss) {
        PathMeasurement m = rtt(20);
        m.health_changes = changes;
        m.loss = loss;
        return m;
    }
    std::map<PathKey, PathHealth> healths;
    std::map<PathKey, PathMeasurement> measured;
};

TEST_F(ApplicationPreferenceTest, LatencyPicksTheLowestSmoothedRtt) {
    measured[key_a()] = rtt(40);
    measured[key_b()] = rtt(20);
    EXPECT_EQ(chosen(), key_b());  // isp-b listed second, but faster
    ids.application_paths.clear();
    measured[key_a()] = rtt(10);
    EXPECT_EQ(chosen(), key_a());
}

// Hysteresis: a path 10 % better does not move the application, one 50 %
// better does; so does neither a path 30 % but only 3 ms better.
TEST_F(ApplicationPreferenceTest, LatencyMovesOnlyForAClearlyBetterPath) {
    measured[key_a()] = rtt(40);
    measured[key_b()] = rtt(50);
    ASSERT_EQ(chosen(), key_a());
    measured[key_b()] = rtt(36);  // 10 % (4 ms) better
    EXPECT_EQ(chosen(), key_a());
    measured[key_a()] = rtt(44);  // b now 18 % (8 ms) better
    EXPECT_EQ(chosen(), key_a());
    measured[key_b()] = rtt(22);  // 50 % better
    EXPECT_EQ(chosen(), key_b());
    measured[key_a()] = rtt(20);  // a 9 % better: b stays
    EXPECT_EQ(chosen(), key_b());
    measured[key_a()] = rtt(10);
    measured[key_b()] = rtt(13);  // a 23 % but only 3 ms better: b stays
    EXPECT_EQ(chosen(), key_b());
    measured[key_a()] = rtt(8);  // 38 % and 5 ms: the boundary moves
    EXPECT_EQ(chosen(), key_a());
}

// Without a previous choice (first decision, or after the application had
// no path) the order alone decides, whatever the margin.
TEST_F(ApplicationPreferenceTest, LatencyWithoutPreviousChoiceTakesTheBest) {
    measured[key_a()] = rtt(40);
    measured[key_b()] = rtt(38);
    EXPECT_EQ(chosen(), key_b());
    healths[key_b()] = PathHealth::Down;
    EXPECT_EQ(chosen(), key_a());
    healths[key_b()] = PathHealth::Up;
    EXPECT_EQ(chosen(), key_a());  // previous a, b only 5 % better
    config.applications[0].uplinks = {"isp-b"};
    config.applications[0].fallback = true;
    healths[key_b()] = PathHealth::Down;
    EXPECT_FALSE(chosen().has_value());
    EXPECT_TRUE(ids.application_paths.empty());  // no path: nothing to keep
}

// An upstream estimate measures the whole path, a router-only one the
// first hop: a 1 ms router RTT does not beat a 30 ms upstream one, and a
// path with no reply yet comes last.
TEST_F(ApplicationPreferenceTest, LatencyRanksUpstreamThenRouterOnlyThenUnmeasured) {
    measured[key_a()] = rtt(1, /*upstream=*/false);
    measured[key_b()] = rtt(30);
    EXPECT_EQ(chosen(), key_b());
    ids.application_paths.clear();
    measured.erase(key_b());
    EXPECT_EQ(chosen(), key_a());
    // Both unmeasured: list order (isp-a first).
    ids.application_paths.clear();
    measured.clear();
    EXPECT_EQ(chosen(), key_a());
}

// The health tier comes before the preference: a degraded path that is
// five times faster yields to an up one, and a down one is never chosen.
TEST_F(ApplicationPreferenceTest, HealthTierBeatsPreference) {
    measured[key_a()] = rtt(10);
    measured[key_b()] = rtt(50);
    ASSERT_EQ(chosen(), key_a());
    healths[key_a()] = PathHealth::Degraded;
    EXPECT_EQ(chosen(), key_b());  // despite the hysteresis towards a
    healths[key_a()] = PathHealth::Up;
    EXPECT_EQ(chosen(), key_a());  // a is back in b's tier and clearly better
    healths[key_a()] = PathHealth::Down;
    healths[key_b()] = PathHealth::Degraded;
    EXPECT_EQ(chosen(), key_b());
    config.applications[0].fallback = false;
    healths[key_b()] = PathHealth::Down;
    const ApplicationChoice blocked = choose();
    EXPECT_FALSE(blocked.path.has_value());
    EXPECT_TRUE(blocked.blocked);
}

// cost: the lower [[uplink]] cost first, list order on a tie, and no
// hysteresis (configuration does not flap): the cheaper uplink takes the
// application back as soon as it is usable.
TEST_F(ApplicationPreferenceTest, CostOrdersByUplinkCostAndListOrderBreaksTies) {
    config.applications[0].preference = ApplicationPreference::Cost;
    config.uplinks[0].cost = 50;  // isp-a
    config.uplinks[1].cost = 10;  // isp-b
    measured[key_a()] = rtt(5);   // latency does not count
    measured[key_b()] = rtt(100);
    EXPECT_EQ(chosen(), key_b());
    config.uplinks[1].cost = 50;
    EXPECT_EQ(chosen(), key_a());  // tie: isp-a listed first, previous b not kept
    config.applications[0].uplinks = {"isp-b", "isp-a"};
    EXPECT_EQ(chosen(), key_b());
    config.uplinks[0].cost = 20;
    healths[key_a()] = PathHealth::Down;
    EXPECT_EQ(chosen(), key_b());
    healths[key_a()] = PathHealth::Up;
    EXPECT_EQ(chosen(), key_a());
}

// stability: fewer health changes first, then lower loss; an unanswered
// path (0 changes) last; moves need 2 changes fewer or 5 points of loss.
TEST_F(ApplicationPreferenceTest, StabilityOrdersByHealthChangesThenLoss) {
    config.applications[0].preference = ApplicationPreference::Stability;
    measured[key_a()] = stable(5, 0.0);
    measured[key_b()] = stable(1, 0.1);
    EXPECT_EQ(chosen(), key_b());
    ids.application_paths.clear();
    measured[key_a()] = stable(1, 0.025);
    measured[key_b()] = stable(1, 0.0);
    EXPECT_EQ(chosen(), key_b());
    ids.application_paths.clear();
    measured[key_a()] = PathMeasurement{};  // no reply yet: last
    EXPECT_EQ(chosen(), key_b());
}

TEST_F(ApplicationPreferenceTest, StabilityMovesOnlyForAClearlyMoreStablePath) {
    config.applications[0].preference = ApplicationPreference::Stability;
    measured[key_a()] = stable(3, 0.0);
    measured[key_b()] = stable(4, 0.0);
    ASSERT_EQ(chosen(), key_a());
    measured[key_b()] = stable(2, 0.0);  // one change fewer: a stays
    EXPECT_EQ(chosen(), key_a());
    measured[key_b()] = stable(3, 0.025);
    measured[key_a()] = stable(3, 0.05);  // 2.5 points less loss: a stays
    EXPECT_EQ(chosen(), key_a());
    measured[key_a()] = stable(3, 0.1);  // 7.5 points: moves
    EXPECT_EQ(chosen(), key_b());
    measured[key_a()] = stable(1, 0.0);  // 2 changes fewer: moves back
    EXPECT_EQ(chosen(), key_a());
}

// A preference alone: every configured [[uplink]] is a candidate (paths of
// no [[uplink]] are not), backups only while no primary can.
TEST_F(ApplicationPreferenceTest, PreferenceAloneChoosesAmongConfiguredUplinks) {
    config.applications[0].uplinks.clear();
    measured[key_a()] = rtt(40);
    measured[key_b()] = rtt(20);
    const ApplicationChoice both = choose();
    EXPECT_EQ(both.path, key_b());
    EXPECT_EQ(both.candidates, (std::vector<std::string>{"isp-a", "isp-b"}));
    config.uplinks.pop_back();  // isp-b is no [[uplink]] now
    EXPECT_EQ(chosen(), key_a());
    EXPECT_EQ(choose().candidates, std::vector<std::string>{"isp-a"});
}

TEST_F(ApplicationPreferenceTest, PreferenceAloneKeepsBackupsForLast) {
    config.applications[0].uplinks.clear();
    config.applications[0].preference = ApplicationPreference::Cost;
    config.uplinks[0].cost = 10;
    config.uplinks[0].role = UplinkRole::Backup;  // isp-a: cheap, backup
    EXPECT_EQ(chosen(), key_b());
    healths[key_b()] = PathHealth::Down;
    EXPECT_EQ(chosen(), key_a());
    // Listed explicitly, the backup is as good as any uplink.
    healths[key_b()] = PathHealth::Up;
    config.applications[0].uplinks = {"isp-b", "isp-a"};
    EXPECT_EQ(chosen(), key_a());
}

TEST_F(ApplicationPreferenceTest, PreferenceAloneWithoutUplinksUsesEveryPath) {
    config.uplinks.clear();
    config.applications[0].uplinks.clear();
    measured[key_a()] = rtt(40);
    measured[key_b()] = rtt(20);
    const ApplicationChoice c = choose();
    EXPECT_EQ(c.path, key_b());
    EXPECT_TRUE(c.candidates.empty());
    EXPECT_EQ(c.uplink, "2001:db8:b::/64");  // the implicit uplink's name
}

// Through decide(): the measurements come from the path monitors the
// health view holds (a path's SRTT after one reply is that reply's RTT).
class MonitoredHealth : public PathHealthView {
  public:
    void reply(const PathKey& key, ProbeTargetKind kind, std::chrono::milliseconds rtt) {
        monitors_.insert_or_assign(key, PathMonitor(ProbeSettings{}));
        monitors_.at(key).record_reply(kind, addr("2001:db8:ffff::53"), rtt, TimePoint{});
    }
    PathHealth health(const PathKey& key) const override {
        const auto it = monitors_.find(key);
        return it == monitors_.end() ? PathHealth::Unknown : it->second.state();
    }
    const PathMonitor* monitor(const PathKey& key) const override {
        const auto it = monitors_.find(key);
        return it == monitors_.end() ? nullptr : &it->second;
    }

  private:
    std::map<PathKey, PathMonitor> monitors_;
};

TEST_F(ApplicationPolicyTest, DecideReadsLatencyFromThePathMonitors) {
    config.applications[0].uplinks = {"isp-a", "isp-b"};
    config.applications[0].preference = ApplicationPreference::Latency;
    MonitoredHealth monitored;
    monitored.reply(key_a(), ProbeTargetKind::Upstream, std::chrono::milliseconds(40));
    monitored.reply(key_b(), ProbeTargetKind::Upstream, std::chrono::milliseconds(10));
    Decision d = decide(model, monitored, config, ids, KernelFeatures{});
    EXPECT_EQ(d.applications.at(0).path, key_b());
    EXPECT_EQ(ids.application_paths.at("bulk"), key_b());
    monitored.reply(key_a(), ProbeTargetKind::Upstream, std::chrono::milliseconds(9));
    d = decide(model, monitored, config, ids, KernelFeatures{});
    EXPECT_EQ(d.applications.at(0).path, key_b());  // 10 %, 1 ms: hysteresis
    monitored.reply(key_a(), ProbeTargetKind::Upstream, std::chrono::milliseconds(2));
    d = decide(model, monitored, config, ids, KernelFeatures{});
    EXPECT_EQ(d.applications.at(0).path, key_a());
}

TEST(PathMeasurementOf, ReadsTheMonitor) {
    EXPECT_EQ(measurement_of(nullptr), PathMeasurement{});
    PathMonitor m{ProbeSettings{}};
    const Address target = addr("2001:db8::53");
    m.record_reply(ProbeTargetKind::Router, addr("fe80::1"), std::chrono::milliseconds(1),
                   TimePoint{});
    PathMeasurement router = measurement_of(&m);
    EXPECT_EQ(router.srtt, std::chrono::milliseconds(1));
    EXPECT_FALSE(router.upstream);
    EXPECT_EQ(router.health_changes, 1U);  // unknown -> up
    m.record_reply(ProbeTargetKind::Upstream, target, std::chrono::milliseconds(30),
                   TimePoint{} + std::chrono::milliseconds(250));
    const PathMeasurement upstream = measurement_of(&m);
    EXPECT_EQ(upstream.srtt, std::chrono::milliseconds(30));
    EXPECT_TRUE(upstream.upstream);
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
