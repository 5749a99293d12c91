#include <gtest/gtest.h>

#include "config.hpp"
#include "config_parser.hpp"

namespace multi6d {
namespace {

TEST(Config, EmptyFileKeepsDefaults) {
    Config config;
    EXPECT_TRUE(apply_config_text("", "empty.toml", config).empty());
    EXPECT_EQ(config, Config{});
}

TEST(Config, ReadsEveryKey) {
    Config config;
    const auto errors = apply_config_text(R"(
[links]
managed = ["eth0", "wlan0"]
[limits]
routers_per_link = 4
prefixes_per_router = 3
routes_per_router = 0
dns_servers_per_router = 2
)",
                                          "full.toml", config);
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    EXPECT_EQ(config.managed_links, (std::vector<std::string>{"eth0", "wlan0"}));
    EXPECT_EQ(config.limits.routers_per_link, 4U);
    EXPECT_EQ(config.limits.prefixes_per_router, 3U);
    EXPECT_EQ(config.limits.routes_per_router, 0U);
    EXPECT_EQ(config.limits.dns_servers_per_router, 2U);
}

TEST(Config, LaterFileOverridesOnlyWhatItSets) {
    Config config;
    ASSERT_TRUE(apply_config_text("[limits]\nrouters_per_link = 4\nroutes_per_router = 9\n",
                                  "main.toml", config)
                    .empty());
    ASSERT_TRUE(
        apply_config_text("[limits]\nroutes_per_router = 5\n", "10-drop.toml", config).empty());
    EXPECT_EQ(config.limits.routers_per_link, 4U);
    EXPECT_EQ(config.limits.routes_per_router, 5U);
}

TEST(Config, ErrorLeavesConfigUnchanged) {
    Config config;
    const auto errors = apply_config_text(
        "[limits]\nrouters_per_link = 4\nprefixes_per_router = 0\n", "x.toml", config);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(config, Config{});
}

TEST(Config, EffectiveConfigRoundTrips) {
    Config config;
    config.managed_links = {"eth0", "we\"ird"};
    config.limits.routes_per_router = 7;
    Config reread;
    const auto errors = apply_config_text(to_toml(config), "printed.toml", reread);
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    EXPECT_EQ(reread, config);
}

// Every broken configuration must be reported with the file, the line and
// the key (when there is one), so the administrator can find it.
struct BrokenConfig {
    const char* name;
    const char* text;
    unsigned line;
    const char* key;           // "" for syntax errors
    const char* message_part;  // must appear in the message
};

class BrokenConfigTest : public testing::TestWithParam<BrokenConfig> {};

TEST_P(BrokenConfigTest, ReportsFileLineAndKey) {
    const BrokenConfig& c = GetParam();
    Config config;
    const auto errors = apply_config_text(c.text, "/etc/multi6d/broken.toml", config);
    ASSERT_FALSE(errors.empty()) << "accepted: " << c.text;
    const ConfigError& e = errors.front();
    EXPECT_EQ(e.file, "/etc/multi6d/broken.toml");
    EXPECT_EQ(e.line, c.line);
    EXPECT_GT(e.column, 0U);
    EXPECT_EQ(e.key, c.key);
    EXPECT_NE(e.message.find(c.message_part), std::string::npos) << e.message;
    const std::string text = e.to_string();
    EXPECT_EQ(text.rfind("/etc/multi6d/broken.toml:" + std::to_string(c.line) + ":", 0), 0U)
        << text;
    EXPECT_EQ(config, Config{});
}

const BrokenConfig broken_configs[] = {
    {"MptcpEnabledString", "[mptcp]\nenabled = \"yes\"\n", 2, "mptcp.enabled", "boolean"},
    {"MptcpSubflowsTooMany", "[mptcp]\nsubflows = 9\n", 2, "mptcp.subflows", "allowed 0 to 8"},
    {"MptcpAddAddrNegative", "[mptcp]\nadd_addr_accepted = -1\n", 2, "mptcp.add_addr_accepted",
     "out of range"},
    {"MptcpUnknownKey", "[mptcp]\nendpoints = 3\n", 2, "mptcp.endpoints", "unknown key"},
    {"SyntaxError", "[links\nmanaged = []\n", 1, "", ""},
    {"UnknownTopLevelKey", "\n\nfoo = 1\n", 3, "foo", "unknown key"},
    {"UnknownSection", "[link]\nmanaged = []\n", 1, "link", "allowed here: links, limits, probe"},
    {"UnknownKeyInLinks", "[links]\nmanged = [\"eth0\"]\n", 2, "links.manged",
     "allowed here: managed"},
    {"ManagedNotArray", "[links]\nmanaged = \"eth0\"\n", 2, "links.managed",
     "expected an array of strings, got a string"},
    {"ManagedElementNotString", "[links]\nmanaged = [\"eth0\", 3]\n", 2, "links.managed",
     "found an integer"},
    {"ManagedNameTooLong", "[links]\nmanaged = [\"abcdefghijklmnop\"]\n", 2, "links.managed",
     "1 to 15 characters"},
    {"ManagedNameEmpty", "[links]\nmanaged = [\"\"]\n", 2, "links.managed", "1 to 15 characters"},
    {"ManagedNameSlash", "[links]\nmanaged = [\"eth/0\"]\n", 2, "links.managed", "not allowed"},
    {"LinksNotTable", "links = 3\n", 1, "links", "expected a table"},
    {"RoutersTooFew", "[limits]\nrouters_per_link = 1\n", 2, "limits.routers_per_link",
     "allowed 2 to 64"},
    {"RoutersTooMany", "[limits]\nrouters_per_link = 65\n", 2, "limits.routers_per_link",
     "out of range"},
    {"RoutersNegative", "[limits]\nrouters_per_link = -3\n", 2, "limits.routers_per_link",
     "out of range"},
    {"RoutersString", "[limits]\nrouters_per_link = \"8\"\n", 2, "limits.routers_per_link",
     "expected an integer"},
    {"RoutersFloat", "[limits]\nrouters_per_link = 8.0\n", 2, "limits.routers_per_link",
     "floating-point"},
    {"PrefixesZero", "[limits]\nprefixes_per_router = 0\n", 2, "limits.prefixes_per_router",
     "allowed 1 to 256"},
    {"RoutesTooMany", "[limits]\nroutes_per_router = 100000\n", 2, "limits.routes_per_router",
     "out of range"},
    {"DnsBool", "[limits]\ndns_servers_per_router = true\n", 2, "limits.dns_servers_per_router",
     "got a boolean"},
    {"UnknownLimit", "[limits]\n\nrouter_per_link = 3\n", 3, "limits.router_per_link",
     "unknown key"},
    {"DuplicateKey", "[limits]\nroutes_per_router = 1\nroutes_per_router = 2\n", 3, "", ""},
    {"BadString", "[links]\nmanaged = [\"eth0]\n", 2, "", ""},

    // [probe]
    {"ProbeNotTable", "probe = 3\n", 1, "probe", "expected a table"},
    {"ProbeUnknownKey", "[probe]\nintervall_ms = 100\n", 2, "probe.intervall_ms",
     "allowed here: interval_ms, timeout_ms, min_timeout_ms, down_after"},
    {"ProbeIntervalTooShort", "[probe]\ninterval_ms = 10\n", 2, "probe.interval_ms",
     "allowed 50 to 60000"},
    {"ProbeIntervalWithUnit", "[probe]\ninterval_ms = \"250ms\"\n", 2, "probe.interval_ms",
     "expected an integer from 50 to 60000, got a string"},
    {"ProbeTimeoutZero", "[probe]\ntimeout_ms = 0\n", 2, "probe.timeout_ms", "allowed 10 to 60000"},
    {"ProbeTimeoutFarAboveInterval",
     "[probe]\ninterval_ms = 100\nmax_rate_per_path = 10\ntimeout_ms = 900\n", 4,
     "probe.timeout_ms", "more than 8 times interval_ms 100 (allowed up to 800)"},
    {"ProbeDownAfterZero", "[probe]\ndown_after = 0\n", 2, "probe.down_after", "allowed 1 to 100"},
    {"ProbeUpAfterNegative", "[probe]\nup_after = -5\n", 2, "probe.up_after", "allowed 1 to 1000"},
    {"ProbeUpAfterMsTooLong", "[probe]\nup_after_ms = 3600001\n", 2, "probe.up_after_ms",
     "allowed 0 to 3600000"},
    {"ProbeLossWindowTooSmall", "[probe]\nloss_window = 2\n", 2, "probe.loss_window",
     "allowed 4 to 1000"},
    {"ProbeDegradedLossOver100", "[probe]\ndegraded_loss_percent = 101\n", 2,
     "probe.degraded_loss_percent", "allowed 1 to 100"},
    {"ProbeDegradedRttNotBelowTimeout", "[probe]\n\ndegraded_rtt_ms = 300\n", 3,
     "probe.degraded_rtt_ms", "must be below timeout_ms 300"},
    {"ProbeIntervalAboveRateCap", "[probe]\ninterval_ms = 50\n", 2, "probe.interval_ms",
     "raise max_rate_per_path to at least 20 or interval_ms to at least 100"},
    {"ProbeMaxRateBelowPerPath", "[probe]\nmax_rate = 4\n", 2, "probe.max_rate",
     "below max_rate_per_path 10"},
    {"ProbeMinTimeoutTooShort", "[probe]\nmin_timeout_ms = 5\n", 2, "probe.min_timeout_ms",
     "allowed 10 to 60000"},
    {"ProbeRoutersQuoted", "[probe]\nprobe_routers = \"yes\"\n", 2, "probe.probe_routers",
     "expected true or false, got a string"},
    {"ProbeDnsInteger", "[probe]\nprobe_dns_servers = 1\n", 2, "probe.probe_dns_servers",
     "expected true or false, got an integer"},
    {"ProbeTargetsNotArray", "[probe]\ntargets = \"2001:db8::1\"\n", 2, "probe.targets",
     "expected an array of strings"},
    {"ProbeTargetIpv4", "[probe]\ntargets = [\"192.0.2.1\"]\n", 2, "probe.targets",
     "not an IPv6 address"},
    {"ProbeTargetLinkLocal", "[probe]\ntargets = [\"fe80::1\"]\n", 2, "probe.targets",
     "is link-local"},
    {"ProbeTargetMulticast", "[probe]\ntargets = [\"ff02::1\"]\n", 2, "probe.targets",
     "not a unicast address"},
    {"ProbeTargetTwice", "[probe]\ntargets = [\"2001:db8::1\",\n  \"2001:db8:0::1\"]\n", 3,
     "probe.targets", "listed twice"},
    {"ProbeTooManyTargets",
     "[probe]\ntargets = [\"2001:db8::1\", \"2001:db8::2\", \"2001:db8::3\", \"2001:db8::4\", "
     "\"2001:db8::5\", \"2001:db8::6\", \"2001:db8::7\", \"2001:db8::8\", \"2001:db8::9\", "
     "\"2001:db8::a\", \"2001:db8::b\", \"2001:db8::c\", \"2001:db8::d\", \"2001:db8::e\", "
     "\"2001:db8::f\", \"2001:db8::10\", \"2001:db8::11\"]\n",
     2, "probe.targets", "at most 16 entries allowed, got 17"},

    // [gai]
    {"GaiUnknownKey", "[gai]\nenable = true\n", 2, "gai.enable", "allowed here: enabled, file"},
    {"GaiEnabledInteger", "[gai]\nenabled = 1\n", 2, "gai.enabled",
     "expected true or false, got an integer"},
    {"GaiFileRelative", "[gai]\nfile = \"gai.conf\"\n", 2, "gai.file", "not an absolute file name"},
    {"GaiFileDirectory", "[gai]\nfile = \"/etc/\"\n", 2, "gai.file", "names a directory"},
    {"GaiFileDotDot", "[gai]\nfile = \"/etc/../gai.conf\"\n", 2, "gai.file",
     "contains a \"..\" component"},

    // [address_selection]
    {"AddressSelectionTableUnknown", "[address_selection]\ntable = \"rfc3484\"\n", 2,
     "address_selection.table",
     "\"rfc3484\" is not allowed (allowed: \"rfc6724-update\", \"rfc6724\")"},
    {"AddressSelectionTableInteger", "[address_selection]\ntable = 6724\n", 2,
     "address_selection.table", "expected a string, got an integer"},
    {"AddressSelectionKnownLocalQuoted", "[address_selection]\nknown_local_ula = \"on\"\n", 2,
     "address_selection.known_local_ula", "expected true or false, got a string"},
    {"AddressSelectionUnknownKey", "[address_selection]\nknown_local = false\n", 2,
     "address_selection.known_local", "allowed here: table, known_local_ula"},

    // [balance]
    {"BalanceOutsideGeneric", "[balance]\nprefixes = [\"fd00::/8\"]\n", 2, "balance.prefixes",
     "outside 2000::/3"},
    {"BalanceSliceBitsZero", "[balance]\nslice_bits = 0\n", 2, "balance.slice_bits",
     "allowed 1 to 8"},
    {"BalanceTooManyRows",
     "[balance]\nprefixes = [\"2000::/3\", \"2001:db8::/32\"]\nslice_bits = 8\n", 3,
     "balance.slice_bits", "make 512 policy-table rows, more than 256 allowed"},
    {"BalancePrefixTooLong", "[balance]\nprefixes = [\"2001:db8::1/128\"]\n", 2, "balance.prefixes",
     "prefix length of at most 124"},

    // [[uplink]]
    {"UplinkSingleTable", "[uplink]\nname = \"a\"\n", 1, "uplink",
     "expected an array of tables (write [[uplink]]), got a table"},
    {"UplinkElementNotTable", "uplink = [1]\n", 1, "uplink[0]", "expected a table, got an integer"},
    {"UplinkMissingName", "\n[[uplink]]\ncost = 3\n", 2, "uplink[0].name",
     "every [[uplink]] needs a name"},
    {"UplinkNameNotString", "[[uplink]]\nname = 5\n", 2, "uplink[0].name",
     "expected a string, got an integer"},
    {"UplinkNameSpace", "[[uplink]]\nname = \"isp a\"\n", 2, "uplink[0].name",
     "only letters, digits, '_', '.' and '-'"},
    {"UplinkNameTooLong", "[[uplink]]\nname = \"abcdefghijklmnopqrstuvwxyz0123456\"\n", 2,
     "uplink[0].name", "must be 1 to 32 characters"},
    {"UplinkNameTwice",
     "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::/48\"]\n[[uplink]]\nname = "
     "\"a\"\n",
     5, "uplink \"a\".name", "defined twice in this file (first at line 2)"},
    {"UplinkUnknownKey", "[[uplink]]\nname = \"a\"\nprio = 1\n", 3, "uplink \"a\".prio",
     "allowed here: name, match_prefixes, match_routers, cost, weight, role"},
    {"UplinkRoleBad", "[[uplink]]\nname = \"isp-a\"\nrole = \"secondary\"\n", 3,
     "uplink \"isp-a\".role", "\"secondary\" is not allowed (allowed: \"primary\", \"backup\")"},
    {"UplinkRoleInteger", "[[uplink]]\nname = \"a\"\nrole = 1\n", 3, "uplink \"a\".role",
     "expected a string, got an integer"},
    {"UplinkCostTooHigh", "[[uplink]]\nname = \"a\"\ncost = 70000\n", 3, "uplink \"a\".cost",
     "allowed 0 to 65535"},
    {"UplinkWeightNegative", "[[uplink]]\nname = \"a\"\nweight = -1\n", 3, "uplink \"a\".weight",
     "allowed 0 to 1000"},
    {"UplinkWeightFloat", "[[uplink]]\nname = \"a\"\nweight = 1.5\n", 3, "uplink \"a\".weight",
     "got a floating-point number"},
    {"UplinkPrefixIpv4", "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"192.0.2.0/24\"]\n", 3,
     "uplink \"a\".match_prefixes", "is an IPv4 prefix"},
    {"UplinkPrefixHostBits", "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::1/48\"]\n",
     3, "uplink \"a\".match_prefixes", "did you mean 2001:db8:a::/48?"},
    {"UplinkPrefixNoLength", "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::\"]\n", 3,
     "uplink \"a\".match_prefixes", "has no prefix length"},
    {"UplinkPrefixLengthTooLong",
     "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8::/129\"]\n", 3,
     "uplink \"a\".match_prefixes", "from 0 to 128"},
    {"UplinkPrefixLinkLocal", "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"fe80::/64\"]\n", 3,
     "uplink \"a\".match_prefixes", "link-local or multicast"},
    {"UplinkRouterGlobal", "[[uplink]]\nname = \"a\"\nmatch_routers = [\"2001:db8::1\"]\n", 3,
     "uplink \"a\".match_routers", "is not link-local"},
    {"UplinkRouterZone", "[[uplink]]\nname = \"a\"\nmatch_routers = [\"fe80::1%eth0\"]\n", 3,
     "uplink \"a\".match_routers", "has a zone index"},
    {"UplinkMatchesNothing", "\n[[uplink]]\nname = \"a\"\ncost = 5\n", 2,
     "uplink \"a\".match_prefixes", "matches no path"},
    {"UplinkPrefixInTwo",
     "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::/48\"]\n"
     "[[uplink]]\nname = \"b\"\nmatch_prefixes = [\"2001:db8:b::/48\", \"2001:db8:a::/48\"]\n",
     6, "uplink \"b\".match_prefixes", "is also in match_prefixes of uplink \"a\""},
    {"UplinkRouterInTwo",
     "[[uplink]]\nname = \"a\"\nmatch_routers = [\"fe80::1\"]\n"
     "[[uplink]]\nname = \"b\"\n\nmatch_routers = [\"fe80::1\"]\n",
     7, "uplink \"b\".match_routers", "is also in match_routers of uplink \"a\""},
};

INSTANTIATE_TEST_SUITE_P(Config, BrokenConfigTest, testing::ValuesIn(broken_configs),
                         [](const testing::TestParamInfo<BrokenConfig>& param_info) {
                             return std::string(param_info.param.name);
                         });

TEST(Config, ReadsMptcpSection) {
    Config config;
    EXPECT_TRUE(config.mptcp.enabled);
    EXPECT_EQ(config.mptcp.subflows, 8U);
    EXPECT_FALSE(config.mptcp.add_addr_accepted);
    const auto errors = apply_config_text(
        "[mptcp]\nenabled = false\nsubflows = 2\nadd_addr_accepted = 0\n", "m.toml", config);
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    EXPECT_FALSE(config.mptcp.enabled);
    EXPECT_EQ(config.mptcp.subflows, 2U);
    EXPECT_EQ(config.mptcp.add_addr_accepted, 0U);
    // A later file without the key keeps it; the printout round-trips.
    ASSERT_TRUE(apply_config_text("[mptcp]\nsubflows = 3\n", "n.toml", config).empty());
    EXPECT_EQ(config.mptcp.add_addr_accepted, 0U);
    Config reread;
    ASSERT_TRUE(apply_config_text(to_toml(config), "printed.toml", reread).empty());
    EXPECT_EQ(reread, config);
    Config unset;
    Config reread_unset;
    ASSERT_TRUE(apply_config_text(to_toml(unset), "printed.toml", reread_unset).empty());
    EXPECT_EQ(reread_unset, unset);
}

}  // namespace
}  // namespace multi6d
