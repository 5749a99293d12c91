// D-Bus argument validation and the details of pairs and paths
// (dbus/wire.hpp). sdbus values work without a bus.
#include "wire.hpp"

#include <gtest/gtest.h>

#include <string>

#include "names.hpp"
#include "policy_test_util.hpp"

namespace multi6d::dbus {
namespace {

using test::addr;

// Runs f, expects org.multi6d.Error.InvalidArgument, returns its message.
template <typename F>
std::string invalid_argument_message(F f) {
    try {
        f();
    } catch (const sdbus::Error& e) {
        EXPECT_EQ(e.getName(), error::invalid_argument);
        return e.getMessage();
    }
    ADD_FAILURE() << "no error thrown";
    return {};
}

TEST(ParseDestinations, AcceptsIPv6AndIPv4) {
    const auto d = parse_destinations({"2001:db8::1", "192.0.2.7"});
    ASSERT_EQ(d.size(), 2U);
    EXPECT_EQ(d[0], addr("2001:db8::1"));
    EXPECT_EQ(d[1], addr("::ffff:192.0.2.7"));
}

TEST(ParseDestinations, NamesTheOffendingValue) {
    EXPECT_EQ(invalid_argument_message([] {
                  parse_destinations({"2001:db8::1", "not-an-ip"});
              }),
              "invalid destination address 'not-an-ip' (an IPv6 or IPv4 address expected)");
    EXPECT_EQ(invalid_argument_message([] { parse_destinations({"::"}); }),
              "invalid destination address '::' (the unspecified address)");
    EXPECT_EQ(invalid_argument_message([] { parse_destinations({}); }),
              "no destination given (1 to 64 addresses expected)");
    const std::vector<std::string> many(65, "2001:db8::1");
    EXPECT_EQ(invalid_argument_message([&] { parse_destinations(many); }),
              "too many destinations: 65 (at most 64)");
    EXPECT_NO_THROW(parse_destinations(std::vector<std::string>(64, "2001:db8::1")));
}

// Issue 16, finding 7: 0.0.0.0 was accepted, and ::1, fe80::1 and ff02::1
// were ranked with global sources through the ISP routers, although the
// kernel sends them over lo or the link. Now refused, as :: always was.
TEST(ParseDestinations, Issue16_DestinationsTheKernelNeverRoutesAreRefused) {
    for (const char* text :
         {"::", "0.0.0.0", "::ffff:0.0.0.0", "::1", "127.0.0.1", "::ffff:127.0.0.2", "fe80::1",
          "169.254.1.1", "ff02::1", "ff0e::1", "224.0.0.1", "255.255.255.255"}) {
        const std::string m = invalid_argument_message([&] { parse_destinations({text}); });
        EXPECT_EQ(m.rfind("invalid destination address '" + std::string(text) + "' (", 0), 0U) << m;
    }
    EXPECT_EQ(invalid_argument_message([] { parse_destinations({"::1"}); }),
              "invalid destination address '::1' (the loopback address: the kernel sends it over "
              "lo, not through an uplink)");
    for (const char* text : {"2001:db8::1", "fd00::1", "192.0.2.7", "::ffff:198.51.100.1"}) {
        EXPECT_NO_THROW(parse_destinations({text})) << text;
        EXPECT_EQ(destination_problem(addr(text)), "") << text;
    }
}

TEST(Quoted, CutsTo80Characters) {
    EXPECT_EQ(quoted("abc"), "'abc'");
    const std::string host(297, 'h');
    EXPECT_EQ(quoted(host), "'" + std::string(80, 'h') + "...' (297 characters)");
}

TEST(ParseDestinations, CutsHugeValuesInMessages) {
    const std::string huge(1000, 'x');
    const std::string m = invalid_argument_message([&] { parse_destinations({huge}); });
    EXPECT_LT(m.size(), 200U);
    EXPECT_NE(m.find("(1000 characters)"), std::string::npos) << m;
}

TEST(ParseRankOptions, DefaultsAndPreference) {
    EXPECT_EQ(parse_rank_options({}), RankOptions{});
    Details d;
    d.emplace("preference", sdbus::Variant(std::string("cost")));
    EXPECT_EQ(parse_rank_options(d).preference, RankPreference::Cost);
}

TEST(ParseRankOptions, RejectsUnknownKeysTypesAndValues) {
    Details unknown;
    unknown.emplace("colour", sdbus::Variant(std::string("blue")));
    EXPECT_EQ(invalid_argument_message([&] { parse_rank_options(unknown); }),
              "unknown option 'colour' (known: application, preference)");
    Details wrong_type;
    wrong_type.emplace("preference", sdbus::Variant(std::uint32_t{1}));
    EXPECT_EQ(invalid_argument_message([&] { parse_rank_options(wrong_type); }),
              "option 'preference' must be a string (type 's'), not 'u'");
    Details bad_value;
    bad_value.emplace("preference", sdbus::Variant(std::string("fastest")));
    EXPECT_EQ(invalid_argument_message([&] { parse_rank_options(bad_value); }),
              "invalid value 'fastest' for option 'preference' (latency, cost or stability)");
    Details wrong_application_type;
    wrong_application_type.emplace("application", sdbus::Variant(true));
    EXPECT_EQ(invalid_argument_message([&] { parse_rank_options(wrong_application_type); }),
              "option 'application' must be a string (type 's'), not 'b'");
}

// An application name is checked against the applications the daemon has:
// an unknown one must not rank as no application at all.
TEST(ParseRankOptions, ApplicationMustBeKnown) {
    Details d;
    d.emplace("application", sdbus::Variant(std::string("backup")));
    const RankOptions options = parse_rank_options(d);
    EXPECT_EQ(options.application, "backup");
    ApplicationReport backup;
    backup.name = "backup";
    ApplicationReport voip;
    voip.name = "voip";
    EXPECT_NO_THROW(check_rank_application(options, std::vector{voip, backup}));
    EXPECT_NO_THROW(check_rank_application(RankOptions{}, {}));
    EXPECT_EQ(invalid_argument_message([&] { check_rank_application(options, std::vector{voip}); }),
              "unknown application 'backup' for option 'application' (known: voip)");
    EXPECT_EQ(invalid_argument_message([&] { check_rank_application(options, {}); }),
              "unknown application 'backup' for option 'application' (no [[application]] "
              "matches an account)");
}

TEST(CheckHost, AcceptsNamesAndLiterals) {
    EXPECT_NO_THROW(check_host("www.example.org"));
    EXPECT_NO_THROW(check_host("_srv.example"));
    EXPECT_NO_THROW(check_host("2001:db8::1"));
    EXPECT_NO_THROW(check_host(std::string(253, 'a')));
}

TEST(CheckHost, RejectsEmptyLongAndOddCharacters) {
    EXPECT_EQ(invalid_argument_message([] { check_host(""); }), "empty host name");
    EXPECT_EQ(invalid_argument_message([] { check_host(std::string(254, 'a')); }),
              "host name too long: 254 characters (at most 253)");
    EXPECT_EQ(invalid_argument_message([] { check_host("a b"); }),
              "invalid host name 'a b' (letters, digits, '-', '.', '_' and ':' only)");
    EXPECT_THROW(check_host("a\nb"), sdbus::Error);
    EXPECT_THROW(check_host("x/y"), sdbus::Error);
}

PathReport report(char letter, PathHealth state, std::optional<int> rtt_usec) {
    const std::string p = std::string("2001:db8:") + letter + "::";
    PathReport r;
    r.interface = "eth0";
    r.key = PathKey{2, test::pfx(p + "/64"), addr(std::string("fe80::") + letter)};
    r.id = path_id(r.interface, r.key);
    r.uplink = std::string("isp-") + letter;
    r.default_router = true;
    r.routes = {test::pfx("2001:db8:fe::/48"), test::pfx("2001:db8:ff::/48")};
    SourceCandidate c;
    c.address = addr(p + "100");
    r.addresses.push_back(c);
    r.metrics.state = state;
    if (rtt_usec) {
        r.metrics.rtt = std::chrono::microseconds(*rtt_usec);
        r.metrics.loss = 0.25;
    }
    return r;
}

std::string text(const Details& d, const std::string& key) {
    const auto it = d.find(key);
    return it == d.end() ? "<absent>" : it->second.get<std::string>();
}

TEST(PathDetails, CarryEverythingKnown) {
    const Details d = path_details(report('a', PathHealth::Up, 1500), PathCounters{40, 3, 2},
                                   {"backup", "updates"});
    EXPECT_EQ(d.at("applications").get<std::vector<std::string>>(),
              (std::vector<std::string>{"backup", "updates"}));
    EXPECT_EQ(d.at("probes_sent").get<std::uint64_t>(), 40U);
    EXPECT_EQ(d.at("probes_lost").get<std::uint64_t>(), 3U);
    EXPECT_EQ(d.at("state_changes").get<std::uint64_t>(), 2U);
    EXPECT_EQ(text(d, "path"), "eth0/2001:db8:a::/64/fe80::a");
    EXPECT_EQ(text(d, "uplink"), "isp-a");
    EXPECT_EQ(text(d, "interface"), "eth0");
    EXPECT_EQ(text(d, "prefix"), "2001:db8:a::/64");
    EXPECT_EQ(text(d, "router"), "fe80::a");
    EXPECT_EQ(text(d, "state"), "up");
    EXPECT_EQ(text(d, "router_preference"), "medium");
    EXPECT_EQ(d.at("rtt_usec").get<std::uint64_t>(), 1500U);
    EXPECT_EQ(d.at("loss").get<double>(), 0.25);
    EXPECT_EQ(d.at("cost").get<std::uint32_t>(), 100U);
    EXPECT_TRUE(d.at("default_router").get<bool>());
    EXPECT_EQ(d.at("addresses").get<std::vector<std::string>>(),
              std::vector<std::string>{"2001:db8:a::100"});
    EXPECT_EQ(d.at("routes").get<std::vector<std::string>>(),
              (std::vector<std::string>{"2001:db8:fe::/48", "2001:db8:ff::/48"}));
    EXPECT_EQ(d.count("rtt_variation_usec"), 0U);  // unknown: absent
    EXPECT_EQ(d.count("link_manager"), 0U);        // not looked yet: absent
}

TEST(ApplicationDetails, CarryTheChoiceAndTheMoves) {
    ApplicationReport a;
    a.name = "backup";
    a.uplinks = {"isp-b", "isp-a"};
    a.fallback = false;
    a.uplink = "isp-b";
    a.path_id = "eth1/2001:db8:b::/64/fe80::b";
    a.source = addr("2001:db8:b::100");
    a.preference = "stability";
    const Details d = application_details(a, 3);
    EXPECT_EQ(text(d, "preference"), "stability");
    EXPECT_EQ(text(d, "uplink"), "isp-b");
    EXPECT_EQ(text(d, "path"), a.path_id);
    EXPECT_EQ(text(d, "source"), "2001:db8:b::100");
    EXPECT_FALSE(d.at("blocked").get<bool>());
    EXPECT_FALSE(d.at("fallback").get<bool>());
    EXPECT_EQ(d.at("uplinks").get<std::vector<std::string>>(), a.uplinks);
    EXPECT_EQ(d.at("moves").get<std::uint64_t>(), 3U);
    ApplicationReport blocked;
    blocked.name = "backup";
    blocked.blocked = true;
    const Details b = application_details(blocked, 0);
    EXPECT_EQ(text(b, "uplink"), "");
    EXPECT_EQ(text(b, "path"), "");
    EXPECT_EQ(text(b, "source"), "");
    EXPECT_TRUE(b.at("blocked").get<bool>());
    EXPECT_EQ(text(b, "preference"), "");  // unset
    EXPECT_EQ(text(b, "mptcp"), "off");
    blocked.mptcp = MptcpState::Unavailable;
    EXPECT_EQ(text(application_details(blocked, 0), "mptcp"), "unavailable");
}

TEST(PairWriter, ValuesAreTypedPairs) {
    const PathReport a = report('a', PathHealth::Up, 1500);
    const PathReport b = report('b', PathHealth::Unknown, std::nullopt);
    const std::vector<RankedPairReport> pairs = {
        {addr("2001:db8:a::100"), addr("2001:db8:ffff::1"), &a,
         RankReason{RankReason::Kind::Source, 8}},
        {addr("2001:db8:b::100"), addr("2001:db8:ffff::1"), &b, RankReason{}},
    };
    PairWriter writer;
    const auto values = writer.values(pairs);
    ASSERT_EQ(values.size(), 2U);
    EXPECT_EQ(values[0], PairStruct("2001:db8:a::100", "2001:db8:ffff::1", a.id, "up", 1500U, 0.25,
                                    "source-8"));
    // No RTT or loss measured yet: the documented sentinels.
    EXPECT_EQ(values[1], PairStruct("2001:db8:b::100", "2001:db8:ffff::1", b.id, "unknown",
                                    unknown_rtt_usec, unknown_loss, "none"));
    EXPECT_EQ(unknown_rtt_usec, UINT64_MAX);
    EXPECT_LT(unknown_loss, 0.0);
}

TEST(PairWriter, ForgetsAPathThatChanged) {
    PathReport a = report('a', PathHealth::Up, 1500);
    const std::vector<RankedPairReport> pairs = {
        {addr("2001:db8:a::100"), addr("2001:db8:ffff::1"), &a, RankReason{}}};
    PairWriter writer;
    EXPECT_EQ(std::get<3>(writer.values(pairs)[0]), "up");
    a.metrics.state = PathHealth::Degraded;
    a.id = "renamed";
    const auto after = writer.values(pairs);
    EXPECT_EQ(std::get<3>(after[0]), "degraded");
    EXPECT_EQ(std::get<2>(after[0]), "renamed");
}

}  // namespace
}  // namespace multi6d::dbus
