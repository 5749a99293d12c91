// The sequential loss test (policy/loss_sprt.hpp) on seeded Bernoulli
// streams of probe outcomes: the error rates its header claims.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <vector>

#include "loss_sprt.hpp"

namespace multi6d {
namespace {

// Per-probe loss for a loss rate per direction (request or reply lost).
double per_probe(double per_direction) {
    return 1 - (1 - per_direction) * (1 - per_direction);
}

// Outcomes until the first Lossy verdict, or nullopt within `limit`.
std::optional<unsigned> probes_to_lossy(double loss, unsigned limit, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::bernoulli_distribution lost(loss);
    LossSprt test;
    for (unsigned n = 1; n <= limit; ++n) {
        if (test.add(lost(rng)) == LossSprt::Verdict::Lossy) {
            return n;
        }
    }
    return std::nullopt;
}

// The bounds and weights in log form (the header's A = 9.20, B = −4.61,
// +1.386, −0.172), as the ratio form holds them.
TEST(LossSprt, WaldBoundsAndWeights) {
    LossSprt test;
    EXPECT_NEAR(std::log(test.upper()), 9.2003, 1e-4);
    EXPECT_NEAR(std::log(test.lower()), -4.6051, 1e-4);
    EXPECT_NEAR(test.upper(), 0.99 / 1e-4, 1e-9);
    EXPECT_NEAR(test.lower(), 1e-2 / (1 - 1e-4), 1e-12);
    test.add(true);
    EXPECT_NEAR(std::log(test.ratio()), 1.3863, 1e-4);
    test.add(false);
    EXPECT_NEAR(std::log(test.ratio()), 1.3863 - 0.1719, 1e-4);
    EXPECT_NEAR(test.ratio(), 4 * 0.80 / 0.95, 1e-12);
    EXPECT_EQ(test.samples(), 2U);
    EXPECT_EQ(test.losses(), 1U);
}

TEST(LossSprt, ParametersFollowTheDegradedThreshold) {
    const auto p = loss_test_parameters(20);
    EXPECT_DOUBLE_EQ(p.p1, 0.20);
    EXPECT_DOUBLE_EQ(p.p0, 0.05);
    EXPECT_DOUBLE_EQ(loss_test_parameters(100).p1, 0.99);  // a reply keeps a finite weight
    EXPECT_DOUBLE_EQ(loss_test_parameters(1).p0, 0.0025);
}

TEST(LossSprt, SevenLossesInARowAreLossyAndTheTestRestarts) {
    LossSprt test;
    // 9.21 / 1.386: the 7th loss crosses A.
    for (int i = 0; i < 6; ++i) {
        ASSERT_EQ(test.add(true), LossSprt::Verdict::Continue) << i;
    }
    EXPECT_EQ(test.add(true), LossSprt::Verdict::Lossy);
    EXPECT_EQ(test.ratio(), 1.0);
    EXPECT_EQ(test.samples(), 0U);
}

TEST(LossSprt, TwentySevenRepliesAreAcceptable) {
    LossSprt test;
    // −4.61 / −0.172 = 26.8
    for (int i = 0; i < 26; ++i) {
        ASSERT_EQ(test.add(false), LossSprt::Verdict::Continue) << i;
    }
    EXPECT_EQ(test.add(false), LossSprt::Verdict::Acceptable);
}

// 40 % loss per direction (64 % per probe), the lab's `lab loss a 40`:
// lossy within 24 probes in at least 99 % of 1000 seeded runs.
TEST(LossSprt, FortyPercentPerDirectionIsLossyWithin24ProbesIn99Percent) {
    std::vector<unsigned> n;
    for (std::uint64_t seed = 0; seed < 1000; ++seed) {
        n.push_back(probes_to_lossy(per_probe(0.40), 1000, 1000 + seed).value_or(1000));
    }
    std::sort(n.begin(), n.end());
    EXPECT_LE(n[989], 24U);  // the 990th of 1000
    EXPECT_LE(n[499], 13U);  // median
}

// 40 % per probe: lossy within 48 probes in at least 99 %.
TEST(LossSprt, FortyPercentPerProbeIsLossyWithin48ProbesIn99Percent) {
    std::vector<unsigned> n;
    for (std::uint64_t seed = 0; seed < 1000; ++seed) {
        n.push_back(probes_to_lossy(0.40, 1000, 5000 + seed).value_or(1000));
    }
    std::sort(n.begin(), n.end());
    EXPECT_LE(n[989], 48U);
}

// 2 % loss per direction (3.96 % per probe) for 720 probes (3 minutes at
// 4 probes/s): no lossy verdict in at least 9997 of 10000 seeded runs
// (the header's 0.005 % is 0.5 expected runs).
TEST(LossSprt, TwoPercentPerDirectionRarelyAlarmsOver720Probes) {
    int alarms = 0;
    for (std::uint64_t seed = 0; seed < 10000; ++seed) {
        alarms += probes_to_lossy(per_probe(0.02), 720, 100000 + seed) ? 1 : 0;
    }
    EXPECT_LE(alarms, 3);
}

// The threshold itself, 20 % per probe, is called lossy most of the time
// (β = 1 % per test, the rest come later in the same stream).
TEST(LossSprt, AtP1LossyWithin200ProbesIn99Percent) {
    int found = 0;
    for (std::uint64_t seed = 0; seed < 1000; ++seed) {
        found += probes_to_lossy(0.20, 200, 9000 + seed) ? 1 : 0;
    }
    EXPECT_GE(found, 990);
}

}  // namespace
}  // namespace multi6d
