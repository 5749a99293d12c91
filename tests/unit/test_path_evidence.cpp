// Down needs evidence (policy/path_evidence.hpp, neighbour_evidence.hpp):
// the verdict over a PathMonitor fed by hand, on a fake clock.
#include "path_evidence.hpp"

#include <gtest/gtest.h>

#include "policy_test_util.hpp"

namespace multi6d::test {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;
using Kind = ProbeTargetKind;

const Address router = addr("fe80::a");
const Address dns = addr("2001:db8:ff::53");

// A monitor, its evidence and the router's neighbour state, as the path
// supervisor keeps them.
struct Path {
    ProbeSettings settings;
    PathMonitor monitor{settings};
    PathEvidence evidence{settings.down_after};
    NeighbourState neighbour = NeighbourState::Unknown;
    std::string monitor_reason;
    TimePoint now = t0;

    void loss(Kind kind, std::optional<std::string> icmp = std::nullopt, bool elsewhere = false) {
        now += milliseconds(250);
        const Address& target = kind == Kind::Router ? router : dns;
        if (auto t = monitor.record_loss(kind, target, now)) {
            monitor_reason = t->reason;
        }
        evidence.record_loss(ProbeLoss{kind, target, std::move(icmp), elsewhere});
    }
    void reply(Kind kind) {
        now += milliseconds(250);
        if (auto t = monitor.record_reply(kind, kind == Kind::Router ? router : dns,
                                          milliseconds(5), now)) {
            monitor_reason = t->reason;
        }
        evidence.record_reply();
    }
    PathVerdict verdict() const {
        return path_verdict(monitor, monitor_reason, evidence, neighbour, router);
    }
};

// Issue 13: a router that answers neighbour solicitation but not echo, and
// no upstream target: unknown for ever, never down.
TEST(PathEvidence, NoAnswerFromARouterThatIgnoresEchoIsNoEvidence) {
    Path p;
    p.neighbour = NeighbourState::Reachable;
    for (int i = 0; i < 200; ++i) {
        p.loss(Kind::Router);
    }
    const PathVerdict v = p.verdict();
    EXPECT_EQ(v.health, PathHealth::Unknown);
    EXPECT_EQ(v.reason,
              "no probe answered, but no evidence the path is down (the router may ignore "
              "echo); router fe80::a is reachable as a neighbour");
}

TEST(PathEvidence, UpstreamLossesCountOnlyWhileOtherPathsAnswer) {
    Path p;
    for (int i = 0; i < 50; ++i) {
        p.loss(Kind::Upstream);  // nobody answers anywhere: no evidence
    }
    EXPECT_EQ(p.verdict().health, PathHealth::Unknown);
    p.loss(Kind::Upstream, std::nullopt, true);
    p.loss(Kind::Router);  // a router timeout neither counts nor resets
    p.loss(Kind::Upstream, std::nullopt, true);
    EXPECT_EQ(p.verdict().health, PathHealth::Unknown);
    p.loss(Kind::Upstream, std::nullopt, true);
    const PathVerdict v = p.verdict();
    EXPECT_EQ(v.health, PathHealth::Down);
    EXPECT_EQ(v.reason,
              "never answered, and 3 of 54 probes lost with evidence (last: upstream probe to "
              "2001:db8:ff::53 lost while another path's upstream probes are answered)");
}

TEST(PathEvidence, IcmpErrorsQuotingItsProbesAreEvidence) {
    Path p;
    for (int i = 0; i < 3; ++i) {
        p.loss(Kind::Upstream, "destination unreachable code 5 from fe80::a");
    }
    const PathVerdict v = p.verdict();
    EXPECT_EQ(v.health, PathHealth::Down);
    EXPECT_NE(v.reason.find("ended by ICMPv6 destination unreachable code 5 from fe80::a"),
              std::string::npos)
        << v.reason;
    // One reply ends "never answered": the monitor's rules take over.
    p.reply(Kind::Router);
    EXPECT_EQ(p.verdict().health, PathHealth::Up);
}

TEST(PathEvidence, FailedNeighbourEntryIsDownWhateverTheProbesSay) {
    Path p;
    p.reply(Kind::Upstream);
    ASSERT_EQ(p.verdict().health, PathHealth::Up);
    p.neighbour = NeighbourState::Failed;
    PathVerdict v = p.verdict();
    EXPECT_EQ(v.health, PathHealth::Down);
    EXPECT_EQ(v.reason,
              "neighbour entry of router fe80::a failed (the kernel's solicitations went "
              "unanswered)");
    // A never-answered path too.
    Path q;
    q.neighbour = NeighbourState::Failed;
    EXPECT_EQ(q.verdict().health, PathHealth::Down);
    // Reachable again: back to the monitor's state.
    p.neighbour = NeighbourState::Reachable;
    EXPECT_EQ(p.verdict().health, PathHealth::Up);
}

TEST(PathEvidence, APathThatAnsweredBeforeAndStoppedGoesDownByTheMonitor) {
    Path p;
    for (int i = 0; i < 10; ++i) {
        p.reply(Kind::Upstream);
    }
    for (int i = 0; i < 3; ++i) {
        p.loss(Kind::Upstream);
    }
    const PathVerdict v = p.verdict();
    EXPECT_EQ(v.health, PathHealth::Down);
    EXPECT_EQ(v.reason, "3 upstream probes lost in a row (last to 2001:db8:ff::53)");
}

TEST(NeighbourEvidence, FailedHoldsThroughANewResolutionAttempt) {
    NeighbourEvidence n;
    EXPECT_EQ(n.state(2, router), NeighbourState::Unknown);
    EXPECT_TRUE(n.set(2, router, NeighbourState::Reachable, t0));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Reachable, t0));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Incomplete, t0));
    EXPECT_TRUE(n.set(2, router, NeighbourState::Failed, t0));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Incomplete, t0));
    EXPECT_EQ(n.state(2, router), NeighbourState::Failed);
    EXPECT_TRUE(n.set(2, router, NeighbourState::Reachable, t0));
    EXPECT_EQ(n.state(3, router), NeighbourState::Unknown);  // per link
}

// An RA with the router's link-layer address makes a FAILED entry STALE
// (RFC 4861 §7.3.3); DELAY and PROBE follow. None of them is an answer.
TEST(NeighbourEvidence, FailedHoldsThroughStaleDelayProbe) {
    NeighbourEvidence n;
    EXPECT_TRUE(n.set(2, router, NeighbourState::Failed, t0));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Unconfirmed, t0 + 1s));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Incomplete, t0 + 2s));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Failed, t0 + 3s));
    EXPECT_EQ(n.state(2, router), NeighbourState::Failed);
    EXPECT_EQ(n.since(2, router), t0);
    EXPECT_TRUE(n.set(2, router, NeighbourState::Reachable, t0 + 4s));
    EXPECT_EQ(n.state(2, router), NeighbourState::Reachable);
}

// Moving between REACHABLE and STALE (every NUD cycle) changes no evidence;
// the first link-layer address does.
TEST(NeighbourEvidence, ReachableAndUnconfirmedAreTheSameEvidence) {
    NeighbourEvidence n;
    EXPECT_FALSE(n.set(2, router, NeighbourState::Incomplete, t0));
    EXPECT_TRUE(n.set(2, router, NeighbourState::Unconfirmed, t0));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Reachable, t0));
    EXPECT_FALSE(n.set(2, router, NeighbourState::Unconfirmed, t0));
    EXPECT_EQ(n.state(2, router), NeighbourState::Unconfirmed);
}

// A deleted entry (garbage collection, link down) is forgotten, failed or
// not, so the table is no larger than the kernel's.
TEST(NeighbourEvidence, DeletedEntryIsForgotten) {
    NeighbourEvidence n;
    EXPECT_FALSE(n.set(2, router, NeighbourState::Unknown, t0));
    EXPECT_EQ(n.size(), 0U);
    EXPECT_TRUE(n.set(2, router, NeighbourState::Failed, t0));
    EXPECT_TRUE(n.set(2, router, NeighbourState::Unknown, t0));
    EXPECT_EQ(n.state(2, router), NeighbourState::Unknown);
    EXPECT_EQ(n.size(), 0U);
}

}  // namespace
}  // namespace multi6d::test
