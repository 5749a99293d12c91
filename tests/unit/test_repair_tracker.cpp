// RepairTracker: repair lines, fight detection and back-off (fake clock).
#include "repair_tracker.hpp"

#include <gtest/gtest.h>

namespace multi6d {
namespace {

using std::chrono::seconds;
const RepairClock::time_point t0 = RepairClock::time_point{} + std::chrono::hours(1);

RepairVerdict remove(RepairTracker& t, const std::string& key, RepairClock::time_point now) {
    return t.removed(key, key, "removed", "another program or an administrator", now);
}

TEST(RepairTracker, ThreeRemovalsInAWindowAreRepairsTheFourthAConflict) {
    RepairTracker t;
    for (int i = 0; i < 3; ++i) {
        const auto v = remove(t, "rule 6601", t0 + seconds(i));
        EXPECT_TRUE(v.restore_now);
        ASSERT_TRUE(v.log_line);
        EXPECT_EQ(*v.log_line, "rule 6601 removed by someone else; restored");
        EXPECT_FALSE(v.conflict);
    }
    const auto fourth = remove(t, "rule 6601", t0 + seconds(3));
    EXPECT_FALSE(fourth.restore_now);
    EXPECT_TRUE(fourth.conflict);
    ASSERT_TRUE(fourth.log_line);
    EXPECT_NE(fourth.log_line->find("another program or an administrator"), std::string::npos);
    EXPECT_TRUE(t.held("rule 6601", t0 + seconds(3)));
    EXPECT_FALSE(t.held("rule 6601", t0 + seconds(4)));
    EXPECT_FALSE(t.held("rule 6602", t0 + seconds(3)));  // per object
    // Further removals: silent, hold-off doubles up to 64 s.
    auto now = t0 + seconds(4);
    for (const int expected : {2, 4, 8, 16, 32, 64, 64}) {
        const auto v = remove(t, "rule 6601", now);
        EXPECT_FALSE(v.log_line);
        EXPECT_FALSE(v.restore_now);
        EXPECT_EQ(t.next_hold_end(now), now + seconds(expected));
        now += seconds(expected);
    }
}

TEST(RepairTracker, RemovalsSpreadBeyondTheWindowAreNoFight) {
    RepairTracker t;
    for (int i = 0; i < 10; ++i) {
        const auto v = remove(t, "label 2000::/3", t0 + seconds(21 * i));
        EXPECT_TRUE(v.restore_now);
        EXPECT_FALSE(v.conflict);
    }
    EXPECT_EQ(t.fights(), 0U);
}

}  // namespace
}  // namespace multi6d
