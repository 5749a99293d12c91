// Backoff (policy/backoff.hpp): 1 s doubling to 60 s, reset by a success.
#include "backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace multi6d {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, DoublesFromFirstUpToMax) {
    Backoff backoff(seconds(1), seconds(60));
    EXPECT_EQ(backoff.current(), milliseconds(0));
    std::vector<milliseconds> delays;
    for (int i = 0; i < 9; ++i) {
        delays.push_back(backoff.next());
    }
    EXPECT_EQ(delays, (std::vector<milliseconds>{seconds(1), seconds(2), seconds(4), seconds(8),
                                                 seconds(16), seconds(32), seconds(60), seconds(60),
                                                 seconds(60)}));
    EXPECT_EQ(backoff.current(), seconds(60));
}

TEST(Backoff, SuccessStartsAgainAtFirst) {
    Backoff backoff(seconds(1), seconds(60));
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    EXPECT_EQ(backoff.current(), milliseconds(0));
    EXPECT_EQ(backoff.next(), seconds(1));
    EXPECT_EQ(backoff.next(), seconds(2));
}

TEST(Backoff, MaxBelowTwiceFirstCapsTheSecondDelay) {
    Backoff backoff(milliseconds(700), seconds(1));
    EXPECT_EQ(backoff.next(), milliseconds(700));
    EXPECT_EQ(backoff.next(), seconds(1));
    EXPECT_EQ(backoff.next(), seconds(1));
}

}  // namespace
}  // namespace multi6d
