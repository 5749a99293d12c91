// RankingSnapshot: rank_paths() over a snapshot, remembered until update().
#include "ranking_snapshot.hpp"

#include <gtest/gtest.h>

#include <string>

#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using test::addr;
using test::pfx;

PathReport path(char letter, int rtt_usec) {
    const std::string p = std::string("2001:db8:") + letter + "::";
    PathReport r;
    r.key = PathKey{2, pfx(p + "/64"), addr(std::string("fe80::") + letter)};
    r.id = path_id("eth0", r.key);
    r.default_router = true;
    SourceCandidate c;
    c.address = addr(p + "100");
    c.prefix_length = 64;
    r.addresses.push_back(c);
    r.metrics.state = PathHealth::Up;
    r.metrics.rtt = std::chrono::microseconds(rtt_usec);
    return r;
}

std::vector<Address> sources(std::span<const RankedPairReport> pairs) {
    std::vector<Address> out;
    for (const auto& p : pairs) {
        out.push_back(p.source);
    }
    return out;
}

TEST(RankingSnapshot, AnswersLikeRankPathsAndRemembers) {
    RankingSnapshot s({path('a', 9000), path('b', 1000)}, PolicyTable::rfc6724_default());
    const std::vector<Address> d = {addr("2001:db8:ffff::1")};
    const auto expected = rank_paths(s.paths(), d, s.policy(), RankPreference::Latency);
    const auto first = s.rank(d, RankPreference::Latency);
    ASSERT_EQ(first.size(), expected.size());
    for (std::size_t i = 0; i < first.size(); ++i) {
        EXPECT_EQ(first[i].source, expected[i].source);
        EXPECT_EQ(first[i].path, expected[i].path);  // into the snapshot's own paths
        EXPECT_EQ(first[i].reason, expected[i].reason);
    }
    EXPECT_EQ(s.memo_hits(), 0U);
    EXPECT_EQ(sources(s.rank(d, RankPreference::Latency)), sources(expected));
    EXPECT_EQ(s.memo_hits(), 1U);
    // Another preference is another request.
    EXPECT_EQ(sources(s.rank(d, RankPreference::Cost)), sources(expected));
    EXPECT_EQ(s.memo_hits(), 1U);
}

TEST(RankingSnapshot, UpdateForgetsEverything) {
    RankingSnapshot s({path('a', 9000), path('b', 1000)}, PolicyTable::rfc6724_default());
    const std::vector<Address> d = {addr("2001:db8:ffff::1")};
    EXPECT_EQ(s.rank(d, RankPreference::Latency)[0].source, addr("2001:db8:b::100"));
    s.update({path('a', 1000), path('b', 9000)}, PolicyTable::rfc6724_default());
    EXPECT_EQ(s.rank(d, RankPreference::Latency)[0].source, addr("2001:db8:a::100"));
    EXPECT_EQ(s.memo_hits(), 0U);
}

TEST(RankingSnapshot, KeepsOnlyTheMostRecentRequests) {
    RankingSnapshot s({path('a', 9000)}, PolicyTable::rfc6724_default());
    const auto request = [](unsigned i) {
        return std::vector<Address>{addr("2001:db8:ffff::" + std::to_string(i + 1))};
    };
    for (unsigned i = 0; i <= RankingSnapshot::memo_size; ++i) {
        s.rank(request(i), RankPreference::Latency);
    }
    // Request 0 was pushed out by the memo_size newer ones; the newest stays.
    s.rank(request(RankingSnapshot::memo_size), RankPreference::Latency);
    EXPECT_EQ(s.memo_hits(), 1U);
    s.rank(request(0), RankPreference::Latency);
    EXPECT_EQ(s.memo_hits(), 1U);
    // Request 2 is still there (request 1 was pushed out by re-adding 0).
    s.rank(request(2), RankPreference::Latency);
    EXPECT_EQ(s.memo_hits(), 2U);
}

// Rank's option "application": each application is its own request, ranked
// as that application's connections would go; an unknown name ranks as none.
TEST(RankingSnapshot, RanksForANamedApplication) {
    std::vector<PathReport> paths = {path('a', 1000), path('b', 9000)};
    paths[0].uplink = "isp-a";
    paths[1].uplink = "isp-b";
    ApplicationReport backup;
    backup.name = "backup";
    backup.uplinks = {"isp-b"};
    backup.path = paths[1].key;
    backup.path_id = paths[1].id;
    backup.uplink = "isp-b";
    backup.source = addr("2001:db8:b::100");
    RankingSnapshot s(paths, PolicyTable::rfc6724_default(), {backup});
    ASSERT_NE(s.application("backup"), nullptr);
    EXPECT_EQ(s.application("voip"), nullptr);
    const std::vector<Address> d = {addr("2001:db8:ffff::1")};
    EXPECT_EQ(sources(s.rank(d, RankPreference::Latency)),
              (std::vector<Address>{addr("2001:db8:a::100"), addr("2001:db8:b::100")}));
    EXPECT_EQ(sources(s.rank(d, RankPreference::Latency, "backup")),
              (std::vector<Address>{addr("2001:db8:b::100"), addr("2001:db8:a::100")}));
    EXPECT_EQ(s.memo_hits(), 0U);
    EXPECT_EQ(sources(s.rank(d, RankPreference::Latency, "backup"))[0], addr("2001:db8:b::100"));
    EXPECT_EQ(s.memo_hits(), 1U);
    EXPECT_EQ(sources(s.rank(d, RankPreference::Latency, "voip"))[0], addr("2001:db8:a::100"));
    EXPECT_EQ(s.memo_hits(), 2U);  // the same request as no application
}

}  // namespace
}  // namespace multi6d
