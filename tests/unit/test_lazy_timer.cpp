// EventLoop::add_lazy_timer on the real sd-event loop: it runs at a wake-up
// the loop has for another reason once `earliest` has come, and on its own
// only at `latest` (issue 14: housekeeping rides on the probe schedule's
// wake-ups). Every assertion is about order and the loop's clock, not about
// how long anything took.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "event_loop.hpp"

namespace multi6d {
namespace {

using namespace std::chrono_literals;

TEST(LazyTimer, RunsAtTheNextWakeUpAfterEarliestNotAtItsLatest) {
    SdEventLoop loop;
    const MonotonicTime start = loop.now();
    std::vector<int> order;
    MonotonicTime lazy_at{};
    // Due at once, but nothing wakes the loop before the timer at +20 ms.
    EventSource lazy = loop.add_lazy_timer(start, start + 60s, [&] {
        order.push_back(2);
        lazy_at = loop.now();
        loop.exit(0);
    });
    EventSource other = loop.add_timer(start + 20ms, [&] { order.push_back(1); });
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_LT(lazy_at, start + 60s);  // not the backstop
}

TEST(LazyTimer, WaitsForAWakeUpAtOrAfterEarliest) {
    SdEventLoop loop;
    const MonotonicTime start = loop.now();
    std::vector<int> order;
    MonotonicTime lazy_at{};
    EventSource lazy = loop.add_lazy_timer(start + 40ms, start + 60s, [&] {
        order.push_back(3);
        lazy_at = loop.now();
        loop.exit(0);
    });
    EventSource before = loop.add_timer(start + 5ms, [&] { order.push_back(1); });
    EventSource after = loop.add_timer(start + 80ms, [&] { order.push_back(2); });
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    EXPECT_GE(lazy_at, start + 40ms);
    EXPECT_LT(lazy_at, start + 60s);
}

TEST(LazyTimer, WakesTheLoopItselfAtLatestWhenNothingElseDoes) {
    SdEventLoop loop;
    const MonotonicTime start = loop.now();
    int runs = 0;
    MonotonicTime lazy_at{};
    EventSource lazy = loop.add_lazy_timer(start + 10ms, start + 30ms, [&] {
        ++runs;
        lazy_at = loop.now();
    });
    EventSource end = loop.add_timer(start + 100ms, [&] { loop.exit(0); });
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(runs, 1);  // once: the end timer's wake-up does not run it again
    EXPECT_GE(lazy_at, start + 30ms);
}

TEST(LazyTimer, RemovedBeforeItsTimeNeverRuns) {
    SdEventLoop loop;
    const MonotonicTime start = loop.now();
    int runs = 0;
    EventSource lazy = loop.add_lazy_timer(start, start + 10ms, [&] { ++runs; });
    EventSource drop = loop.add_defer([&] { lazy.reset(); });
    EventSource end = loop.add_timer(start + 50ms, [&] { loop.exit(0); });
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(runs, 0);
}

TEST(LazyTimer, MayArmItsSuccessorFromItsCallback) {
    SdEventLoop loop;
    const MonotonicTime start = loop.now();
    int runs = 0;
    EventSource lazy;
    std::function<void()> tick = [&] {
        if (++runs == 3) {
            loop.exit(0);
            return;
        }
        lazy = loop.add_lazy_timer(loop.now() + 5ms, loop.now() + 10ms, tick);
    };
    lazy = loop.add_lazy_timer(start, start + 10ms, tick);
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(runs, 3);
}

}  // namespace
}  // namespace multi6d
