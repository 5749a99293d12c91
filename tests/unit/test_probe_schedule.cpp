// ProbeScheduler and RateCap on a fake clock.
#include "probe_schedule.hpp"

#include <gtest/gtest.h>

#include <random>

#include "policy_test_util.hpp"

namespace multi6d::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Kind = ProbeTargetKind;

ProbeScheduler::Random seeded(std::uint64_t seed) {
    auto rng = std::make_shared<std::mt19937_64>(seed);
    return [rng] { return std::uniform_real_distribution<double>(0.0, 1.0)(*rng); };
}

ProbeScheduler::Random constant(double value) {
    return [value] { return value; };
}

TEST(RateCap, AllowsLimitPerSpan) {
    RateCap cap(3, seconds(1));
    EXPECT_EQ(cap.earliest(t0), t0);
    cap.record(t0);
    cap.record(t0 + milliseconds(100));
    EXPECT_EQ(cap.earliest(t0 + milliseconds(200)), t0 + milliseconds(200));
    cap.record(t0 + milliseconds(200));
    EXPECT_EQ(cap.earliest(t0 + milliseconds(300)), t0 + seconds(1));
    EXPECT_EQ(cap.earliest(t0 + seconds(2)), t0 + seconds(2));
    cap.record(t0 + seconds(1));
    EXPECT_EQ(cap.earliest(t0 + seconds(1)), t0 + milliseconds(1100));
}

TEST(RateCap, ZeroLimitNeverAllows) {
    RateCap cap(0);
    EXPECT_EQ(cap.earliest(t0), TimePoint::max());
}

TEST(ProbeSchedule, FirstProbeSoonAfterStart) {
    ProbeSettings s;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        ProbeScheduler sched(s, t0, seeded(seed));
        const TimePoint due = sched.next_due(true);
        EXPECT_GE(due, t0);
        EXPECT_LE(due, t0 + milliseconds(25));
    }
}

TEST(ProbeSchedule, SteadyGapsJitterAroundTheInterval) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, seeded(7));
    TimePoint now = sched.next_due(true);
    Clock::duration lowest = seconds(1);
    Clock::duration highest{};
    Clock::duration total{};
    const int n = 2000;
    for (std::uint16_t seq = 1; seq <= n; ++seq) {
        sched.record_sent(seq, now, std::nullopt);
        sched.record_reply(seq);
        const TimePoint next = sched.next_due(true);
        lowest = std::min(lowest, next - now);
        highest = std::max(highest, next - now);
        total += next - now;
        now = next;
    }
    EXPECT_GE(lowest, milliseconds(225));
    EXPECT_LT(lowest, milliseconds(230));  // the jitter is really used
    EXPECT_LE(highest, milliseconds(275));
    EXPECT_GT(highest, milliseconds(270));
    const double mean_ms = std::chrono::duration<double, std::milli>(total).count() / n;
    EXPECT_NEAR(mean_ms, 250.0, 2.0);
}

const RttEstimate kLanRtt{milliseconds(1), std::chrono::microseconds(200), milliseconds(1), 10};

TEST(ProbeSchedule, LateProbeIsReprobedAtItsDeadline) {
    ProbeSettings s;  // interval 250 ms, timeout 300 ms, min_timeout 50 ms
    ProbeScheduler sched(s, t0, constant(0.5));  // gaps exactly 250 ms
    const TimePoint first = sched.next_due(true);
    // Before any reply: the cap, timeout_ms.
    EXPECT_EQ(sched.record_sent(1, first, std::nullopt), milliseconds(300));
    EXPECT_TRUE(sched.suspicious());
    EXPECT_EQ(sched.deadline(), first + milliseconds(300));
    // Past its deadline the re-probe is due, before the steady gap... once
    // the steady gap (250 ms) is shorter, that wins.
    EXPECT_EQ(sched.next_due(true), first + milliseconds(250));
    sched.record_reply(1);
    EXPECT_FALSE(sched.suspicious());
    EXPECT_EQ(sched.next_due(true), first + milliseconds(250));

    // With a LAN estimate: 50 ms (the floor), and the re-probe is due then.
    const TimePoint second = first + milliseconds(250);
    EXPECT_EQ(sched.record_sent(2, second, kLanRtt), milliseconds(50));
    EXPECT_EQ(sched.next_due(true), second + milliseconds(50));
    // A path that is down (or never answered) waits for the steady gap.
    EXPECT_EQ(sched.next_due(false), second + milliseconds(250));
}

TEST(ProbeSchedule, ProbeReportedLostEarlyIsReprobedAtOnce) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));
    sched.record_sent(1, t0, kLanRtt);
    // An ICMPv6 error 3 ms after the send ends it before its deadline.
    sched.record_loss(1, t0 + milliseconds(3));
    EXPECT_EQ(sched.next_due(true), t0 + milliseconds(3));
    EXPECT_EQ(sched.next_due(false), t0 + milliseconds(250));
}

TEST(ProbeSchedule, DeadlinesStayInSendOrder) {
    ProbeSettings s;
    s.interval = milliseconds(100);
    ProbeScheduler sched(s, t0, constant(0.5));
    sched.record_sent(1, t0, std::nullopt);  // deadline t0 + 300 ms
    // The first estimate arrives; the next probe's own timeout (50 ms) would
    // end before the first probe's: raised to the first's remaining time.
    EXPECT_EQ(sched.record_sent(2, t0 + milliseconds(100), kLanRtt), milliseconds(200));
    EXPECT_EQ(sched.record_sent(3, t0 + milliseconds(300), kLanRtt), milliseconds(50));
}

TEST(ProbeSchedule, OnlyTheNewestReplyEndsSuspicion) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));
    sched.record_sent(1, t0, std::nullopt);
    sched.record_sent(2, t0 + milliseconds(250), std::nullopt);
    sched.record_reply(1);
    EXPECT_TRUE(sched.suspicious());
    sched.record_reply(2);
    EXPECT_FALSE(sched.suspicious());
}

TEST(ProbeSchedule, ReprobesStopAtTheRateCap) {
    ProbeSettings s;  // 10 per second
    s.max_rate_per_path = 5;
    ProbeScheduler sched(s, t0, constant(0.5));
    TimePoint now = t0;
    std::vector<TimePoint> sent;
    for (std::uint16_t seq = 1; seq <= 12; ++seq) {  // nothing ever answers
        now = std::max(now, sched.next_due(true));
        sched.record_sent(seq, now, kLanRtt);
        sent.push_back(now);
    }
    // 50 ms apart (each at the previous one's deadline) until 5 are out,
    // then each waits for the oldest to age 1 s.
    EXPECT_EQ(sent[4] - sent[0], milliseconds(200));
    EXPECT_EQ(sent[5] - sent[0], seconds(1));
    EXPECT_EQ(sent[10] - sent[5], seconds(1));
}

TEST(ProbeSchedule, EveryEighthSteadyProbeGoesToTheRouter) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));
    std::string kinds;
    TimePoint now = t0;
    for (std::uint16_t seq = 1; seq <= 24; ++seq) {
        kinds += sched.next_kind(true, true) == Kind::Router ? 'R' : 'U';
        now = sched.next_due(true);
        sched.record_sent(seq, now, std::nullopt);
        sched.record_reply(seq);
    }
    EXPECT_EQ(kinds, "UUUUUUURUUUUUUURUUUUUUUR");
}

TEST(ProbeSchedule, SuspicionReprobesGoUpstream) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));
    TimePoint now = t0;
    for (std::uint16_t seq = 1; seq <= 7; ++seq) {
        sched.record_sent(seq, now, std::nullopt);
        sched.record_reply(seq);
        now += milliseconds(250);
    }
    EXPECT_EQ(sched.next_kind(true, true), Kind::Router);  // 8th steady probe
    sched.record_sent(8, now, kLanRtt);
    EXPECT_EQ(sched.next_kind(true, true), Kind::Upstream);  // 8 unanswered
    sched.record_sent(9, now + milliseconds(50), kLanRtt);
    EXPECT_EQ(sched.next_kind(true, true), Kind::Upstream);
}

TEST(ProbeSchedule, KindFollowsTheTargetsAvailable) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));
    EXPECT_EQ(sched.next_kind(true, false), Kind::Router);
    EXPECT_EQ(sched.next_kind(false, true), Kind::Upstream);
    EXPECT_EQ(sched.next_kind(false, false), std::nullopt);
}

}  // namespace
}  // namespace multi6d::test
