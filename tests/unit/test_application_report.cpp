// Applications as the interface reports them, and ranking as one
// application's connections would go (policy/application_report.hpp).
#include "application_report.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy_test_util.hpp"
#include "ranking.hpp"

namespace multi6d {
namespace {

using test::addr;
using test::pfx;

// A path of uplink "isp-X" on eth0 with host addresses 2001:db8:X::100 and
// any `more`.
PathReport path(char letter, int rtt_usec, std::vector<std::string> more = {}) {
    const std::string p = std::string("2001:db8:") + letter + "::";
    PathReport r;
    r.key = PathKey{2, pfx(p + "/64"), addr(std::string("fe80::") + letter)};
    r.id = path_id("eth0", r.key);
    r.uplink = std::string("isp-") + letter;
    r.default_router = true;
    more.insert(more.begin(), "100");
    for (const std::string& host : more) {
        SourceCandidate c;
        c.address = addr(p + host);
        c.prefix_length = 64;
        c.interface = 2;
        r.addresses.push_back(c);
    }
    r.metrics.state = PathHealth::Up;
    r.metrics.rtt = std::chrono::microseconds(rtt_usec);
    return r;
}

// An application preferring `uplinks` whose choice is path `chosen` (none
// when nullptr) with source `source`.
ApplicationReport application(std::vector<std::string> uplinks, const PathReport* chosen,
                              const std::string& source = "", bool fallback = true) {
    ApplicationReport a;
    a.name = "backup";
    a.uplinks = std::move(uplinks);
    a.fallback = fallback;
    if (chosen != nullptr) {
        a.path = chosen->key;
        a.path_id = chosen->id;
        a.uplink = chosen->uplink;
        a.source = addr(source);
    }
    a.blocked = chosen == nullptr && !fallback;
    return a;
}

struct Pair {
    std::string source;
    std::string reason;
    friend bool operator==(const Pair&, const Pair&) = default;
};

std::vector<Pair> ranked(const std::vector<PathReport>& paths, const std::vector<Address>& d,
                         const ApplicationReport* app) {
    std::vector<Pair> out;
    for (const RankedPairReport& p :
         rank_paths(paths, d, PolicyTable::rfc6724_default(), RankPreference::Latency, app)) {
        out.push_back(Pair{p.source.to_string(), rank_reason_name(p.reason)});
    }
    return out;
}

void PrintTo(const Pair& p, std::ostream* os) {
    *os << p.source << " " << p.reason;
}

class ApplicationRanking : public ::testing::Test {
  protected:
    // A is faster: the generic ranking puts it first.
    std::vector<PathReport> paths = {path('a', 1000), path('b', 9000, {"200"})};
    std::vector<Address> one = {addr("2001:db8:ffff::1")};
};

TEST_F(ApplicationRanking, WithoutAnApplicationThePathsDecide) {
    EXPECT_EQ(ranked(paths, one, nullptr), (std::vector<Pair>{{"2001:db8:a::100", "source-8"},
                                                              {"2001:db8:b::100", "none"},
                                                              {"2001:db8:b::200", "none"}}));
}

// The chosen source first (what its unbound sockets get), then the other
// addresses of its uplinks, then (fallback) the generic policy's paths.
TEST_F(ApplicationRanking, TheChosenSourceFirstThenItsUplinksThenTheRest) {
    const ApplicationReport app = application({"isp-b"}, &paths[1], "2001:db8:b::200");
    EXPECT_EQ(ranked(paths, one, &app), (std::vector<Pair>{{"2001:db8:b::200", "application"},
                                                           {"2001:db8:b::100", "application"},
                                                           {"2001:db8:a::100", "none"}}));
}

TEST_F(ApplicationRanking, PreferredUplinksInTheApplicationsOrder) {
    paths.push_back(path('c', 500));
    const ApplicationReport app = application({"isp-b", "isp-a"}, &paths[1], "2001:db8:b::100");
    EXPECT_EQ(ranked(paths, one, &app), (std::vector<Pair>{{"2001:db8:b::100", "application"},
                                                           {"2001:db8:b::200", "application"},
                                                           {"2001:db8:a::100", "application"},
                                                           {"2001:db8:c::100", "none"}}));
}

// fallback = false: nothing through an uplink it does not list.
TEST_F(ApplicationRanking, WithoutFallbackOnlyItsOwnUplinks) {
    const ApplicationReport app =
        application({"isp-b"}, &paths[1], "2001:db8:b::100", /*fallback=*/false);
    EXPECT_EQ(ranked(paths, one, &app),
              (std::vector<Pair>{{"2001:db8:b::100", "application"}, {"2001:db8:b::200", "none"}}));
}

// A preference alone: its candidates (every configured [[uplink]], from
// the choice) stand for `uplinks`; with no [[uplink]] every path is one.
TEST_F(ApplicationRanking, APreferenceAloneRanksItsCandidateUplinks) {
    paths.push_back(path('c', 500));
    ApplicationReport app = application({}, &paths[1], "2001:db8:b::100", /*fallback=*/false);
    app.preference = "latency";
    app.candidates = {"isp-b", "isp-a"};
    EXPECT_EQ(ranked(paths, one, &app), (std::vector<Pair>{{"2001:db8:b::100", "application"},
                                                           {"2001:db8:b::200", "application"},
                                                           {"2001:db8:a::100", "none"}}));
    app.candidates.clear();
    EXPECT_EQ(ranked(paths, one, &app).size(), 4U);  // isp-c too
}

// Blocked: its unreachable rule fails every new connection.
TEST_F(ApplicationRanking, ABlockedApplicationGetsNoPair) {
    const ApplicationReport app = application({"isp-b"}, nullptr, "", /*fallback=*/false);
    ASSERT_TRUE(app.blocked);
    EXPECT_TRUE(ranked(paths, one, &app).empty());
}

// Following the generic policy (fallback, no preferred uplink usable): its
// uplinks still first among those that are usable at all.
TEST_F(ApplicationRanking, FollowingTheGenericPolicy) {
    paths[1].metrics.state = PathHealth::Down;
    const ApplicationReport app = application({"isp-b"}, nullptr);
    EXPECT_EQ(ranked(paths, one, &app), (std::vector<Pair>{{"2001:db8:a::100", "none"}}));
}

// Source(D) for the destination order is the application's: a destination
// its source reaches by longest match (destination Rule 9 falls back to the
// common prefix length when the paths tie) goes first for it.
TEST_F(ApplicationRanking, DestinationsOrderByTheApplicationsSource) {
    paths[0].metrics = paths[1].metrics;  // the paths tie
    const std::vector<Address> two = {addr("2001:db8:a::99"), addr("2001:db8:b::99")};
    const ApplicationReport app = application({"isp-b"}, &paths[1], "2001:db8:b::100");
    const auto generic = ranked(paths, two, nullptr);
    ASSERT_FALSE(generic.empty());
    EXPECT_EQ(generic[0].source, "2001:db8:a::100");
    const auto pairs =
        rank_paths(paths, two, PolicyTable::rfc6724_default(), RankPreference::Latency, &app);
    ASSERT_FALSE(pairs.empty());
    EXPECT_EQ(pairs[0].destination, addr("2001:db8:b::99"));
    EXPECT_EQ(pairs[0].source, addr("2001:db8:b::100"));
}

TEST(ApplicationReports, FromTheChoicesAndTheConfiguration) {
    const std::vector<PathReport> paths = {path('a', 1000), path('b', 9000)};
    ApplicationConfig backup;
    backup.name = "backup";
    backup.uplinks = {"isp-b", "isp-a"};
    backup.fallback = false;
    ApplicationConfig voip;
    voip.name = "voip";
    voip.preference = ApplicationPreference::Latency;
    ApplicationChoice on_b;
    on_b.application = "backup";
    on_b.path = paths[1].key;
    on_b.uplink = "isp-b";
    on_b.source = addr("2001:db8:b::100");
    ApplicationChoice generic;
    generic.application = "voip";
    generic.candidates = {"isp-a", "isp-b"};
    const std::vector<ApplicationChoice> choices = {on_b, generic};
    const std::vector<ApplicationConfig> configs = {voip, backup};

    const auto reports = application_reports(choices, configs, paths);
    ASSERT_EQ(reports.size(), 2U);
    EXPECT_EQ(reports[0].name, "backup");
    EXPECT_EQ(reports[0].uplinks, backup.uplinks);
    EXPECT_FALSE(reports[0].fallback);
    EXPECT_EQ(reports[0].path_id, paths[1].id);
    EXPECT_EQ(reports[0].uplink, "isp-b");
    EXPECT_EQ(reports[0].source, addr("2001:db8:b::100"));
    EXPECT_EQ(reports[0].preference, "");
    EXPECT_EQ(reports[1].name, "voip");
    EXPECT_EQ(reports[1].preference, "latency");
    EXPECT_TRUE(reports[1].uplinks.empty());
    EXPECT_EQ(reports[1].candidates, generic.candidates);
    EXPECT_EQ(reports[1].path_id, "");
    EXPECT_FALSE(reports[1].source);
    EXPECT_FALSE(reports[1].blocked);

    EXPECT_EQ(applications_on(reports, paths[1].id), std::vector<std::string>{"backup"});
    EXPECT_TRUE(applications_on(reports, paths[0].id).empty());
    EXPECT_TRUE(applications_on(reports, "").empty());
}

}  // namespace
}  // namespace multi6d
