// Path reports built from the host model, and ranking over them
// (policy/path_report.hpp).
#include "path_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;
constexpr int eth1 = 3;

class PathReportTest : public ::testing::Test {
  protected:
    void SetUp() override {
        model.set_link(eth0, "eth0", true);
        model.set_link(eth1, "eth1", true);
        model.set_address(eth0, host_address("2001:db8:a::100"), t0);
        model.set_address(eth0, host_address("2001:db8:a::200", 64, infinite_lifetime, 0), t0);
        AddressFlags tentative;
        tentative.tentative = true;
        model.set_address(
            eth0,
            host_address("2001:db8:a::300", 64, infinite_lifetime, infinite_lifetime, tentative),
            t0);
        model.set_address(eth1, host_address("2001:db8:b::100"), t0);
        auto a = ra("fe80::a", 1800);
        a.prefixes.push_back(pio("2001:db8:a::/64", 86400, 14400));
        model.apply(eth0, a, t0);
        auto b = ra("fe80::b", 1800);
        b.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
        model.apply(eth1, b, t0);
    }

    PathKey key_a() const { return PathKey{eth0, pfx("2001:db8:a::/64"), addr("fe80::a")}; }
    PathKey key_b() const { return PathKey{eth1, pfx("2001:db8:b::/64"), addr("fe80::b")}; }

    HostModel model;
};

TEST_F(PathReportTest, ReportsEveryPathWithItsSourcesAndFacts) {
    std::map<PathKey, PathFacts> facts;
    PathMetrics m;
    m.state = PathHealth::Up;
    m.rtt = std::chrono::microseconds(12000);
    m.cost = 30;
    facts[key_b()] = PathFacts{"isp-b", m, "NetworkManager", "works beside it", ""};

    const auto reports = path_reports(model, facts);
    ASSERT_EQ(reports.size(), 2U);
    const PathReport& a = reports[0];
    EXPECT_EQ(a.id, "eth0/2001:db8:a::/64/fe80::a");
    EXPECT_EQ(a.interface, "eth0");
    EXPECT_EQ(a.uplink, "");
    EXPECT_EQ(a.metrics, PathMetrics{});
    EXPECT_TRUE(a.default_router);
    // The tentative address is not a source yet; the deprecated one is.
    ASSERT_EQ(a.addresses.size(), 2U);
    EXPECT_EQ(a.addresses[0].address, addr("2001:db8:a::100"));
    EXPECT_FALSE(a.addresses[0].deprecated);
    EXPECT_EQ(a.addresses[1].address, addr("2001:db8:a::200"));
    EXPECT_TRUE(a.addresses[1].deprecated);
    EXPECT_EQ(a.addresses[0].prefix_length, 64U);
    EXPECT_EQ(a.addresses[0].interface, eth0);

    const PathReport& b = reports[1];
    EXPECT_EQ(b.id, "eth1/2001:db8:b::/64/fe80::b");
    EXPECT_EQ(b.uplink, "isp-b");
    EXPECT_EQ(b.metrics, m);
    EXPECT_EQ(b.link_manager, "NetworkManager");
    EXPECT_EQ(b.link_manager_note, "works beside it");
    EXPECT_EQ(a.link_manager, "");
}

TEST_F(PathReportTest, RankPathsPointsIntoTheReports) {
    std::map<PathKey, PathFacts> facts;
    facts[key_a()].metrics.rtt = std::chrono::microseconds(40000);
    facts[key_b()].metrics.rtt = std::chrono::microseconds(9000);
    const auto reports = path_reports(model, facts);
    const std::vector<Address> destinations = {addr("2001:db8:ffff::1")};
    const auto pairs =
        rank_paths(reports, destinations, PolicyTable::rfc6724_default(), RankPreference::Latency);
    ASSERT_EQ(pairs.size(), 3U);
    EXPECT_EQ(pairs[0].source, addr("2001:db8:b::100"));
    EXPECT_EQ(pairs[0].path, &reports[1]);
    EXPECT_EQ(pairs[0].reason, (RankReason{RankReason::Kind::Source, 8}));
    EXPECT_EQ(pairs[1].source, addr("2001:db8:a::100"));
    EXPECT_EQ(pairs[1].path, &reports[0]);
    EXPECT_EQ(pairs[1].reason, (RankReason{RankReason::Kind::Source, 3}));
    EXPECT_EQ(pairs[2].source, addr("2001:db8:a::200"));  // deprecated: last
    EXPECT_EQ(pairs[2].destination, destinations[0]);
}

TEST_F(PathReportTest, RankPathsSkipsPathsWithoutADefaultRoute) {
    auto b = ra("fe80::b", 0);  // router lifetime 0: no longer a default router
    b.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    model.apply(eth1, b, t0);
    const auto reports = path_reports(model, {});
    ASSERT_EQ(reports.size(), 2U);
    EXPECT_FALSE(reports[1].default_router);
    const std::vector<Address> destinations = {addr("2001:db8:ffff::1")};
    for (const auto& pair : rank_paths(reports, destinations, PolicyTable::rfc6724_default(),
                                       RankPreference::Latency)) {
        EXPECT_EQ(pair.path, &reports[0]);
    }
}

// RFC 4191: a router with lifetime 0 may still advertise specific routes;
// multi6d puts them in its path's table, so the path's addresses are usable
// for destinations inside them, and only for those.
TEST_F(PathReportTest, ARouterWithOnlySpecificRoutesRanksForThoseDestinations) {
    auto b = ra("fe80::b", 0);
    b.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    b.routes.push_back(rio("2001:db8:fe::/48", 1800));
    model.apply(eth1, b, t0);
    const auto reports = path_reports(model, {});
    ASSERT_EQ(reports.size(), 2U);
    EXPECT_FALSE(reports[1].default_router);
    EXPECT_EQ(reports[1].routes, std::vector<Prefix>{pfx("2001:db8:fe::/48")});

    const std::vector<Address> destinations = {addr("2001:db8:fe::1"), addr("2001:db8:ffff::1")};
    const auto pairs =
        rank_paths(reports, destinations, PolicyTable::rfc6724_default(), RankPreference::Latency);
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& pair : pairs) {
        got.emplace_back(pair.source.to_string() + " via " + pair.path->id,
                         pair.destination.to_string());
    }
    const std::string a = " via eth0/2001:db8:a::/64/fe80::a";
    const std::string b_path = " via eth1/2001:db8:b::/64/fe80::b";
    const auto has = [&got](const std::string& source, const char* destination) {
        return std::ranges::count(got, std::pair<std::string, std::string>(source, destination));
    };
    EXPECT_EQ(has("2001:db8:b::100" + b_path, "2001:db8:fe::1"), 1);
    EXPECT_EQ(has("2001:db8:a::100" + a, "2001:db8:fe::1"), 1);
    EXPECT_EQ(has("2001:db8:a::100" + a, "2001:db8:ffff::1"), 1);
    EXPECT_EQ(has("2001:db8:b::100" + b_path, "2001:db8:ffff::1"), 0);  // no route there
    EXPECT_EQ(pairs.size(), 5U);  // plus the deprecated a::200 for each destination
}

// An address whose first path (in the kernel's rule order) has no route to a
// destination reaches it through the next path that has one.
TEST_F(PathReportTest, AnAddressReachesADestinationThroughItsFirstPathWithARoute) {
    // Tried first (lower router address; RFC 4191 §2.2: a router with
    // lifetime 0 has medium preference), but has no default route.
    auto c = ra("fe80::1", 0);
    c.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    c.routes.push_back(rio("2001:db8:fe::/48", 1800));
    model.apply(eth1, c, t0);
    const PathKey key_c{eth1, pfx("2001:db8:b::/64"), addr("fe80::1")};
    const auto reports = path_reports(model, {});
    ASSERT_EQ(reports.size(), 3U);
    const auto pair_of = [&](const char* destination) -> const RankedPairReport {
        const std::vector<Address> d = {addr(destination)};
        for (const auto& pair :
             rank_paths(reports, d, PolicyTable::rfc6724_default(), RankPreference::Latency)) {
            if (pair.source == addr("2001:db8:b::100")) {
                return pair;
            }
        }
        ADD_FAILURE() << "no pair from 2001:db8:b::100 to " << destination;
        return {};
    };
    const RankedPairReport generic = pair_of("2001:db8:ffff::1");
    ASSERT_NE(generic.path, nullptr);
    EXPECT_EQ(generic.path->key, key_b());  // fe80::1 has no route there
    const RankedPairReport specific = pair_of("2001:db8:fe::1");
    ASSERT_NE(specific.path, nullptr);
    EXPECT_EQ(specific.path->key, key_c);  // fe80::1's rule comes first and has the route
}

// A prefix advertised by two routers: the address's traffic takes the path
// whose rule the kernel tries first (higher router preference), so that
// path's metrics rank it, even if the other path measures better.
TEST_F(PathReportTest, AnAddressOnTwoPathsRanksByTheKernelsFirstPath) {
    auto c = ra("fe80::c", 1800, RouterPreference::High);
    c.prefixes.push_back(pio("2001:db8:b::/64", 86400, 14400));
    model.apply(eth1, c, t0);
    const PathKey key_c{eth1, pfx("2001:db8:b::/64"), addr("fe80::c")};
    std::map<PathKey, PathFacts> facts;
    facts[key_a()].metrics.rtt = std::chrono::microseconds(20000);
    facts[key_b()].metrics.rtt = std::chrono::microseconds(1000);
    facts[key_c].metrics.rtt = std::chrono::microseconds(60000);
    const auto reports = path_reports(model, facts);
    ASSERT_EQ(reports.size(), 3U);
    const std::vector<Address> destinations = {addr("2001:db8:ffff::1")};
    const auto pairs =
        rank_paths(reports, destinations, PolicyTable::rfc6724_default(), RankPreference::Latency);
    ASSERT_EQ(pairs.size(), 3U);
    EXPECT_EQ(pairs[0].source, addr("2001:db8:a::100"));
    EXPECT_EQ(pairs[1].source, addr("2001:db8:b::100"));
    EXPECT_EQ(pairs[1].path->key, key_c);
}

}  // namespace
}  // namespace multi6d

namespace multi6d {
namespace {

PathReport report(const char* id, PathHealth state, bool default_router = true) {
    PathReport r;
    r.id = id;
    r.metrics.state = state;
    r.default_router = default_router;
    return r;
}

TEST(PathStateChanges, ReportsAddedRemovedAndStateChangesOnly) {
    std::vector<PathReport> before = {report("a", PathHealth::Up), report("b", PathHealth::Up),
                                      report("c", PathHealth::Unknown)};
    std::vector<PathReport> after = {report("a", PathHealth::Up), report("c", PathHealth::Down),
                                     report("d", PathHealth::Unknown)};
    after[0].metrics.rtt = std::chrono::microseconds(5000);  // not a state change
    const auto changes = path_state_changes(before, after);
    ASSERT_EQ(changes.size(), 3U);
    EXPECT_EQ(changes[0].id, "b");
    EXPECT_EQ(changes[0].state, "removed");
    EXPECT_EQ(changes[0].path, nullptr);
    EXPECT_EQ(changes[1].id, "c");
    EXPECT_EQ(changes[1].state, "down");
    EXPECT_EQ(changes[1].path, &after[1]);
    EXPECT_EQ(changes[2].id, "d");
    EXPECT_EQ(changes[2].state, "unknown");
    EXPECT_TRUE(path_state_changes(after, after).empty());
}

TEST(ManagerState, FollowsTheUsablePaths) {
    EXPECT_EQ(manager_state({}), "no-paths");
    std::vector<PathReport> paths = {report("a", PathHealth::Down),
                                     report("b", PathHealth::Up, false)};
    EXPECT_EQ(manager_state(paths), "degraded");
    paths.push_back(report("c", PathHealth::Degraded));
    EXPECT_EQ(manager_state(paths), "running");
    paths[1].link_manager = "conflict";  // two managers fight over a path's link
    EXPECT_EQ(manager_state(paths), "conflict");
}

}  // namespace
}  // namespace multi6d
