// IdleTrim (sys/idle_trim.hpp): one trim after a burst of work has ended,
// none while it goes on, none when there never was any.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "fake_loop.hpp"
#include "idle_trim.hpp"

namespace multi6d {
namespace {

using namespace std::chrono_literals;

struct IdleTrimTest : ::testing::Test {
    test::FakeLoop loop;
    std::uint64_t calls = 0;
    int trims = 0;
    IdleTrim trim{loop, [this] { return calls; }, 5000ms, [this] { ++trims; }};
};

TEST_F(IdleTrimTest, NeverTrimsWithoutWork) {
    loop.advance(10min);
    EXPECT_EQ(trims, 0);
}

TEST_F(IdleTrimTest, TrimsOnceAfterABurstHasStopped) {
    calls += 20000;
    loop.advance(10min);
    EXPECT_EQ(trims, 1);
    EXPECT_EQ(trim.trims(), 1u);
}

TEST_F(IdleTrimTest, WaitsWhileCallsKeepComing) {
    for (int i = 0; i < 100; ++i) {
        ++calls;
        loop.advance(1s);
    }
    // Nothing else wakes this loop, so it looked every 50 s (10 periods,
    // the backstop) and saw new calls each time.
    EXPECT_EQ(trims, 0);
    loop.advance(10min);
    EXPECT_EQ(trims, 1);
}

TEST_F(IdleTrimTest, TrimsAgainAfterTheNextBurst) {
    calls += 10;
    loop.advance(10min);
    calls += 10;
    loop.advance(10min);
    EXPECT_EQ(trims, 2);
}

}  // namespace
}  // namespace multi6d
