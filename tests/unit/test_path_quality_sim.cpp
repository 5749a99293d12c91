// Scheduler + monitor together, probes at the real schedule on a fake
// clock over a simulated network (path_sim.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "path_sim.hpp"

namespace multi6d::test {
namespace {

using std::chrono::seconds;
using Kind = ProbeTargetKind;

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// Per-direction loss that makes a probe (request + reply) lost with probability p.
double per_direction(double p) {
    return 1.0 - std::sqrt(1.0 - p);
}

std::string changes_text(const std::vector<HealthTransition>& changes) {
    std::string s;
    for (const auto& c : changes) {
        s += std::string(health_name(c.from)) + "→" + std::string(health_name(c.to)) + " (" +
             c.reason + ") at " + std::to_string(ms(c.at - t0)) + " ms\n";
    }
    return s;
}

TEST(PathQualitySim, NewPathIsUpAfterItsFirstReply) {
    PathSim sim({}, 1);
    sim.run_until(t0 + seconds(1));
    ASSERT_FALSE(sim.transitions.empty());
    EXPECT_EQ(sim.transitions[0].to, PathHealth::Up);
    EXPECT_LE(sim.transitions[0].at, t0 + milliseconds(25) + sim.upstream_rtt);
    EXPECT_EQ(sim.transitions.size(), 1U);
}

// Issue 13: timeouts alone are no evidence against a path that never
// answered (policy/path_evidence.hpp needs evidence to take it down).
TEST(PathQualitySim, NewSilentPathStaysUnknown) {
    PathSim sim({}, 2);
    sim.carries = [](TimePoint, Kind) { return false; };
    sim.run_until(t0 + seconds(10));
    EXPECT_TRUE(sim.transitions.empty()) << changes_text(sim.transitions);
}

// Cuts a healthy path at `cut` (upstream only, or the first hop too) and
// returns how long it took to go down.
Clock::duration detection_time(std::uint64_t seed, Clock::duration phase, bool first_hop) {
    PathSim sim({}, seed);
    const TimePoint cut = t0 + seconds(10) + phase;
    sim.carries = [cut, first_hop](TimePoint t, Kind kind) {
        return t < cut || (!first_hop && kind == Kind::Router);
    };
    sim.run_until(cut + seconds(5));
    for (const auto& c : sim.transitions) {
        if (c.to == PathHealth::Down) {
            return c.at - cut;
        }
    }
    return seconds(5);
}

TEST(PathQualitySim, DetectionTimeAtDefaults) {
    // Cuts spread over 4 s, so every position in the 1-in-8 router rotation
    // is hit. path_quality.hpp: ~260 ms on average when the first hop dies,
    // ~290 ms when only the upstream does (a router probe may take the first
    // slot after the cut), at most ~0.66 s.
    for (const bool first_hop : {false, true}) {
        Clock::duration total{};
        Clock::duration worst{};
        const int runs = 400;
        for (int i = 0; i < runs; ++i) {
            const auto d = detection_time(100 + i, milliseconds(i * 4000 / runs), first_hop);
            total += d;
            worst = std::max(worst, d);
        }
        const double mean = ms(total) / runs;
        EXPECT_LT(mean, 320.0) << "first_hop=" << first_hop;
        EXPECT_GT(mean, 220.0) << "first_hop=" << first_hop;
        EXPECT_LT(worst, first_hop ? milliseconds(450) : milliseconds(700))
            << "first_hop=" << first_hop;
    }
}

TEST(PathQualitySim, FlappingEvery500msChangesStateAtMostFourTimes) {
    for (const bool ends_up : {true, false}) {
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            PathSim sim({}, seed);
            const TimePoint start = t0 + seconds(10);
            const TimePoint stop = start + seconds(30);
            sim.carries = [&](TimePoint t, Kind) {
                if (t < start) {
                    return true;
                }
                if (t >= stop) {
                    return ends_up;
                }
                return ((t - start) / milliseconds(500)) % 2 == 1;  // off first
            };
            sim.run_until(stop + seconds(30));
            // The first change is unknown → up; count what the flapping caused.
            ASSERT_GE(sim.transitions.size(), 1U);
            const auto caused = sim.transitions.size() - 1;
            EXPECT_LE(caused, 4U) << "seed " << seed << "\n" << changes_text(sim.transitions);
            EXPECT_GE(caused, 1U) << "seed " << seed;  // it noticed
            EXPECT_EQ(sim.monitor.state(), ends_up ? PathHealth::Up : PathHealth::Down)
                << "seed " << seed << "\n"
                << changes_text(sim.transitions);
        }
    }
}

// Shorter than two timeouts (the 50 ms floor) less the RTT (20 ms; a probe
// sent up to an RTT before the burst loses its reply): at most two probes in
// a row fall into it. Longer silences are outages now: at the defaults a path is
// down after three timeouts in a row, ~150 ms of silence on a LAN (the
// price of detecting a cut in ~0.3 s; up again takes up_after_ms).
TEST(PathQualitySim, ShortBurstIsNoOutage) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        PathSim sim({}, seed);
        const TimePoint burst = t0 + seconds(10);
        sim.carries = [&](TimePoint t, Kind) { return t < burst || t >= burst + milliseconds(75); };
        sim.run_until(t0 + seconds(30));
        EXPECT_EQ(sim.transitions.size(), 1U) << changes_text(sim.transitions);
        EXPECT_EQ(sim.monitor.state(), PathHealth::Up);
    }
}

TEST(PathQualitySim, LongBurstIsAnOutageAndRecoveryWaitsForTheDuration) {
    PathSim sim({}, 3);
    const TimePoint burst = t0 + seconds(10);
    const TimePoint back = burst + seconds(2);
    sim.carries = [&](TimePoint t, Kind) { return t < burst || t >= back; };
    sim.run_until(t0 + seconds(30));
    ASSERT_EQ(sim.transitions.size(), 3U) << changes_text(sim.transitions);
    EXPECT_EQ(sim.transitions[1].to, PathHealth::Down);
    EXPECT_LT(sim.transitions[1].at, burst + seconds(1));
    EXPECT_EQ(sim.transitions[2].to, PathHealth::Up);
    // up_after_duration (3 s) after the first reply reported after the last
    // loss; that loss is reported ≤ timeout after `back`, the next probe goes
    // ≤ one interval later: back + 3 s ≤ up < back + 3 s + 300 + 250 + 2·RTT + one gap.
    EXPECT_GE(sim.transitions[2].at, back + seconds(3));
    EXPECT_LT(sim.transitions[2].at, back + milliseconds(3900));
}

TEST(PathQualitySim, FortyPercentLossIsNoticed) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        PathSim sim({}, seed);
        sim.run_until(t0 + seconds(5));
        ASSERT_EQ(sim.monitor.state(), PathHealth::Up);
        sim.loss_per_direction = per_direction(0.4);
        sim.run_until(t0 + seconds(35));
        EXPECT_NE(sim.monitor.state(), PathHealth::Up) << "seed " << seed << "\n"
                                                       << changes_text(sim.transitions);
        // Once noticed, it stays noticed: no flapping back to up.
        const auto n = sim.transitions.size();
        sim.run_until(t0 + seconds(95));
        EXPECT_NE(sim.monitor.state(), PathHealth::Up) << "seed " << seed;
        EXPECT_LE(sim.transitions.size(), n + 2) << changes_text(sim.transitions);
    }
}

TEST(PathQualitySim, TwoPercentLossPerDirectionChangesNothingInThreeMinutes) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        PathSim sim({}, seed);
        sim.loss_per_direction = 0.02;
        sim.run_until(t0 + seconds(180));
        EXPECT_EQ(sim.transitions.size(), 1U) << "seed " << seed << "\n"
                                              << changes_text(sim.transitions);
        // The loss was really there: ~3.96% of probes.
        EXPECT_GT(sim.sent.size(), 700U);
        const double lost = static_cast<double>(sim.losses) / (sim.losses + sim.replies);
        EXPECT_GT(lost, 0.02) << "seed " << seed;
        EXPECT_LT(lost, 0.065) << "seed " << seed;
    }
}

// Counts sends per 1 s: every sliding window [t, t + 1 s) starting at a
// send, and every aligned second.
void expect_rate_capped(const std::vector<PathSim::Sent>& sent, unsigned cap) {
    std::size_t j = 0;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        while (j < sent.size() && sent[j].at < sent[i].at + seconds(1)) {
            ++j;
        }
        ASSERT_LE(j - i, cap) << "window from " << ms(sent[i].at - t0) << " ms";
    }
    std::map<long long, unsigned> per_second;
    for (const auto& s : sent) {
        ++per_second[std::chrono::duration_cast<seconds>(s.at - t0).count()];
    }
    for (const auto& [second, n] : per_second) {
        ASSERT_LE(n, cap) << "second " << second;
    }
}

TEST(PathQualitySim, RateCapHoldsOverAnHourOfTrouble) {
    PathSim sim({}, 11);
    sim.loss_per_direction = 0.15;  // many re-probes
    sim.carries = [](TimePoint t, Kind) {
        return ((t - t0) / seconds(20)) % 3 != 2;  // dead one third of the time
    };
    sim.run_until(t0 + seconds(3600));
    expect_rate_capped(sim.sent, 10);
    EXPECT_GT(sim.sent.size(), 3600U * 4);  // it did re-probe beyond the steady rate
}

TEST(PathQualitySim, RateCapHoldsWithAShortInterval) {
    ProbeSettings s;
    s.interval = milliseconds(50);
    s.max_rate_per_path = 7;
    PathSim sim(s, 12);
    sim.loss_per_direction = 0.1;
    sim.run_until(t0 + seconds(600));
    expect_rate_capped(sim.sent, 7);
    EXPECT_GT(sim.sent.size(), 600U * 7 - 10);  // the cap, not the interval, is binding
}

TEST(PathQualitySim, RouterProbesAreAnEighthWhenHealthy) {
    PathSim sim({}, 13);
    sim.run_until(t0 + seconds(100));
    std::size_t router = 0;
    for (const auto& s : sim.sent) {
        router += s.kind == Kind::Router ? 1 : 0;
    }
    EXPECT_NEAR(static_cast<double>(router) / sim.sent.size(), 0.125, 0.005);
}

}  // namespace
}  // namespace multi6d::test
