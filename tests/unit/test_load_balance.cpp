// Slices, apportionment and the stable dealing of slices to uplinks.
#include "load_balance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using test::addr;
using test::pfx;

std::map<std::string, unsigned> counts(const std::map<Prefix, std::string>& owners) {
    std::map<std::string, unsigned> n;
    for (const auto& [slice, name] : owners) {
        ++n[name];
    }
    return n;
}

TEST(LoadBalance, SplitsIntoEqualDisjointSlicesInOrder) {
    const auto slices = split_prefix(pfx("2000::/3"), 4);
    ASSERT_EQ(slices.size(), 16U);
    EXPECT_EQ(slices.front(), pfx("2000::/7"));
    EXPECT_EQ(slices[1], pfx("2200::/7"));
    EXPECT_EQ(slices[5], pfx("2a00::/7"));
    EXPECT_EQ(slices.back(), pfx("3e00::/7"));
    // Every address of the range is in exactly one slice.
    for (const char* a : {"2000::", "2001:db8::1", "2a00:1450::1", "3fff:ffff::ffff", "3000::"}) {
        EXPECT_EQ(
            std::ranges::count_if(slices, [&](const Prefix& s) { return s.contains(addr(a)); }), 1)
            << a;
    }
    // Bits past a byte boundary.
    EXPECT_EQ(split_prefix(pfx("2001:db8::/32"), 4)[9], pfx("2001:db8:9000::/36"));
    EXPECT_EQ(split_prefix(pfx("2001:db8:0:1::/61"), 3)[7], pfx("2001:db8:0:7::/64"));
    EXPECT_EQ(split_prefix(pfx("2001:db8::/124"), 4)[15], pfx("2001:db8::f/128"));
}

TEST(LoadBalance, LargestRemainderApportionment) {
    EXPECT_EQ(apportion({3, 1}, 16), (std::vector<unsigned>{12, 4}));
    EXPECT_EQ(apportion({2, 1, 1}, 16), (std::vector<unsigned>{8, 4, 4}));
    // 5.33 each: the one seat left goes to the lowest index.
    EXPECT_EQ(apportion({1, 1, 1}, 16), (std::vector<unsigned>{6, 5, 5}));
    // 10.67 and 5.33: the larger remainder wins the 16th seat.
    EXPECT_EQ(apportion({2, 1}, 16), (std::vector<unsigned>{11, 5}));
    // Equal remainders: the larger weight first.
    EXPECT_EQ(apportion({1, 3}, 2), (std::vector<unsigned>{0, 2}));
    EXPECT_EQ(apportion({3, 5}, 1), (std::vector<unsigned>{0, 1}));
    EXPECT_EQ(apportion({1000, 1}, 16), (std::vector<unsigned>{16, 0}));
    EXPECT_EQ(apportion({0, 0}, 16), (std::vector<unsigned>{0, 0}));
    EXPECT_EQ(apportion({}, 16), std::vector<unsigned>{});
    // Always all seats, each within one of its exact share.
    for (unsigned a = 1; a <= 20; ++a) {
        for (unsigned b = 0; b <= 20; ++b) {
            for (unsigned c = 0; c <= 5; ++c) {
                const auto seats = apportion({a, b, c}, 16);
                EXPECT_EQ(std::accumulate(seats.begin(), seats.end(), 0U), 16U);
                const double total = a + b + c;
                EXPECT_LT(std::abs(seats[0] - 16 * a / total), 1.0);
                EXPECT_LT(std::abs(seats[1] - 16 * b / total), 1.0);
                EXPECT_LT(std::abs(seats[2] - 16 * c / total), 1.0);
            }
        }
    }
}

TEST(LoadBalance, DealsSharesInterleavedAndDeterministically) {
    const auto slices = split_prefix(pfx("2000::/3"), 4);
    const auto owners = assign_slices(slices, {{"isp-a", 3}, {"isp-b", 1}}, {});
    EXPECT_EQ(counts(owners), (std::map<std::string, unsigned>{{"isp-a", 12}, {"isp-b", 4}}));
    EXPECT_EQ(assign_slices(slices, {{"isp-a", 3}, {"isp-b", 1}}, {}), owners);
    // Not one block: isp-b's four slices are not all adjacent.
    std::vector<std::size_t> b_slices;
    for (std::size_t i = 0; i < slices.size(); ++i) {
        if (owners.at(slices[i]) == "isp-b") {
            b_slices.push_back(i);
        }
    }
    ASSERT_EQ(b_slices.size(), 4U);
    EXPECT_NE(b_slices.back() - b_slices.front(), 3U);
    EXPECT_TRUE(assign_slices(slices, {}, owners).empty());
}

TEST(LoadBalance, PreviousOwnersKeepTheirSlicesWithinTheirShare) {
    const auto slices = split_prefix(pfx("2000::/3"), 4);
    const auto both = assign_slices(slices, {{"a", 3}, {"b", 1}}, {});
    // b goes: a keeps its 12 and takes b's 4.
    const auto only_a = assign_slices(slices, {{"a", 3}}, both);
    EXPECT_EQ(counts(only_a), (std::map<std::string, unsigned>{{"a", 16}}));
    // b is back: b's 4 come from a's 16 and a keeps the other 12; so exactly
    // 4 slices move, the least the new shares allow.
    const auto back = assign_slices(slices, {{"a", 3}, {"b", 1}}, only_a);
    EXPECT_EQ(counts(back), (std::map<std::string, unsigned>{{"a", 12}, {"b", 4}}));
}

// Property: after any change of the set or the weights, the number of
// slices that change owner is the least the new shares allow: the slices
// of uplinks that left, plus what staying uplinks hold beyond their new share.
TEST(LoadBalance, AChangeMovesOnlyWhatTheNewSharesRequire) {
    const auto slices = split_prefix(pfx("2001:db8::/32"), 5);
    const std::vector<std::string> names = {"a", "b", "c", "d", "e"};
    std::uint32_t state = 12345;
    const auto next = [&](std::uint32_t n) {
        state = state * 1103515245U + 12345U;
        return (state >> 16) % n;
    };
    std::map<Prefix, std::string> owners;
    for (int round = 0; round < 300; ++round) {
        std::vector<WeightedUplink> set;
        for (const auto& name : names) {
            if (next(3) != 0) {
                set.push_back({name, 1 + next(5)});
            }
        }
        const auto fresh = assign_slices(slices, set, owners);
        std::vector<unsigned> weights;
        for (const auto& u : set) {
            weights.push_back(u.weight);
        }
        const auto shares = apportion(weights, static_cast<unsigned>(slices.size()));
        auto held = counts(owners);
        std::size_t required = 0;
        std::map<std::string, unsigned> share_of;
        for (std::size_t i = 0; i < set.size(); ++i) {
            share_of[set[i].name] = shares[i];
        }
        for (const auto& [name, n] : held) {
            const unsigned share = share_of.contains(name) ? share_of[name] : 0;
            required += n > share ? n - share : 0;
        }
        std::size_t moved = 0;
        for (const auto& [slice, name] : fresh) {
            auto it = owners.find(slice);
            moved += it != owners.end() && it->second != name;
        }
        ASSERT_EQ(moved, set.empty() ? 0U : required) << "round " << round;
        if (!set.empty()) {
            ASSERT_EQ(fresh.size(), slices.size());
            auto got = counts(fresh);
            for (const auto& [name, share] : share_of) {
                ASSERT_EQ(got[name], share) << "round " << round << " " << name;
            }
        }
        owners = fresh;
    }
}

}  // namespace
}  // namespace multi6d
