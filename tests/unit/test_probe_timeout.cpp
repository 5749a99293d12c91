// The adaptive probe timeout (policy/probe_timeout.hpp): the formula, and
// on simulated probe streams (fake clock, seeded jitter) the rate of
// replies it times out spuriously and how it follows a rising RTT.
#include "probe_timeout.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "path_quality.hpp"
#include "policy_test_util.hpp"

namespace multi6d::test {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

RttEstimate estimate(milliseconds srtt, milliseconds rttvar) {
    return RttEstimate{srtt, rttvar, srtt, 10};
}

TEST(ProbeTimeout, CapBeforeTheFirstReply) {
    ProbeSettings s;  // timeout 300 ms, min_timeout 50 ms
    EXPECT_EQ(probe_timeout(s, std::nullopt), milliseconds(300));
}

TEST(ProbeTimeout, RtoClampedToFloorAndCap) {
    ProbeSettings s;
    // LAN: 1 + max(10, 4, 1) = 11 ms, raised to the 50 ms floor.
    EXPECT_EQ(probe_timeout(s, estimate(milliseconds(1), milliseconds(1))), milliseconds(50));
    // 40 + max(10, 4·10, 40) = 80 ms.
    EXPECT_EQ(probe_timeout(s, estimate(milliseconds(40), milliseconds(10))), milliseconds(80));
    // 30 + 4·20 = 110 ms: the variance term.
    EXPECT_EQ(probe_timeout(s, estimate(milliseconds(30), milliseconds(20))), milliseconds(110));
    // 100 + max(10, 40, 100) = 200 ms: never below twice SRTT.
    EXPECT_EQ(probe_timeout(s, estimate(milliseconds(100), milliseconds(10))), milliseconds(200));
    // 200 + max(10, 40, 200) = 400 ms: capped at timeout_ms.
    EXPECT_EQ(probe_timeout(s, estimate(milliseconds(200), milliseconds(10))), milliseconds(300));
}

TEST(ProbeTimeout, FloorAboveCapMeansFixedTimeout) {
    ProbeSettings s;
    s.timeout = milliseconds(40);
    s.min_timeout = milliseconds(50);
    EXPECT_EQ(probe_timeout(s, estimate(milliseconds(1), milliseconds(1))), milliseconds(40));
    EXPECT_EQ(probe_timeout(s, std::nullopt), milliseconds(40));
}

TEST(ProbeTimeout, TunedSettingsOnALan) {
    ProbeSettings s;  // tests/bench/failover-tuned.toml
    s.interval = milliseconds(50);
    s.timeout = milliseconds(60);
    s.min_timeout = milliseconds(20);
    EXPECT_EQ(probe_timeout(s, estimate(milliseconds(1), milliseconds(1))), milliseconds(20));
}

// RFC 6298 §2.3 alone, K = 4, G = 10 ms, for comparison.
Clock::duration rfc6298_only(const ProbeSettings& s, const std::optional<RttEstimate>& rtt) {
    if (!rtt) {
        return s.timeout;
    }
    const Clock::duration rto =
        rtt->srtt + std::max<Clock::duration>(milliseconds(10), 4 * rtt->rttvar);
    return std::clamp<Clock::duration>(rto, s.min_timeout, s.timeout);
}

// A path answering every probe after base + Exp(mean jitter), one probe per
// interval on a fake clock; replies later than the timeout are late (the
// prober reports them lost, then as late replies up to timeout_ms, which
// still feed the estimate). Returns the fraction timed out.
double spurious_rate(const ProbeSettings& s, microseconds base, microseconds jitter, int probes,
                     std::uint64_t seed,
                     Clock::duration (*timeout_of)(const ProbeSettings&,
                                                   const std::optional<RttEstimate>&)) {
    PathMonitor monitor(s);
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> extra(1.0 / static_cast<double>(jitter.count()));
    const Address target = addr("2001:db8:ff::53");
    TimePoint now = t0;
    int late = 0;
    for (int i = 0; i < probes; ++i) {
        const auto timeout = timeout_of(s, monitor.rtt(ProbeTargetKind::Upstream));
        const auto rtt = base + microseconds(static_cast<long>(extra(rng)));
        if (rtt <= timeout) {
            monitor.record_reply(ProbeTargetKind::Upstream, target, rtt, now + rtt);
        } else {
            ++late;
            monitor.record_loss(ProbeTargetKind::Upstream, target, now + timeout);
            if (rtt <= s.timeout) {
                monitor.record_late_reply(ProbeTargetKind::Upstream, rtt);
            }
        }
        now += s.interval;
    }
    return static_cast<double>(late) / probes;
}

// Printed as it runs (seeded, so the same every time); the test asserts a
// margin above each. At 20 ms + Exp(10 ms) the 50 ms floor decides; above
// the floor, the SRTT term is what keeps skewed jitter from timing out:
// RFC 6298's formula alone times out several percent of those replies.
TEST(ProbeTimeout, SpuriousTimeoutsOnJitteryPaths) {
    const ProbeSettings s;
    const int n = 20000;  // ~83 min at 4 probes/s
    struct Case {
        const char* name;
        microseconds base, jitter;
        double at_most;
    };
    const Case cases[] = {
        {"1 ms + Exp(0.5 ms)", microseconds(1000), microseconds(500), 0.0},
        {"20 ms + Exp(2 ms)", milliseconds(20), milliseconds(2), 0.0},
        {"20 ms + Exp(10 ms)", milliseconds(20), milliseconds(10), 0.04},
        {"100 ms + Exp(10 ms)", milliseconds(100), milliseconds(10), 0.001},
        {"150 ms + Exp(20 ms)", milliseconds(150), milliseconds(20), 0.002},
        {"100 ms + Exp(30 ms)", milliseconds(100), milliseconds(30), 0.02},
    };
    std::uint64_t seed = 1;
    for (const Case& c : cases) {
        const double rate = spurious_rate(s, c.base, c.jitter, n, seed, probe_timeout);
        const double rfc = spurious_rate(s, c.base, c.jitter, n, seed, rfc6298_only);
        std::printf("  %-20s timed out: %.4f (RFC 6298 alone: %.4f)\n", c.name, rate, rfc);
        EXPECT_LE(rate, c.at_most) << c.name;
        ++seed;
    }
    EXPECT_GT(spurious_rate(s, milliseconds(100), milliseconds(10), n, 4, rfc6298_only), 0.02);
}

// The RTT jumps from 1 ms to 120 ms (a new upstream route, a full queue),
// above the 50 ms the LAN estimate allowed: the first replies are late, but
// as late replies they end every loss streak and feed the estimate, so the
// path never goes down and replies are in time again after a few probes.
TEST(ProbeTimeout, FollowsARisingRttThroughLateReplies) {
    const ProbeSettings s;
    PathMonitor monitor(s);
    const Address target = addr("2001:db8:ff::53");
    TimePoint now = t0;
    auto probe = [&](Clock::duration rtt) {
        const auto timeout = probe_timeout(s, monitor.rtt());
        if (rtt <= timeout) {
            monitor.record_reply(ProbeTargetKind::Upstream, target, rtt, now + rtt);
        } else {
            monitor.record_loss(ProbeTargetKind::Upstream, target, now + timeout);
            monitor.record_late_reply(ProbeTargetKind::Upstream, rtt);
        }
        now += s.interval;
        return rtt <= timeout;
    };
    for (int i = 0; i < 40; ++i) {
        ASSERT_TRUE(probe(milliseconds(1)));
    }
    int late = 0;
    for (int i = 0; i < 40; ++i) {
        late += probe(milliseconds(120)) ? 0 : 1;
        ASSERT_NE(monitor.state(), PathHealth::Down) << "after " << i + 1 << " slow replies";
    }
    EXPECT_LE(late, 3);
    EXPECT_GE(probe_timeout(s, monitor.rtt()), milliseconds(120));
}

// Without the late replies the same step would be an outage: every reply
// times out and the estimate never moves (the reason they are kept).
TEST(ProbeTimeout, WithoutLateRepliesARisingRttLooksLikeACut) {
    const ProbeSettings s;
    PathMonitor monitor(s);
    const Address target = addr("2001:db8:ff::53");
    TimePoint now = t0;
    for (int i = 0; i < 40; ++i) {
        monitor.record_reply(ProbeTargetKind::Upstream, target, milliseconds(1), now);
        now += s.interval;
    }
    for (int i = 0; i < 3; ++i) {
        ASSERT_LT(probe_timeout(s, monitor.rtt()), milliseconds(120));
        monitor.record_loss(ProbeTargetKind::Upstream, target, now);
        now += s.interval;
    }
    EXPECT_EQ(monitor.state(), PathHealth::Down);
}

}  // namespace
}  // namespace multi6d::test
