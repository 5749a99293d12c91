// log::RateLimit (sys/log.hpp): journald-style limits for lines that an
// unprivileged caller or a routine event can repeat (issue 16, finding 6).
#include "log.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace multi6d::log {
namespace {

using namespace std::chrono_literals;
using Clock = RateLimit::Clock;

TEST(RateLimit, LetsABurstThroughThenCountsWhatItDrops) {
    RateLimit limit("test", 30s, 10);
    const Clock::time_point t0{};
    std::uint64_t suppressed = 0;
    int allowed = 0;
    for (int i = 0; i < 2000; ++i) {
        allowed += limit.allow(t0 + std::chrono::milliseconds(i), suppressed) ? 1 : 0;
        EXPECT_EQ(suppressed, 0U);
    }
    EXPECT_EQ(allowed, 10);
    // The next interval: the first line through says how many were dropped.
    EXPECT_TRUE(limit.allow(t0 + 30s, suppressed));
    EXPECT_EQ(suppressed, 1990U);
    EXPECT_TRUE(limit.allow(t0 + 31s, suppressed));
    EXPECT_EQ(suppressed, 0U);
}

TEST(RateLimit, AQuietSourceIsNeverLimited) {
    RateLimit limit("test", 30s, 10);
    std::uint64_t suppressed = 0;
    for (int i = 0; i < 100; ++i) {
        EXPECT_TRUE(limit.allow(Clock::time_point{} + i * 5s, suppressed));
        EXPECT_EQ(suppressed, 0U);
    }
}

}  // namespace
}  // namespace multi6d::log
