// PathMonitor fed by hand on a fake clock: each rule of path_quality.hpp.
#include "path_quality.hpp"

#include <gtest/gtest.h>

#include "path_sim.hpp"
#include "policy_test_util.hpp"

namespace multi6d::test {
namespace {

using std::chrono::seconds;
using Kind = ProbeTargetKind;

// Drives a monitor at 250 ms per outcome, like the default schedule.
class Feed {
  public:
    explicit Feed(const ProbeSettings& s = {}) : monitor(s) {}

    std::optional<HealthTransition> reply(Kind kind = Kind::Upstream,
                                          Clock::duration rtt = milliseconds(20)) {
        return keep(monitor.record_reply(kind, target(kind), rtt, tick()));
    }
    std::optional<HealthTransition> loss(Kind kind = Kind::Upstream) {
        return keep(monitor.record_loss(kind, target(kind), tick()));
    }
    void replies(int n, Kind kind = Kind::Upstream) {
        for (int i = 0; i < n; ++i) {
            reply(kind);
        }
    }
    TimePoint tick() { return now += milliseconds(250); }

    PathMonitor monitor;
    TimePoint now = t0;
    std::vector<HealthTransition> changes;

  private:
    static Address target(Kind kind) { return kind == Kind::Router ? kRouter : kDns1; }
    std::optional<HealthTransition> keep(std::optional<HealthTransition> t) {
        if (t) {
            changes.push_back(*t);
        }
        return t;
    }
};

TEST(PathMonitor, UnknownUntilFirstReplyThenUp) {
    Feed f;
    EXPECT_EQ(f.monitor.state(), PathHealth::Unknown);
    const auto t = f.reply(Kind::Upstream, milliseconds(12));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->from, PathHealth::Unknown);
    EXPECT_EQ(t->to, PathHealth::Up);
    EXPECT_EQ(t->at, f.now);
    EXPECT_EQ(t->reason, "first reply, from 2001:db8:ff::53 in 12.0 ms");
    EXPECT_FALSE(f.reply());  // no change while nothing changes
    EXPECT_EQ(f.monitor.state(), PathHealth::Up);
}

TEST(PathMonitor, RouterReplyAloneBringsANewPathUp) {
    Feed f;
    ASSERT_TRUE(f.reply(Kind::Router, milliseconds(1)));
    EXPECT_EQ(f.monitor.state(), PathHealth::Up);
}

// Issue 13: a router that answers neighbour solicitation but not echo made
// every path down ~0.5 s after its first RA ("no reply to the first 3
// probes"). Timeouts alone are no evidence: the path stays unknown
// (policy/path_evidence.hpp takes it down on evidence).
TEST(PathMonitor, NewPathThatNeverAnswersStaysUnknown) {
    Feed f;
    for (int i = 0; i < 100; ++i) {
        EXPECT_FALSE(f.loss(i % 8 == 0 ? Kind::Router : Kind::Upstream)) << i;
    }
    EXPECT_EQ(f.monitor.state(), PathHealth::Unknown);
    // The first reply still brings it up at once.
    const auto t = f.reply(Kind::Router, milliseconds(1));
    ASSERT_TRUE(t);
    EXPECT_EQ(t->to, PathHealth::Up);
}

TEST(PathMonitor, DownAfterDownAfterUpstreamLosses) {
    for (unsigned k : {1U, 2U, 3U, 5U}) {
        ProbeSettings s;
        s.down_after = k;
        Feed f(s);
        f.replies(10);
        for (unsigned i = 1; i < k; ++i) {
            EXPECT_FALSE(f.loss()) << "k=" << k << " loss " << i;
        }
        const auto t = f.loss();
        ASSERT_TRUE(t) << "k=" << k;
        EXPECT_EQ(t->to, PathHealth::Down);
        EXPECT_EQ(t->reason,
                  std::to_string(k) + " upstream probes lost in a row (last to 2001:db8:ff::53)");
    }
}

TEST(PathMonitor, SingleLossesNeverTakeThePathDown) {
    Feed f;
    f.replies(3);
    for (int i = 0; i < 200; ++i) {
        f.loss();
        f.replies(4);  // 20% loss: may degrade, never down
    }
    for (const auto& c : f.changes) {
        EXPECT_NE(c.to, PathHealth::Down) << c.reason;
    }
    EXPECT_EQ(f.monitor.consecutive_losses(), 0U);
}

TEST(PathMonitor, RouterRepliesDoNotHideADeadUpstream) {
    Feed f;
    f.replies(10);
    EXPECT_FALSE(f.loss());
    EXPECT_FALSE(f.reply(Kind::Router));
    EXPECT_FALSE(f.loss());
    EXPECT_FALSE(f.reply(Kind::Router));
    const auto t = f.loss();
    ASSERT_TRUE(t);
    EXPECT_EQ(t->to, PathHealth::Down);
    EXPECT_EQ(f.monitor.consecutive_upstream_losses(), 3U);
    EXPECT_EQ(f.monitor.consecutive_losses(), 1U);
}

TEST(PathMonitor, DeadFirstHopIsDown) {
    Feed f;
    f.replies(10);
    EXPECT_FALSE(f.loss(Kind::Router));
    EXPECT_FALSE(f.loss(Kind::Router));
    const auto t = f.loss(Kind::Router);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->to, PathHealth::Down);
    EXPECT_EQ(t->reason, "3 probes lost in a row, none answered (last to fe80::1)");
}

TEST(PathMonitor, UpstreamRepliesProveTheFirstHop) {
    // A router that stops answering echo while the upstream answers: not down.
    Feed f;
    f.replies(10);
    for (int i = 0; i < 20; ++i) {
        EXPECT_FALSE(f.loss(Kind::Router));
        EXPECT_FALSE(f.reply());
    }
    EXPECT_EQ(f.monitor.state(), PathHealth::Up);
}

TEST(PathMonitor, RecentLossesRaiseTheStreakNeeded) {
    Feed f;
    f.replies(10);
    f.loss();  // random loss, remembered for kLossMemory
    f.replies(20);
    EXPECT_EQ(f.monitor.losses_for_down(f.now), 4U);
    f.loss();
    f.loss();
    EXPECT_FALSE(f.loss());  // 3 in a row, but 4 needed now
    ASSERT_TRUE(f.loss());
    EXPECT_EQ(f.changes.back().reason, "4 upstream probes lost in a row (last to 2001:db8:ff::53)");
}

TEST(PathMonitor, TheRaiseIsCappedAndForgotten) {
    Feed f;
    f.replies(10);
    for (int i = 0; i < 10; ++i) {
        f.loss();
        f.replies(9);  // 10% loss: never degraded, never down
    }
    EXPECT_EQ(f.monitor.losses_for_down(f.now), 6U);  // down_after + at most down_after
    f.now += kLossMemory;
    EXPECT_EQ(f.monitor.losses_for_down(f.now), 3U);
    f.loss();
    f.loss();
    ASSERT_TRUE(f.loss());
    EXPECT_EQ(f.monitor.state(), PathHealth::Down);
}

TEST(PathMonitor, RecoveryNeedsRepliesSpanningTheDuration) {
    Feed f;  // up_after 5, up_after_duration 3 s, outcomes 250 ms apart
    f.replies(10);
    f.loss();
    f.loss();
    ASSERT_TRUE(f.loss());
    f.replies(12);  // 11 gaps of 250 ms: 2.75 s
    EXPECT_EQ(f.monitor.state(), PathHealth::Down);
    f.loss();  // breaks the run
    f.replies(12);
    EXPECT_EQ(f.monitor.state(), PathHealth::Down);
    const auto t = f.reply();  // 13th: 3.0 s
    ASSERT_TRUE(t);
    EXPECT_EQ(t->from, PathHealth::Down);
    EXPECT_EQ(t->to, PathHealth::Up);
    EXPECT_EQ(t->reason, "13 replies in a row over 3.0 s");
}

TEST(PathMonitor, RecoveryNeedsUpAfterRepliesToo) {
    ProbeSettings s;
    s.up_after = 5;
    s.up_after_duration = milliseconds(500);
    Feed f(s);
    f.replies(1);
    f.loss();
    f.loss();
    ASSERT_TRUE(f.loss());
    f.reply();
    f.now += seconds(10);  // long span, but only 2 replies
    f.reply();
    EXPECT_EQ(f.monitor.state(), PathHealth::Down);
    f.replies(2);
    EXPECT_EQ(f.monitor.state(), PathHealth::Down);
    ASSERT_TRUE(f.reply());
    EXPECT_EQ(f.changes.back().reason, "5 replies in a row over 11.0 s");
}

TEST(PathMonitor, AnOutageIsNotCountedAsLoss) {
    Feed f;
    f.replies(10);
    for (int i = 0; i < 10; ++i) {
        f.loss();
    }
    ASSERT_EQ(f.monitor.state(), PathHealth::Down);
    EXPECT_EQ(f.monitor.consecutive_upstream_losses(), 10U);
    EXPECT_EQ(f.monitor.window_losses(), 0U);  // the outage is not quality
    EXPECT_EQ(f.monitor.window_samples(), 10U);
    f.replies(13);
    ASSERT_EQ(f.monitor.state(), PathHealth::Up);
    EXPECT_EQ(f.monitor.window_losses(), 0U);
    // The next cut is detected as fast as the first.
    EXPECT_EQ(f.monitor.losses_for_down(f.now), 3U);
}

TEST(PathMonitor, LossesBeforeTheOutageStayCounted) {
    Feed f;
    f.replies(1);
    f.loss();  // random loss, remembered
    f.replies(5);
    for (int i = 0; i < 4; ++i) {
        f.loss();
    }
    ASSERT_EQ(f.monitor.state(), PathHealth::Down);
    EXPECT_EQ(f.monitor.window_losses(), 1U);
    f.replies(13);
    ASSERT_EQ(f.monitor.state(), PathHealth::Up);
    EXPECT_EQ(f.monitor.losses_for_down(f.now), 4U);
}

TEST(PathMonitor, LossyPathComesBackDegraded) {
    Feed f;
    f.replies(1);
    while (f.monitor.state() == PathHealth::Up) {  // 33% loss
        f.loss();
        f.replies(2);
        ASSERT_LT(f.now, t0 + seconds(100));
    }
    ASSERT_EQ(f.monitor.state(), PathHealth::Degraded);
    for (int i = 0; i < 7; ++i) {
        f.loss();
    }
    ASSERT_EQ(f.monitor.state(), PathHealth::Down);
    f.replies(13);
    // The outage's losses are not quality, the verdict from before it stands.
    EXPECT_EQ(f.monitor.state(), PathHealth::Degraded);
    EXPECT_GE(f.monitor.window_losses(), 8U);  // the losses from before the outage
    const std::string& why = f.changes.back().reason;
    EXPECT_EQ(why.rfind("13 replies in a row over 3.0 s, but ", 0), 0U) << why;
    EXPECT_NE(why.find("probes lost: sequential test says loss ≥ 20%"), std::string::npos) << why;
}

// The sequential test (loss_sprt.hpp) decides without a hold; back up
// after 27 replies in a row (its lower bound), not before.
TEST(PathMonitor, DegradedBySequentialTestAndBackAfter27Replies) {
    Feed f;  // p1 = 20%, p0 = 5%
    f.replies(1);
    int outcomes = 0;
    while (f.monitor.state() == PathHealth::Up) {  // 1 loss in 4: 25%
        ASSERT_LT(f.changes.size(), 2U);
        f.loss();
        ++outcomes;
        for (int i = 0; i < 3 && f.monitor.state() == PathHealth::Up; ++i) {
            f.reply();
            ++outcomes;
        }
        ASSERT_LT(f.now, t0 + seconds(60));
    }
    EXPECT_EQ(f.monitor.state(), PathHealth::Degraded);
    // 25%: +1.386 − 3·0.172 = +0.87 per 4 outcomes, A = 9.21: ~40 outcomes.
    EXPECT_GE(outcomes, 30);
    EXPECT_LE(outcomes, 50);
    const std::string why = f.changes.back().reason;
    EXPECT_NE(why.find(" probes lost: sequential test says loss ≥ 20%"), std::string::npos) << why;
    for (int i = 0; i < 26; ++i) {
        ASSERT_FALSE(f.reply()) << i;
    }
    ASSERT_TRUE(f.reply());
    EXPECT_EQ(f.monitor.state(), PathHealth::Up);
    EXPECT_EQ(f.changes.back().reason, "0 of 27 probes lost: sequential test says loss ≤ 5%");
}

// 1 loss in 25 (4%, what 2% per direction gives): stays up.
TEST(PathMonitor, LossBelowP0KeepsThePathUp) {
    Feed f;
    f.replies(1);
    for (int i = 0; i < 100; ++i) {
        f.loss();
        f.replies(24);
    }
    EXPECT_EQ(f.monitor.state(), PathHealth::Up);
    EXPECT_EQ(f.changes.size(), 1U);
}

TEST(PathMonitor, DegradedByRttAndBack) {
    ProbeSettings s;
    s.degraded_rtt = milliseconds(100);
    Feed f(s);
    for (int i = 0; i < 20; ++i) {
        f.reply(Kind::Upstream, milliseconds(40));
    }
    f.reply(Kind::Router, milliseconds(500));  // the router's RTT is not the path's
    int slow = 0;
    while (f.monitor.state() == PathHealth::Up && slow < 100) {
        f.reply(Kind::Upstream, milliseconds(160));
        ++slow;
    }
    ASSERT_EQ(f.monitor.state(), PathHealth::Degraded);
    EXPECT_GT(slow, 40);  // SRTT has to climb past 100 ms, then hold for 40
    const std::string& why = f.changes.back().reason;
    EXPECT_EQ(why.rfind("smoothed RTT 1", 0), 0U) << why;
    EXPECT_NE(why.find(" > 100.0 ms"), std::string::npos) << why;
    int fast = 0;
    while (f.monitor.state() == PathHealth::Degraded && fast < 100) {
        f.reply(Kind::Upstream, milliseconds(40));
        ++fast;
        if (f.monitor.state() == PathHealth::Degraded) {
            EXPECT_GT(f.monitor.rtt()->srtt, milliseconds(75));
        }
    }
    ASSERT_EQ(f.monitor.state(), PathHealth::Up);
    EXPECT_LE(f.monitor.rtt()->srtt, milliseconds(75));
    EXPECT_NE(f.changes.back().reason.find("smoothed RTT "), std::string::npos);
}

TEST(PathMonitor, RttSmoothingFollowsRfc6298) {
    Feed f;
    f.reply(Kind::Upstream, milliseconds(100));
    auto e = f.monitor.rtt(Kind::Upstream);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->srtt, milliseconds(100));
    EXPECT_EQ(e->rttvar, milliseconds(50));
    f.reply(Kind::Upstream, milliseconds(200));
    e = f.monitor.rtt(Kind::Upstream);
    EXPECT_EQ(e->srtt, std::chrono::microseconds(112500));   // 7/8·100 + 1/8·200
    EXPECT_EQ(e->rttvar, std::chrono::microseconds(62500));  // 3/4·50 + 1/4·|100−200|
    f.reply(Kind::Upstream, milliseconds(60));
    e = f.monitor.rtt(Kind::Upstream);
    EXPECT_EQ(e->min, milliseconds(60));
    EXPECT_EQ(e->samples, 3U);
    // Converges on a steady RTT.
    for (int i = 0; i < 200; ++i) {
        f.reply(Kind::Upstream, milliseconds(30));
    }
    e = f.monitor.rtt(Kind::Upstream);
    const double srtt_ms = std::chrono::duration<double, std::milli>(e->srtt).count();
    EXPECT_NEAR(srtt_ms, 30.0, 0.01);
    EXPECT_LT(e->rttvar, milliseconds(1));
    EXPECT_EQ(e->min, milliseconds(30));
}

TEST(PathMonitor, PathRttIsUpstreamElseRouter) {
    Feed f;
    EXPECT_FALSE(f.monitor.rtt());
    f.reply(Kind::Router, milliseconds(2));
    ASSERT_TRUE(f.monitor.rtt());
    EXPECT_EQ(f.monitor.rtt()->srtt, milliseconds(2));
    EXPECT_FALSE(f.monitor.rtt(Kind::Upstream));
    f.reply(Kind::Upstream, milliseconds(30));
    EXPECT_EQ(f.monitor.rtt()->srtt, milliseconds(30));
    EXPECT_EQ(f.monitor.rtt(Kind::Router)->srtt, milliseconds(2));
}

TEST(PathMonitor, LossWindowCountsTheLastOutcomes) {
    ProbeSettings s;
    s.loss_window = 10;
    Feed f(s);
    f.replies(1);
    f.loss();
    f.replies(3);
    EXPECT_EQ(f.monitor.window_samples(), 5U);
    EXPECT_EQ(f.monitor.window_losses(), 1U);
    EXPECT_DOUBLE_EQ(f.monitor.loss_ratio(), 0.2);
    f.replies(10);
    EXPECT_EQ(f.monitor.window_samples(), 10U);
    EXPECT_EQ(f.monitor.window_losses(), 0U);
    EXPECT_EQ(f.monitor.consecutive_successes(), 13U);
}

TEST(PathMonitor, ReconfigureKeepsStateAndTrimsTheWindow) {
    Feed f;
    f.replies(1);
    for (int i = 0; i < 5; ++i) {
        f.loss();
        f.replies(3);
    }
    ASSERT_EQ(f.monitor.window_losses(), 5U);
    ProbeSettings s;
    s.loss_window = 8;
    s.down_after = 2;
    f.monitor.reconfigure(s);
    EXPECT_EQ(f.monitor.state(), PathHealth::Up);
    EXPECT_EQ(f.monitor.window_samples(), 8U);
    EXPECT_EQ(f.monitor.window_losses(), 2U);
    EXPECT_EQ(f.monitor.losses_for_down(f.now), 4U);  // 2 + 2 remembered (capped at 2)
}

TEST(PathMonitor, HealthNames) {
    EXPECT_EQ(health_name(PathHealth::Unknown), "unknown");
    EXPECT_EQ(health_name(PathHealth::Up), "up");
    EXPECT_EQ(health_name(PathHealth::Degraded), "degraded");
    EXPECT_EQ(health_name(PathHealth::Down), "down");
}

}  // namespace
}  // namespace multi6d::test
