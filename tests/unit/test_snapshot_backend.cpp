// SnapshotBackend: what an update changed, and the State it reports
// (dbus/snapshot_backend.hpp).
#include "snapshot_backend.hpp"

#include <gtest/gtest.h>

#include "policy_test_util.hpp"

namespace multi6d::dbus {
namespace {

PathReport path(char letter, PathHealth state) {
    const std::string p = std::string("2001:db8:") + letter + "::";
    PathReport r;
    r.key = PathKey{2, test::pfx(p + "/64"), test::addr(std::string("fe80::") + letter)};
    r.id = path_id("eth0", r.key);
    r.default_router = true;
    SourceCandidate c;
    c.address = test::addr(p + "100");
    r.addresses.push_back(c);
    r.metrics.state = state;
    return r;
}

TEST(SnapshotBackend, StartsAsStartingUntilTold) {
    SnapshotBackend b({});
    EXPECT_EQ(b.state(), "starting");
    b.update({path('a', PathHealth::Up)}, PolicyTable::rfc6724_default());
    EXPECT_EQ(b.state(), "starting");
    EXPECT_TRUE(b.set_lifecycle(std::nullopt));
    EXPECT_EQ(b.state(), "running");
    EXPECT_FALSE(b.set_lifecycle(std::nullopt));
    EXPECT_TRUE(b.set_lifecycle("stopping"));
    EXPECT_EQ(b.state(), "stopping");
}

TEST(SnapshotBackend, UpdateSaysWhatChanged) {
    SnapshotBackend b({});
    b.set_lifecycle(std::nullopt);
    auto u = b.update({path('a', PathHealth::Up), path('b', PathHealth::Up)},
                      PolicyTable::rfc6724_default());
    EXPECT_EQ(u.changes.size(), 2U);  // both new
    EXPECT_TRUE(u.state_changed);     // no-paths -> running
    EXPECT_TRUE(u.policy_changed);

    // Metrics alone: nothing to publish.
    auto metrics_only =
        std::vector<PathReport>{path('a', PathHealth::Up), path('b', PathHealth::Up)};
    metrics_only[0].metrics.rtt = std::chrono::microseconds(900);
    u = b.update(metrics_only, PolicyTable::rfc6724_default());
    EXPECT_TRUE(u.changes.empty());
    EXPECT_FALSE(u.state_changed);
    EXPECT_FALSE(u.policy_changed);
    // ... but Rank sees the new metrics.
    EXPECT_EQ(b.list_paths()[0].metrics.rtt, std::chrono::microseconds(900));

    u = b.update({path('a', PathHealth::Down), path('b', PathHealth::Down)},
                 PolicyTable::rfc6724_default());
    ASSERT_EQ(u.changes.size(), 2U);
    EXPECT_EQ(u.changes[0].state, "down");
    EXPECT_EQ(u.changes[0].path, &b.list_paths()[0]);
    EXPECT_TRUE(u.state_changed);  // running -> degraded
    EXPECT_EQ(b.state(), "degraded");
    EXPECT_TRUE(b.rank(std::vector<Address>{test::addr("2001:db8:ffff::1")}, {}).empty());

    // Only the table: PolicyChanged, nothing else.
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(PolicyRow{test::pfx("2000::/3"), 40, 1001});
    u = b.update({path('a', PathHealth::Down), path('b', PathHealth::Down)}, t);
    EXPECT_TRUE(u.changes.empty());
    EXPECT_FALSE(u.state_changed);
    EXPECT_TRUE(u.policy_changed);
}

// An application's choice changing is a policy change; Rank with an
// application the snapshot does not have is refused, not ranked as none.
TEST(SnapshotBackend, ApplicationsAreServedAndTheirChangesArePolicyChanges) {
    SnapshotBackend b({});
    const std::vector<PathReport> paths = {path('a', PathHealth::Up), path('b', PathHealth::Up)};
    ApplicationReport backup;
    backup.name = "backup";
    backup.uplinks = {"isp-b"};
    b.update(paths, PolicyTable::rfc6724_default(), {backup});
    ASSERT_EQ(b.list_applications().size(), 1U);
    EXPECT_EQ(b.list_applications()[0].name, "backup");
    auto u = b.update(paths, PolicyTable::rfc6724_default(), {backup});
    EXPECT_FALSE(u.policy_changed);
    backup.path = paths[1].key;
    backup.path_id = paths[1].id;
    backup.source = test::addr("2001:db8:b::100");
    u = b.update(paths, PolicyTable::rfc6724_default(), {backup});
    EXPECT_TRUE(u.policy_changed);
    EXPECT_TRUE(u.changes.empty());

    const std::vector<Address> d = {test::addr("2001:db8:ffff::1")};
    RankOptions options;
    options.application = "backup";
    const auto pairs = b.rank(d, options);
    ASSERT_FALSE(pairs.empty());
    EXPECT_EQ(pairs[0].source, test::addr("2001:db8:b::100"));
    options.application = "voip";
    EXPECT_THROW(b.rank(d, options), sdbus::Error);
}

TEST(SnapshotBackend, ReloadUsesTheGivenFunction) {
    SnapshotBackend none({});
    EXPECT_FALSE(none.reload().ok);
    int calls = 0;
    SnapshotBackend b(DaemonHooks{[&calls] {
                                      ++calls;
                                      return ReloadResult{false, "bad"};
                                  },
                                  {},
                                  {}});
    EXPECT_EQ(b.reload().error, "bad");
    EXPECT_EQ(calls, 1);
}

TEST(SnapshotBackend, CountersAreReadAtEachCall) {
    SnapshotBackend none({});
    EXPECT_EQ(none.counters(), DaemonCounters{});
    EXPECT_EQ(none.path_counters(PathKey{}), PathCounters{});
    DaemonCounters daemon;
    PathCounters path;
    SnapshotBackend b(
        DaemonHooks{{}, [&daemon] { return daemon; }, [&path](const PathKey&) { return path; }});
    daemon.failovers = 2;
    path.probes_sent = 7;
    EXPECT_EQ(b.counters().failovers, 2U);
    EXPECT_EQ(b.path_counters(PathKey{}).probes_sent, 7U);
    daemon.failovers = 3;
    EXPECT_EQ(b.counters().failovers, 3U);
}

}  // namespace
}  // namespace multi6d::dbus
