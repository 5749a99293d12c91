// Ranking (source, destination) pairs: RFC 6724 with path performance in
// place of source Rule 8 and destination Rules 9–10 (policy/ranking.hpp).
#include "ranking.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "rfc6724_test_util.hpp"

namespace multi6d {
namespace {

using std::chrono::microseconds;
using test::addr;
using test::candidate;

PathMetrics metrics(PathHealth state, std::optional<int> rtt_us, std::optional<double> loss = 0.0,
                    unsigned cost = 100, std::optional<int> rttvar_us = std::nullopt) {
    PathMetrics m;
    m.state = state;
    if (rtt_us) {
        m.rtt = microseconds(*rtt_us);
    }
    if (rttvar_us) {
        m.rtt_variation = microseconds(*rttvar_us);
    }
    m.loss = loss;
    m.cost = cost;
    return m;
}

RankCandidate rc(const char* address, std::size_t path, PathMetrics m, test::Flags flags = {}) {
    return RankCandidate{candidate(address, flags), path, m, true, {}};
}

std::vector<Address> addrs(std::initializer_list<const char*> list) {
    std::vector<Address> out;
    for (const char* a : list) {
        out.push_back(addr(a));
    }
    return out;
}

// "source>destination reason" per pair, so a failure shows the whole order.
std::vector<std::string> describe(const std::vector<RankedPair>& pairs,
                                  const std::vector<RankCandidate>& candidates,
                                  const std::vector<Address>& destinations) {
    std::vector<std::string> out;
    for (const RankedPair& p : pairs) {
        out.push_back(candidates[p.candidate].source.address.to_string() + ">" +
                      destinations[p.destination].to_string() + " " + rank_reason_name(p.reason));
    }
    return out;
}

TEST(RankPreference, ParsesTheThreeNamesOnly) {
    EXPECT_EQ(parse_rank_preference("latency"), RankPreference::Latency);
    EXPECT_EQ(parse_rank_preference("cost"), RankPreference::Cost);
    EXPECT_EQ(parse_rank_preference("stability"), RankPreference::Stability);
    EXPECT_EQ(parse_rank_preference("Latency"), std::nullopt);
    EXPECT_EQ(parse_rank_preference(""), std::nullopt);
    for (auto p : {RankPreference::Latency, RankPreference::Cost, RankPreference::Stability}) {
        EXPECT_EQ(parse_rank_preference(rank_preference_name(p)), p);
    }
}

TEST(ComparePathMetrics, StateComesFirstForEveryPreference) {
    const auto up_slow = metrics(PathHealth::Up, 90000, 0.3, 500);
    const auto unknown_fast = metrics(PathHealth::Unknown, 1000, 0.0, 1);
    const auto degraded_fast = metrics(PathHealth::Degraded, 1000, 0.0, 1);
    for (auto p : {RankPreference::Latency, RankPreference::Cost, RankPreference::Stability}) {
        EXPECT_LT(compare_path_metrics(up_slow, unknown_fast, p), 0);
        EXPECT_LT(compare_path_metrics(unknown_fast, degraded_fast, p), 0);
        EXPECT_GT(compare_path_metrics(degraded_fast, up_slow, p), 0);
    }
}

TEST(ComparePathMetrics, EachPreferenceHasItsOwnFirstMetric) {
    // a: fast, lossy, cheap-ish; b: slow, clean, expensive; c: medium, cheapest.
    const auto a = metrics(PathHealth::Up, 5000, 0.10, 200, 4000);
    const auto b = metrics(PathHealth::Up, 40000, 0.0, 300, 100);
    const auto c = metrics(PathHealth::Up, 20000, 0.05, 50, 900);
    EXPECT_LT(compare_path_metrics(a, b, RankPreference::Latency), 0);
    EXPECT_LT(compare_path_metrics(a, c, RankPreference::Latency), 0);
    EXPECT_LT(compare_path_metrics(c, a, RankPreference::Cost), 0);
    EXPECT_LT(compare_path_metrics(c, b, RankPreference::Cost), 0);
    EXPECT_LT(compare_path_metrics(b, c, RankPreference::Stability), 0);
    EXPECT_LT(compare_path_metrics(c, a, RankPreference::Stability), 0);
}

TEST(ComparePathMetrics, TiesFallToTheNextMetric) {
    const auto a = metrics(PathHealth::Up, 5000, 0.01, 100);
    const auto b = metrics(PathHealth::Up, 5000, 0.02, 100);
    EXPECT_LT(compare_path_metrics(a, b, RankPreference::Latency), 0);
    const auto c = metrics(PathHealth::Up, 5000, 0.01, 90);
    EXPECT_GT(compare_path_metrics(a, c, RankPreference::Latency), 0);
    EXPECT_EQ(compare_path_metrics(a, a, RankPreference::Latency), 0);
}

TEST(ComparePathMetrics, UnmeasuredRanksAfterMeasured) {
    const auto measured = metrics(PathHealth::Up, 900000, 0.9);
    const auto unmeasured = metrics(PathHealth::Up, std::nullopt, std::nullopt);
    for (auto p : {RankPreference::Latency, RankPreference::Stability}) {
        EXPECT_LT(compare_path_metrics(measured, unmeasured, p), 0);
    }
    const auto nan_loss = metrics(PathHealth::Up, 900000, std::nan(""));
    EXPECT_LT(compare_path_metrics(measured, nan_loss, RankPreference::Stability), 0);
    EXPECT_EQ(compare_path_metrics(unmeasured, metrics(PathHealth::Up, std::nullopt, std::nan("")),
                                   RankPreference::Stability),
              0);
}

// Irreflexive, asymmetric and transitive over a grid of metrics, with
// transitive incomparability: the properties std::stable_sort relies on.
TEST(ComparePathMetrics, IsAStrictWeakOrder) {
    std::vector<PathMetrics> grid;
    for (auto s : {PathHealth::Up, PathHealth::Unknown, PathHealth::Degraded}) {
        for (std::optional<int> rtt :
             {std::optional<int>(), std::optional<int>(1000), std::optional<int>(9000)}) {
            for (std::optional<double> loss : {std::optional<double>(), std::optional<double>(0.0),
                                               std::optional<double>(0.5)}) {
                // Alternate the cost so ties on the other keys still differ.
                grid.push_back(metrics(s, rtt, loss, grid.size() % 2 == 0 ? 10U : 100U, rtt));
            }
        }
    }
    for (auto p : {RankPreference::Latency, RankPreference::Cost, RankPreference::Stability}) {
        const auto less = [p](const PathMetrics& x, const PathMetrics& y) {
            return compare_path_metrics(x, y, p) < 0;
        };
        for (const auto& a : grid) {
            EXPECT_FALSE(less(a, a));
            for (const auto& b : grid) {
                EXPECT_EQ(compare_path_metrics(a, b, p), -compare_path_metrics(b, a, p));
                for (const auto& c : grid) {
                    if (less(a, b) && less(b, c)) {
                        EXPECT_TRUE(less(a, c));
                    }
                    if (!less(a, b) && !less(b, a) && !less(b, c) && !less(c, b)) {
                        EXPECT_FALSE(less(a, c) || less(c, a));
                    }
                }
            }
        }
    }
}

// Two uplinks whose prefixes share the default table's label: Rules 1–7 tie,
// so the path comparator (Rule 8's replacement) orders the sources.
TEST(RankPairs, PathPerformanceReplacesSourceRule8) {
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 30000)),
        rc("2001:db8:b::100", 1, metrics(PathHealth::Up, 8000)),
    };
    const auto destinations = addrs({"2001:db8:ffff::1"});
    const auto pairs = rank_pairs(candidates, destinations, {});
    EXPECT_EQ(describe(pairs, candidates, destinations),
              (std::vector<std::string>{"2001:db8:b::100>2001:db8:ffff::1 source-8",
                                        "2001:db8:a::100>2001:db8:ffff::1 none"}));

    // Swap the RTTs: the order follows the paths, not the input.
    std::vector<RankCandidate> swapped = candidates;
    std::swap(swapped[0].metrics, swapped[1].metrics);
    EXPECT_EQ(describe(rank_pairs(swapped, destinations, {}), swapped, destinations),
              (std::vector<std::string>{"2001:db8:a::100>2001:db8:ffff::1 source-8",
                                        "2001:db8:b::100>2001:db8:ffff::1 none"}));
}

TEST(RankPairs, PreferenceChangesTheOrder) {
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 30000, 0.0, 10)),
        rc("2001:db8:b::100", 1, metrics(PathHealth::Up, 8000, 0.2, 500)),
    };
    const auto destinations = addrs({"2001:db8:ffff::1"});
    RankingContext ctx;
    ctx.preference = RankPreference::Latency;
    EXPECT_EQ(candidates[rank_pairs(candidates, destinations, ctx)[0].candidate].path, 1U);
    ctx.preference = RankPreference::Cost;
    EXPECT_EQ(candidates[rank_pairs(candidates, destinations, ctx)[0].candidate].path, 0U);
    ctx.preference = RankPreference::Stability;
    EXPECT_EQ(candidates[rank_pairs(candidates, destinations, ctx)[0].candidate].path, 0U);
}

// multi6d's label rows steer generic destinations to one uplink (DESIGN.md
// §3.3); Rank reports that choice first even if another path is faster, as an
// unbound connect() would use it.
TEST(RankPairs, AppliedLabelsDecideBeforePerformance) {
    const std::set<LabelRow> labels = {
        {test::prefix("2001:db8:a::/64"), AddressLabel{1001}},
        {test::prefix("2001:db8:b::/64"), AddressLabel{1002}},
        {test::prefix("2000::/3"), AddressLabel{1001}},
    };
    const PolicyTable table = applied_policy_table(PolicyTable::rfc6724_default(), labels);
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:b::100", 1, metrics(PathHealth::Up, 1000)),
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 90000)),
    };
    const auto destinations = addrs({"2001:db8:ffff::1"});
    const auto pairs = rank_pairs(candidates, destinations, {&table, RankPreference::Latency, {}});
    EXPECT_EQ(describe(pairs, candidates, destinations),
              (std::vector<std::string>{"2001:db8:a::100>2001:db8:ffff::1 source-6",
                                        "2001:db8:b::100>2001:db8:ffff::1 none"}));
}

TEST(RankPairs, DownPathsAreNotUsable) {
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Down, 1000)),
        rc("2001:db8:b::100", 1, metrics(PathHealth::Degraded, 8000)),
    };
    const auto destinations = addrs({"2001:db8:ffff::1"});
    EXPECT_EQ(describe(rank_pairs(candidates, destinations, {}), candidates, destinations),
              (std::vector<std::string>{"2001:db8:b::100>2001:db8:ffff::1 none"}));

    std::vector<RankCandidate> all_down = candidates;
    all_down[1].metrics.state = PathHealth::Down;
    EXPECT_TRUE(rank_pairs(all_down, destinations, {}).empty());
}

TEST(RankPairs, SourcesOfTheOtherFamilyAreNotPaired) {
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 1000)),
        rc("192.0.2.10", 1, metrics(PathHealth::Up, 1000)),
    };
    const auto destinations = addrs({"198.51.100.7", "2001:db8:ffff::1"});
    EXPECT_EQ(describe(rank_pairs(candidates, destinations, {}), candidates, destinations),
              (std::vector<std::string>{"2001:db8:a::100>2001:db8:ffff::1 destination-6",
                                        "192.0.2.10>198.51.100.7 none"}));
    // Without an IPv4 source the IPv4 destination has no pair at all.
    const std::vector<RankCandidate> v6_only = {candidates[0]};
    EXPECT_EQ(describe(rank_pairs(v6_only, destinations, {}), v6_only, destinations),
              (std::vector<std::string>{"2001:db8:a::100>2001:db8:ffff::1 none"}));
}

// Each destination's own Source(D) is on a different path (RIO-style label
// rows); Rules 1–8 tie, so the paths order the destinations (Rule 9's
// replacement).
TEST(RankPairs, PathPerformanceReplacesDestinationRules9And10) {
    const std::set<LabelRow> labels = {
        {test::prefix("2001:db8:a::/64"), AddressLabel{1001}},
        {test::prefix("2001:db8:b::/64"), AddressLabel{1002}},
        {test::prefix("2001:db8:1000::/48"), AddressLabel{1001}},
        {test::prefix("2001:db8:2000::/48"), AddressLabel{1002}},
    };
    const PolicyTable table = applied_policy_table(PolicyTable::rfc6724_default(), labels);
    std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 30000)),
        rc("2001:db8:b::100", 1, metrics(PathHealth::Up, 8000)),
    };
    const auto destinations = addrs({"2001:db8:1000::1", "2001:db8:2000::1"});
    const RankingContext ctx{&table, RankPreference::Latency, {}};
    EXPECT_EQ(describe(rank_pairs(candidates, destinations, ctx), candidates, destinations),
              (std::vector<std::string>{"2001:db8:b::100>2001:db8:2000::1 source-6",
                                        "2001:db8:a::100>2001:db8:2000::1 destination-9",
                                        "2001:db8:a::100>2001:db8:1000::1 source-6",
                                        "2001:db8:b::100>2001:db8:1000::1 none"}));
    std::swap(candidates[0].metrics, candidates[1].metrics);
    EXPECT_EQ(describe(rank_pairs(candidates, destinations, ctx), candidates, destinations),
              (std::vector<std::string>{"2001:db8:a::100>2001:db8:1000::1 source-6",
                                        "2001:db8:b::100>2001:db8:1000::1 destination-9",
                                        "2001:db8:b::100>2001:db8:2000::1 source-6",
                                        "2001:db8:a::100>2001:db8:2000::1 none"}));
}

TEST(RankPairs, EqualPathsFallBackToRules9And10) {
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 8000)),
    };
    // 2001:db8:a:: shares 64 bits with the source, 2001:db8:ffff:: only 32.
    const auto destinations = addrs({"2001:db8:ffff::1", "2001:db8:a::7"});
    EXPECT_EQ(describe(rank_pairs(candidates, destinations, {}), candidates, destinations),
              (std::vector<std::string>{"2001:db8:a::100>2001:db8:a::7 destination-9",
                                        "2001:db8:a::100>2001:db8:ffff::1 none"}));
}

TEST(RankPairs, DeprecatedSourceGoesLastByRule3) {
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 1000), {.deprecated = true}),
        rc("2001:db8:b::100", 1, metrics(PathHealth::Up, 90000)),
    };
    const auto destinations = addrs({"2001:db8:ffff::1"});
    EXPECT_EQ(describe(rank_pairs(candidates, destinations, {}), candidates, destinations),
              (std::vector<std::string>{"2001:db8:b::100>2001:db8:ffff::1 source-3",
                                        "2001:db8:a::100>2001:db8:ffff::1 none"}));
}

TEST(RankPairs, RepeatedAddressesAndDestinationsCountOnce) {
    const std::vector<RankCandidate> candidates = {
        rc("2001:db8:a::100", 0, metrics(PathHealth::Up, 50000)),
        rc("2001:db8:a::100", 1, metrics(PathHealth::Up, 1000)),  // same address, later rule
        rc("2001:db8:b::100", 2, metrics(PathHealth::Up, 20000)),
    };
    const auto destinations = addrs({"2001:db8:ffff::1", "2001:db8:ffff::1"});
    const auto pairs = rank_pairs(candidates, destinations, {});
    ASSERT_EQ(pairs.size(), 2U);
    // The address counts with the first path's metrics (50 ms), so b goes first.
    EXPECT_EQ(pairs[0].candidate, 2U);
    EXPECT_EQ(pairs[1].candidate, 0U);
    EXPECT_EQ(pairs[0].destination, 0U);
    EXPECT_EQ(pairs[1].destination, 0U);
}

TEST(RankPairs, EveryUsablePairAppearsOnce) {
    std::vector<RankCandidate> candidates;
    const char* sources[] = {"2001:db8:a::1", "2001:db8:b::1", "fd00:1::1", "192.0.2.1"};
    for (std::size_t i = 0; i < 4; ++i) {
        candidates.push_back(
            rc(sources[i], i, metrics(PathHealth::Up, static_cast<int>(1000 * (i + 1)))));
    }
    const auto destinations =
        addrs({"2001:db8:1::1", "fd00:2::1", "198.51.100.1", "2001:db8:2::1", "fe80::1"});
    const auto pairs = rank_pairs(candidates, destinations, {});
    // 3 IPv6 sources × 4 IPv6 destinations + 1 × 1 IPv4.
    EXPECT_EQ(pairs.size(), 13U);
    std::set<std::pair<std::size_t, std::size_t>> seen;
    for (const auto& p : pairs) {
        EXPECT_TRUE(seen.insert({p.candidate, p.destination}).second);
    }
    // Destination Rule 6 (precedence 40 for 2001:db8::/32 under ::/0, 3 for
    // fd00::/8, 35 for IPv4) and then Rule 10 (input order; both 2001:db8
    // destinations share 44 bits with Source(D)) put 2001:db8:1::1 first.
    EXPECT_EQ(destinations[pairs[0].destination], addr("2001:db8:1::1"));
    EXPECT_EQ(pairs.back().reason, RankReason{});
}

TEST(RankReasonName, SpellsEachKind) {
    EXPECT_EQ(rank_reason_name({}), "none");
    EXPECT_EQ(rank_reason_name({RankReason::Kind::Source, 6}), "source-6");
    EXPECT_EQ(rank_reason_name({RankReason::Kind::Source, source_rule::next_hop}), "source-5.5");
    EXPECT_EQ(rank_reason_name({RankReason::Kind::Destination, 10}), "destination-10");
}

TEST(AppliedPolicyTable, AddsRowsWithInheritedPrecedence) {
    const std::set<LabelRow> labels = {
        {test::prefix("2000::/3"), AddressLabel{1001}},
        {test::prefix("fd00:1::/64"), AddressLabel{1002}},
        {test::prefix("2001:db8:c::/64"), AddressLabel{1003}, 7},  // per-interface: not multi6d's
    };
    const PolicyTable base = PolicyTable::rfc6724_default();
    const PolicyTable t = applied_policy_table(base, labels);
    EXPECT_EQ(t.lookup(addr("2001:db8:1::1")), (PolicyValue{40, 1001}));
    EXPECT_EQ(t.lookup(addr("fd00:1::5")), (PolicyValue{3, 1002}));  // fc00::/7 precedence
    EXPECT_EQ(t.lookup(addr("2001:db8:c::5")), (PolicyValue{40, 1001}));
    EXPECT_EQ(t.lookup(addr("::1")), base.lookup(addr("::1")));
    EXPECT_EQ(t.rows().size(), base.rows().size() + 2);
}

}  // namespace
}  // namespace multi6d
