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

TEST(ProbeSchedule, ReprobeAfterIsRtoClamped) {
    ProbeSettings s;  // interval 250 ms, timeout 300 ms
    EXPECT_EQ(reprobe_after(s, std::nullopt), milliseconds(100));
    // SRTT 20 + max(10, 4·5) = 40 ms: raised to the 100 ms floor.
    EXPECT_EQ(reprobe_after(s, RttEstimate{milliseconds(20), milliseconds(5), {}, 5}),
              milliseconds(100));
    // 150 + 4·10 = 190 ms.
    EXPECT_EQ(reprobe_after(s, RttEstimate{milliseconds(150), milliseconds(10), {}, 5}),
              milliseconds(190));
    // 150 + 4·40 = 310 ms: capped at the timeout.
    EXPECT_EQ(reprobe_after(s, RttEstimate{milliseconds(150), milliseconds(40), {}, 5}),
              milliseconds(300));
    s.interval = milliseconds(50);
    EXPECT_EQ(reprobe_after(s, std::nullopt), milliseconds(50));
    s.timeout = milliseconds(30);
    EXPECT_EQ(reprobe_after(s, std::nullopt), milliseconds(30));
}

TEST(ProbeSchedule, FirstProbeSoonAfterStart) {
    ProbeSettings s;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        ProbeScheduler sched(s, t0, seeded(seed));
        const TimePoint due = sched.next_due(std::nullopt);
        EXPECT_GE(due, t0);
        EXPECT_LE(due, t0 + milliseconds(25));
    }
}

TEST(ProbeSchedule, SteadyGapsJitterAroundTheInterval) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, seeded(7));
    TimePoint now = sched.next_due(std::nullopt);
    Clock::duration lowest = seconds(1);
    Clock::duration highest{};
    Clock::duration total{};
    const int n = 2000;
    for (std::uint16_t seq = 1; seq <= n; ++seq) {
        sched.record_sent(seq, now);
        sched.record_reply(seq);
        const TimePoint next = sched.next_due(std::nullopt);
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

TEST(ProbeSchedule, UnansweredProbeIsReprobedSooner) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));  // gaps exactly 250 ms
    const TimePoint first = sched.next_due(std::nullopt);
    sched.record_sent(1, first);
    EXPECT_TRUE(sched.suspicious());
    EXPECT_EQ(sched.next_due(std::nullopt), first + milliseconds(100));
    // With an RTT estimate, the RTO decides.
    EXPECT_EQ(sched.next_due(RttEstimate{milliseconds(150), milliseconds(10), {}, 3}),
              first + milliseconds(190));
    sched.record_reply(1);
    EXPECT_FALSE(sched.suspicious());
    EXPECT_EQ(sched.next_due(std::nullopt), first + milliseconds(250));
}

TEST(ProbeSchedule, OnlyTheNewestReplyEndsSuspicion) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));
    sched.record_sent(1, t0);
    sched.record_sent(2, t0 + milliseconds(250));
    sched.record_reply(1);
    EXPECT_TRUE(sched.suspicious());
    sched.record_reply(2);
    EXPECT_FALSE(sched.suspicious());
}

TEST(ProbeSchedule, ReprobesStopAtTheRateCap) {
    ProbeSettings s;  // 5 per second
    ProbeScheduler sched(s, t0, constant(0.5));
    TimePoint now = t0;
    std::vector<TimePoint> sent;
    for (std::uint16_t seq = 1; seq <= 12; ++seq) {  // nothing ever answers
        now = std::max(now, sched.next_due(std::nullopt));
        sched.record_sent(seq, now);
        sent.push_back(now);
    }
    // 100 ms apart until 5 are out, then each waits for the oldest to age 1 s.
    EXPECT_EQ(sent[4] - sent[0], milliseconds(400));
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
        now = sched.next_due(std::nullopt);
        sched.record_sent(seq, now);
        sched.record_reply(seq);
    }
    EXPECT_EQ(kinds, "UUUUUUURUUUUUUURUUUUUUUR");
}

TEST(ProbeSchedule, SuspicionReprobesGoUpstream) {
    ProbeSettings s;
    ProbeScheduler sched(s, t0, constant(0.5));
    TimePoint now = t0;
    for (std::uint16_t seq = 1; seq <= 7; ++seq) {
        sched.record_sent(seq, now);
        sched.record_reply(seq);
        now += milliseconds(250);
    }
    EXPECT_EQ(sched.next_kind(true, true), Kind::Router);  // 8th steady probe
    sched.record_sent(8, now);
    EXPECT_EQ(sched.next_kind(true, true), Kind::Upstream);  // 8 unanswered
    sched.record_sent(9, now + milliseconds(100));
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
