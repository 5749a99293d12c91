// multi6ctl output (dbus/multi6ctl/ctl_format.hpp, json.hpp) and exit codes.
#include "ctl_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "commands.hpp"
#include "json.hpp"

namespace multi6d::ctl {
namespace {

Details pair_details(const char* path, const char* state, std::optional<std::uint64_t> rtt,
                     std::optional<double> loss, const char* rule) {
    Details d;
    d.emplace("path", sdbus::Variant(std::string(path)));
    d.emplace("uplink", sdbus::Variant(std::string("isp-b")));
    d.emplace("router", sdbus::Variant(std::string("fe80::b")));
    d.emplace("state", sdbus::Variant(std::string(state)));
    if (rtt) {
        d.emplace("rtt_usec", sdbus::Variant(*rtt));
    }
    if (loss) {
        d.emplace("loss", sdbus::Variant(*loss));
    }
    d.emplace("rule", sdbus::Variant(std::string(rule)));
    return d;
}

TEST(Json, EscapesStrings) {
    EXPECT_EQ(json_string("plain"), "\"plain\"");
    EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(json_string("l1\nl2\t\x01"), "\"l1\\nl2\\t\\u0001\"");
    EXPECT_EQ(json_string("h\xc3\xa9"), "\"h\xc3\xa9\"");  // UTF-8 passes through
}

TEST(Json, ConvertsValuesByType) {
    EXPECT_EQ(json_value(sdbus::Variant(std::string("x"))), "\"x\"");
    EXPECT_EQ(json_value(sdbus::Variant(true)), "true");
    EXPECT_EQ(json_value(sdbus::Variant(std::uint32_t{7})), "7");
    EXPECT_EQ(json_value(sdbus::Variant(std::uint64_t{18446744073709551615ULL})),
              "18446744073709551615");
    EXPECT_EQ(json_value(sdbus::Variant(std::int32_t{-3})), "-3");
    EXPECT_EQ(json_value(sdbus::Variant(0.02)), "0.02");
    EXPECT_EQ(json_value(sdbus::Variant(0.1 + 0.2)), "0.30000000000000004");
    EXPECT_EQ(json_value(sdbus::Variant(std::numeric_limits<double>::infinity())), "null");
    EXPECT_EQ(json_value(sdbus::Variant(std::vector<std::string>{"a", "b"})), "[\"a\",\"b\"]");
    // A type the client does not know yet: its signature, still valid JSON.
    EXPECT_EQ(json_value(sdbus::Variant(std::vector<std::uint32_t>{1})), "\"au\"");
}

TEST(FormatPairs, TextTableWithDashesForUnknown) {
    const std::vector<Pair> pairs = {
        Pair("2001:db8:b::100", "2001:db8:ffff::1",
             pair_details("eth1/2001:db8:b::/64/fe80::b", "up", 5000, 0.02, "source-8")),
        Pair("2001:db8:a::100", "2001:db8:ffff::1",
             pair_details("eth0/2001:db8:a::/64/fe80::a", "unknown", std::nullopt, std::nullopt,
                          "none")),
    };
    EXPECT_EQ(format_pairs(pairs, false),
              "SOURCE           DESTINATION       UPLINK  ROUTER   STATE    RTT    LOSS  RULE\n"
              "2001:db8:b::100  2001:db8:ffff::1  isp-b   fe80::b  up       5.0ms  2.0%  source-8\n"
              "2001:db8:a::100  2001:db8:ffff::1  isp-b   fe80::b  unknown  -      -     none\n");
}

TEST(FormatPairs, JsonIsAnArrayOfFlatObjects) {
    const std::vector<Pair> pairs = {
        Pair("2001:db8:b::100", "2001:db8:ffff::1", pair_details("p", "up", 5000, 0.5, "none")),
    };
    EXPECT_EQ(format_pairs(pairs, true),
              "[{\"source\":\"2001:db8:b::100\",\"destination\":\"2001:db8:ffff::1\","
              "\"loss\":0.5,\"path\":\"p\",\"router\":\"fe80::b\",\"rtt_usec\":5000,"
              "\"rule\":\"none\",\"state\":\"up\",\"uplink\":\"isp-b\"}]\n");
    EXPECT_EQ(format_pairs({}, true), "[]\n");
}

// A running daemon's status with one path per entry of `paths`.
Status running_status(const std::vector<Details>& paths) {
    Status s;
    s.version = "0.1.0";
    s.state = "running";
    for (const Details& d : paths) {
        s.paths.emplace_back(std::string("p"), d);
    }
    return s;
}

Details with_state(const char* state) {
    Details d;
    d.emplace("state", sdbus::Variant(std::string(state)));
    return d;
}

TEST(FormatStatus, CountsPathsByState) {
    const Status s = running_status({with_state("up"), with_state("up"), with_state("down")});
    EXPECT_EQ(
        format_status(s, false),
        "Version: 0.1.0\nState:   running\nPaths:   3 (2 up, 0 unknown, 0 degraded, 1 down)\n");
    EXPECT_EQ(format_status(s, true),
              "{\"version\":\"0.1.0\",\"state\":\"running\",\"paths\":3,\"paths_by_state\":"
              "{\"degraded\":0,\"down\":1,\"unknown\":0,\"up\":2},\"links\":[]}\n");
}

TEST(FormatStatus, OneLinkLinePerLinkWithItsManager) {
    std::vector<Details> paths;
    for (const char* link : {"eth1", "eth0", "eth1"}) {
        Details d = with_state("up");
        d.emplace("interface", sdbus::Variant(std::string(link)));
        d.emplace("link_manager",
                  sdbus::Variant(std::string(link[3] == '0' ? "kernel" : "NetworkManager")));
        d.emplace("link_manager_note", sdbus::Variant(std::string("does x")));
        paths.push_back(d);
    }
    const Status s = running_status(paths);
    EXPECT_EQ(format_status(s, false),
              "Version: 0.1.0\nState:   running\nPaths:   3 (3 up, 0 unknown, 0 degraded, 0 down)\n"
              "Link:    eth0: RAs processed by kernel; multi6d does x\n"
              "Link:    eth1: RAs processed by NetworkManager; multi6d does x\n");
    EXPECT_EQ(format_status(s, true),
              "{\"version\":\"0.1.0\",\"state\":\"running\",\"paths\":3,\"paths_by_state\":"
              "{\"degraded\":0,\"down\":0,\"unknown\":0,\"up\":3},\"links\":["
              "{\"interface\":\"eth0\",\"manager\":\"kernel\",\"note\":\"does x\"},"
              "{\"interface\":\"eth1\",\"manager\":\"NetworkManager\",\"note\":\"does x\"}]}\n");
}

TEST(FormatEvents, OneLineEach) {
    EXPECT_EQ(format_path_event("p", "down", {}, false), "path-state p down\n");
    EXPECT_EQ(format_path_event("p", "down", {}, true),
              "{\"event\":\"path-state\",\"path\":\"p\",\"state\":\"down\",\"details\":{}}\n");
    EXPECT_EQ(format_policy_event("reload", false), "policy-changed reload\n");
    EXPECT_EQ(format_state_event("degraded", true),
              "{\"event\":\"state\",\"state\":\"degraded\"}\n");
    EXPECT_EQ(format_daemon_event(false, false), "daemon stopped\n");
}

TEST(ExitCodes, FollowTheErrorName) {
    EXPECT_EQ(exit_code_for("org.multi6d.Error.NotAuthorized"), exit_code::not_authorized);
    EXPECT_EQ(exit_code_for("org.freedesktop.DBus.Error.AccessDenied"), exit_code::not_authorized);
    EXPECT_EQ(exit_code_for("org.multi6d.Error.InvalidArgument"), exit_code::invalid_argument);
    EXPECT_EQ(exit_code_for("org.freedesktop.DBus.Error.ServiceUnknown"), exit_code::unreachable);
    EXPECT_EQ(exit_code_for("org.multi6d.Error.ReloadFailed"), exit_code::failure);
    EXPECT_EQ(exit_code_for("org.freedesktop.DBus.Error.NoReply"), exit_code::failure);
}

}  // namespace
}  // namespace multi6d::ctl
