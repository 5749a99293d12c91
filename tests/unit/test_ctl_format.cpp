// multi6ctl output (dbus/multi6ctl/ctl_format.hpp, json.hpp) and exit codes.
#include "ctl_format.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "commands.hpp"
#include "json.hpp"

namespace multi6d::ctl {
namespace {

// A pair as Rank sends it (unknown RTT and loss as the reply's sentinels).
Pair pair(const char* source, const char* path, const char* state, std::optional<std::uint64_t> rtt,
          std::optional<double> loss, const char* rule) {
    return Pair(source, "2001:db8:ffff::1", path, state, rtt.value_or(UINT64_MAX),
                loss.value_or(-1.0), rule);
}

// A ListPaths entry with the details multi6ctl takes from it.
Path path_entry(const char* id, const char* uplink, const char* router) {
    Details d;
    d.emplace("uplink", sdbus::Variant(std::string(uplink)));
    d.emplace("router", sdbus::Variant(std::string(router)));
    d.emplace("cost", sdbus::Variant(std::uint32_t{100}));
    return Path(id, d);
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
        pair("2001:db8:b::100", "eth1/2001:db8:b::/64/fe80::b", "up", 5000, 0.02, "source-8"),
        pair("2001:db8:a::100", "eth0/2001:db8:a::/64/fe80::a", "unknown", std::nullopt,
             std::nullopt, "none"),
        pair("2001:db8:c::100", "eth2/2001:db8:c::/64/fe80::c", "up", 0, 0.0, "none"),
    };
    // eth2's path went away between Rank and ListPaths: no uplink, router.
    const std::vector<Path> paths = {
        path_entry("eth0/2001:db8:a::/64/fe80::a", "isp-a", "fe80::a"),
        path_entry("eth1/2001:db8:b::/64/fe80::b", "isp-b", "fe80::b"),
    };
    EXPECT_EQ(format_pairs(pairs, paths, false),
              "SOURCE           DESTINATION       UPLINK  ROUTER   STATE    RTT    LOSS  RULE\n"
              "2001:db8:b::100  2001:db8:ffff::1  isp-b   fe80::b  up       5.0ms  2.0%  source-8\n"
              "2001:db8:a::100  2001:db8:ffff::1  isp-a   fe80::a  unknown  -      -     none\n"
              "2001:db8:c::100  2001:db8:ffff::1  -       -        up       0.0ms  0.0%  none\n");
}

TEST(FormatPairs, JsonIsAnArrayOfFlatObjects) {
    // The keys of the a{sv} details before API v1; nothing from ListPaths
    // but uplink and router.
    const std::vector<Pair> pairs = {pair("2001:db8:b::100", "p", "up", 5000, 0.5, "none")};
    const std::vector<Path> paths = {path_entry("p", "isp-b", "fe80::b")};
    EXPECT_EQ(format_pairs(pairs, paths, true),
              "[{\"source\":\"2001:db8:b::100\",\"destination\":\"2001:db8:ffff::1\","
              "\"loss\":0.5,\"path\":\"p\",\"router\":\"fe80::b\",\"rtt_usec\":5000,"
              "\"rule\":\"none\",\"state\":\"up\",\"uplink\":\"isp-b\"}]\n");
    // Unknown RTT and loss are left out, as the details did.
    EXPECT_EQ(
        format_pairs({pair("2001:db8:b::100", "p", "unknown", std::nullopt, std::nullopt, "none")},
                     paths, true),
        "[{\"source\":\"2001:db8:b::100\",\"destination\":\"2001:db8:ffff::1\","
        "\"path\":\"p\",\"router\":\"fe80::b\",\"rule\":\"none\",\"state\":\"unknown\","
        "\"uplink\":\"isp-b\"}]\n");
    EXPECT_EQ(format_pairs({}, paths, true), "[]\n");
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
              "{\"degraded\":0,\"down\":1,\"unknown\":0,\"up\":2},\"links\":[],"
              "\"applications\":[]}\n");
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
              "{\"interface\":\"eth1\",\"manager\":\"NetworkManager\",\"note\":\"does x\"}],"
              "\"applications\":[]}\n");
}

Application application(const char* name, const char* uplink, const char* path, bool blocked,
                        std::uint64_t moves) {
    Details d;
    d.emplace("uplink", sdbus::Variant(std::string(uplink)));
    d.emplace("path", sdbus::Variant(std::string(path)));
    d.emplace("source", sdbus::Variant(std::string(*uplink != '\0' ? "2001:db8:b::10" : "")));
    d.emplace("blocked", sdbus::Variant(blocked));
    d.emplace("moves", sdbus::Variant(moves));
    return Application(name, d);
}

// mptcp = true: whether its TCP is MPTCP; nothing for mptcp "off".
TEST(FormatStatus, ApplicationLineSaysWhetherItsTcpIsMptcp) {
    Status s = running_status({with_state("up")});
    Application on = application("web", "", "", false, 0);
    std::get<1>(on).emplace("mptcp", sdbus::Variant(std::string("on")));
    Application unavailable = application("sync", "", "", false, 0);
    std::get<1>(unavailable).emplace("mptcp", sdbus::Variant(std::string("unavailable")));
    Application off = application("mail", "", "", false, 0);
    std::get<1>(off).emplace("mptcp", sdbus::Variant(std::string("off")));
    s.applications = {on, unavailable, off};
    EXPECT_EQ(
        format_status(s, false),
        "Version: 0.1.0\nState:   running\nPaths:   1 (1 up, 0 unknown, 0 degraded, 0 down)\n"
        "App:     web: generic policy (no preferred uplink is usable); 0 moves; TCP as MPTCP\n"
        "App:     sync: generic policy (no preferred uplink is usable); 0 moves; MPTCP "
        "unavailable (see the daemon's log)\n"
        "App:     mail: generic policy (no preferred uplink is usable); 0 moves\n");
}

TEST(FormatStatus, OneLinePerApplicationWithItsChoice) {
    Status s = running_status({with_state("up")});
    s.applications = {application("backup", "isp-b", "eth1/2001:db8:b::/64/fe80::b", false, 1),
                      application("voip", "", "", false, 0), application("vault", "", "", true, 2)};
    EXPECT_EQ(format_status(s, false),
              "Version: 0.1.0\nState:   running\nPaths:   1 (1 up, 0 unknown, 0 degraded, 0 down)\n"
              "App:     backup: uplink isp-b via eth1/2001:db8:b::/64/fe80::b, source "
              "2001:db8:b::10; 1 move\n"
              "App:     voip: generic policy (no preferred uplink is usable); 0 moves\n"
              "App:     vault: blocked (fallback = false: no preferred uplink is usable); 2 "
              "moves\n");
    s.applications.resize(1);
    EXPECT_EQ(format_status(s, true),
              "{\"version\":\"0.1.0\",\"state\":\"running\",\"paths\":1,\"paths_by_state\":"
              "{\"degraded\":0,\"down\":0,\"unknown\":0,\"up\":1},\"links\":[],"
              "\"applications\":[{\"name\":\"backup\",\"blocked\":false,\"moves\":1,"
              "\"path\":\"eth1/2001:db8:b::/64/fe80::b\",\"source\":\"2001:db8:b::10\","
              "\"uplink\":\"isp-b\"}]}\n");
}

TEST(FormatStatus, AnApplicationsPreferenceIsShown) {
    Status s = running_status({with_state("up")});
    Application voip = application("voip", "isp-a", "eth0/2001:db8:a::/64/fe80::a", false, 0);
    std::get<1>(voip).emplace("preference", sdbus::Variant(std::string("latency")));
    Application plain = application("backup", "", "", false, 0);
    std::get<1>(plain).emplace("preference", sdbus::Variant(std::string()));
    s.applications = {voip, plain};
    EXPECT_EQ(format_status(s, false),
              "Version: 0.1.0\nState:   running\nPaths:   1 (1 up, 0 unknown, 0 degraded, 0 down)\n"
              "App:     voip: uplink isp-a via eth0/2001:db8:a::/64/fe80::a, source "
              "2001:db8:b::10; preference latency; 0 moves\n"
              "App:     backup: generic policy (no preferred uplink is usable); 0 moves\n");
}

TEST(FormatPaths, TheApplicationsOnEachPath) {
    Path a = path_entry("eth0/a", "isp-a", "fe80::a");
    Path b = path_entry("eth1/b", "isp-b", "fe80::b");
    b.get<1>().emplace("applications",
                       sdbus::Variant(std::vector<std::string>{"backup", "updates"}));
    EXPECT_EQ(format_paths({a, b}, false),
              "PATH    UPLINK  STATE  RTT  LOSS  COST  ADDRESSES  APPLICATIONS\n"
              "eth0/a  isp-a   -      -    -     100   -          -\n"
              "eth1/b  isp-b   -      -    -     100   -          backup,updates\n");
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
