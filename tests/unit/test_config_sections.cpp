// [probe], [gai], [balance] and [[uplink]]: every key, the edges of every
// range, drop-in merging and the printed effective configuration.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config.hpp"
#include "config_parser.hpp"
#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using namespace std::chrono_literals;
using test::addr;
using test::pfx;

// Applies the files in order, as the loader does; fails the test on errors.
Config apply_all(const std::vector<std::pair<std::string, std::string>>& files) {
    Config config;
    for (const auto& [name, text] : files) {
        const auto errors = apply_config_text(text, name, config);
        EXPECT_TRUE(errors.empty()) << name << ": " << errors.front().to_string();
    }
    return config;
}

std::string errors_text(const std::vector<ConfigError>& errors) {
    std::string s;
    for (const auto& e : errors) {
        s += e.to_string() + "\n";
    }
    return s;
}

TEST(ConfigSections, DefaultsAreTheDocumentedOnes) {
    const Config c;
    EXPECT_EQ(c.probe.interval, 250ms);
    EXPECT_EQ(c.probe.timeout, 300ms);
    EXPECT_EQ(c.probe.min_timeout, 50ms);
    EXPECT_EQ(c.probe.max_rate_per_path, 10U);
    EXPECT_FALSE(c.gai.enabled);
    EXPECT_EQ(c.gai.file, "/etc/gai.conf");
    EXPECT_EQ(c.balance.prefixes, std::vector<Prefix>{pfx("2000::/3")});
    EXPECT_EQ(c.balance.slice_bits, 4U);
    EXPECT_TRUE(c.uplinks.empty());
    EXPECT_EQ(c.address_selection.table, PolicyTableChoice::Rfc6724Update);
    EXPECT_TRUE(c.address_selection.known_local_ula);
    // The defaults pass every check of their own.
    Config reread;
    EXPECT_TRUE(apply_config_text(to_toml(c), "defaults.toml", reread).empty());
}

TEST(ConfigSections, ReadsEveryProbeGaiAndBalanceKey) {
    const Config c = apply_all({{"full.toml", R"(
[probe]
interval_ms = 100
timeout_ms = 150
down_after = 2
up_after = 7
up_after_ms = 1500
loss_window = 20
degraded_loss_percent = 30
degraded_rtt_ms = 120
max_rate_per_path = 10
max_rate = 80
probe_routers = false
probe_dns_servers = false
targets = ["2001:db8:ff::1", "fd00::53"]

[gai]
enabled = true
file = "/run/multi6d/gai.conf"

[balance]
prefixes = ["2001:db8::/32", "2400::/12"]
slice_bits = 6
)"}});
    EXPECT_EQ(c.probe.interval, 100ms);
    EXPECT_EQ(c.probe.timeout, 150ms);
    EXPECT_EQ(c.probe.down_after, 2U);
    EXPECT_EQ(c.probe.up_after, 7U);
    EXPECT_EQ(c.probe.up_after_duration, 1500ms);
    EXPECT_EQ(c.probe.loss_window, 20U);
    EXPECT_EQ(c.probe.degraded_loss_percent, 30U);
    EXPECT_EQ(c.probe.degraded_rtt, 120ms);
    EXPECT_EQ(c.probe.max_rate_per_path, 10U);
    EXPECT_EQ(c.probe.max_rate, 80U);
    EXPECT_FALSE(c.probe.probe_routers);
    EXPECT_FALSE(c.probe.probe_dns_servers);
    EXPECT_EQ(c.probe.targets, (std::vector<Address>{addr("2001:db8:ff::1"), addr("fd00::53")}));
    EXPECT_TRUE(c.gai.enabled);
    EXPECT_EQ(c.gai.file, "/run/multi6d/gai.conf");
    EXPECT_EQ(c.balance.prefixes, (std::vector<Prefix>{pfx("2001:db8::/32"), pfx("2400::/12")}));
    EXPECT_EQ(c.balance.slice_bits, 6U);
}

// Both ends of every range are accepted (the table in test_config.cpp has
// the values just outside).
TEST(ConfigSections, RangeEdgesAreAccepted) {
    const char* accepted[] = {
        "[probe]\ninterval_ms = 50\ntimeout_ms = 10\nmax_rate_per_path = 20\n",
        "[probe]\ninterval_ms = 60000\ntimeout_ms = 60000\nmax_rate_per_path = 1\nmax_rate = 1\n",
        "[probe]\ninterval_ms = 100\ntimeout_ms = 800\nmax_rate_per_path = 10\n",
        "[probe]\ndown_after = 1\nup_after = 1\nup_after_ms = 0\nloss_window = 4\n",
        "[probe]\ndown_after = 100\nup_after = 1000\nup_after_ms = 3600000\nloss_window = 1000\n",
        "[probe]\ndegraded_loss_percent = 1\ndegraded_rtt_ms = 299\n",
        "[probe]\ndegraded_loss_percent = 100\ndegraded_rtt_ms = 0\nmax_rate = 100000\n",
        "[probe]\nmax_rate_per_path = 1000\nmax_rate = 1000\ntargets = []\n",
        "[gai]\nfile = \"/a\"\nenabled = false\n",
        "[balance]\nprefixes = [\"2000::/3\"]\nslice_bits = 8\n",
        "[balance]\nprefixes = [\"2001:db8::/124\"]\nslice_bits = 4\n",
        "[balance]\nprefixes = []\nslice_bits = 1\n",
        "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"::/0\"]\ncost = 0\nweight = 0\n",
        "[[uplink]]\nname = \"A.b_c-9\"\nmatch_routers = [\"fe80::1\"]\ncost = 65535\n"
        "weight = 1000\nrole = \"backup\"\n",
        "[[uplink]]\nname = \"abcdefghijklmnopqrstuvwxyz012345\"\nmatch_prefixes = "
        "[\"2001:db8:1::/128\"]\n",
    };
    for (const char* text : accepted) {
        Config c;
        EXPECT_TRUE(apply_config_text(text, "edge.toml", c).empty())
            << text << errors_text(apply_config_text(text, "edge.toml", c));
        EXPECT_NE(c, Config{}) << text;
    }
}

TEST(ConfigSections, AddressSelectionDropInsMergeKeyByKey) {
    const Config c = apply_all({{"multi6d.toml", "[address_selection]\ntable = \"rfc6724\"\n"},
                                {"10-ula.toml", "[address_selection]\nknown_local_ula = false\n"}});
    EXPECT_EQ(c.address_selection.table, PolicyTableChoice::Rfc6724);
    EXPECT_FALSE(c.address_selection.known_local_ula);
    const Config back = apply_all(
        {{"multi6d.toml", "[address_selection]\ntable = \"rfc6724\"\nknown_local_ula = false\n"},
         {"20-update.toml", "[address_selection]\ntable = \"rfc6724-update\"\n"}});
    EXPECT_EQ(back.address_selection.table, PolicyTableChoice::Rfc6724Update);
    EXPECT_FALSE(back.address_selection.known_local_ula);
    // A bad value keeps what the earlier files set.
    Config kept = c;
    EXPECT_FALSE(
        apply_config_text("[address_selection]\ntable = \"new\"\n", "30-bad.toml", kept).empty());
    EXPECT_EQ(kept, c);
}

TEST(ConfigSections, ReadsUplinks) {
    const Config c = apply_all({{"main.toml", R"(
[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/48", "2001:db8:aa::/48"]
cost = 10
weight = 3

[[uplink]]
name = "isp-b"
match_routers = ["fe80::b"]
weight = 1
role = "backup"
)"}});
    ASSERT_EQ(c.uplinks.size(), 2U);
    const UplinkConfig& a = c.uplinks[0];
    EXPECT_EQ(a.name, "isp-a");
    EXPECT_EQ(a.match_prefixes,
              (std::vector<Prefix>{pfx("2001:db8:a::/48"), pfx("2001:db8:aa::/48")}));
    EXPECT_TRUE(a.match_routers.empty());
    EXPECT_EQ(a.cost, 10U);
    EXPECT_EQ(a.weight, 3U);
    EXPECT_EQ(a.role, UplinkRole::Primary);
    const UplinkConfig& b = c.uplinks[1];
    EXPECT_EQ(b.name, "isp-b");
    EXPECT_EQ(b.match_routers, std::vector<Address>{addr("fe80::b")});
    EXPECT_EQ(b.cost, 100U);  // default
    EXPECT_EQ(b.weight, 1U);
    EXPECT_EQ(b.role, UplinkRole::Backup);
}

// Drop-ins: a known name updates that uplink key by key (a list as a
// whole) and keeps its place; a new name is appended.
TEST(ConfigSections, DropInsMergeUplinksByName) {
    const Config c = apply_all({
        {"multi6d.toml",
         "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::/48\"]\ncost = 10\n"
         "[[uplink]]\nname = \"b\"\nmatch_prefixes = [\"2001:db8:b::/48\"]\nweight = 2\n"},
        {"multi6d.toml.d/10-roles.toml",
         "[[uplink]]\nname = \"c\"\nmatch_routers = [\"fe80::c\"]\n"
         "[[uplink]]\nname = \"b\"\nrole = \"backup\"\n"},
        {"multi6d.toml.d/20-move.toml",
         "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:aa::/48\"]\n"},
    });
    ASSERT_EQ(c.uplinks.size(), 3U);
    EXPECT_EQ(c.uplinks[0].name, "a");
    EXPECT_EQ(c.uplinks[0].match_prefixes, std::vector<Prefix>{pfx("2001:db8:aa::/48")});
    EXPECT_EQ(c.uplinks[0].cost, 10U);
    EXPECT_EQ(c.uplinks[1].name, "b");
    EXPECT_EQ(c.uplinks[1].match_prefixes, std::vector<Prefix>{pfx("2001:db8:b::/48")});
    EXPECT_EQ(c.uplinks[1].weight, 2U);
    EXPECT_EQ(c.uplinks[1].role, UplinkRole::Backup);
    EXPECT_EQ(c.uplinks[2].name, "c");
    EXPECT_EQ(c.uplinks[2].match_routers, std::vector<Address>{addr("fe80::c")});
}

// A drop-in may move a prefix from one uplink to another as long as the
// merged result gives it to one uplink only; nested prefixes are fine (the
// longest match decides, policy/uplink.hpp).
TEST(ConfigSections, DropInMovesAPrefixBetweenUplinks) {
    const Config c = apply_all({
        {"main.toml",
         "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::/48\", \"2001:db8::/32\"]\n"
         "[[uplink]]\nname = \"b\"\nmatch_prefixes = [\"2001:db8:b::/48\"]\n"},
        {"10.toml",
         "[[uplink]]\nname = \"b\"\nmatch_prefixes = [\"2001:db8:b::/48\", "
         "\"2001:db8:a::/48\"]\n"
         "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8::/32\"]\n"},
    });
    EXPECT_EQ(c.uplinks[0].match_prefixes, std::vector<Prefix>{pfx("2001:db8::/32")});
    EXPECT_EQ(c.uplinks[1].match_prefixes.size(), 2U);
}

TEST(ConfigSections, CollisionWithAnEarlierFileIsReportedInTheDropIn) {
    Config c = apply_all({{"main.toml",
                           "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::/48\"]\n"
                           "match_routers = [\"fe80::a\"]\n"}});
    const Config before = c;
    const auto errors = apply_config_text(
        "[[uplink]]\nname = \"z\"\nmatch_routers = [\"fe80::9\", \"fe80::a\"]\n", "50-z.toml", c);
    ASSERT_EQ(errors.size(), 1U) << errors_text(errors);
    EXPECT_EQ(errors[0].file, "50-z.toml");
    EXPECT_EQ(errors[0].line, 3U);
    EXPECT_EQ(errors[0].column, 29U);  // the second element
    EXPECT_EQ(errors[0].key, "uplink \"z\".match_routers");
    EXPECT_NE(errors[0].message.find("fe80::a is also in match_routers of uplink \"a\""),
              std::string::npos)
        << errors[0].message;
    EXPECT_EQ(c, before);

    // Here the drop-in changes the earlier uplink to collide with a later one:
    // the error is on the line this file wrote.
    c = apply_all({{"main.toml",
                    "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:a::/48\"]\n"
                    "[[uplink]]\nname = \"b\"\nmatch_prefixes = [\"2001:db8:b::/48\"]\n"}});
    const auto moved = apply_config_text(
        "[[uplink]]\nname = \"a\"\nmatch_prefixes = [\"2001:db8:b::/48\"]\n", "60.toml", c);
    ASSERT_EQ(moved.size(), 1U);
    EXPECT_EQ(moved[0].line, 3U);
    EXPECT_EQ(moved[0].key, "uplink \"a\".match_prefixes");
    EXPECT_NE(moved[0].message.find("uplink \"b\""), std::string::npos) << moved[0].message;
}

// A cross-key check points at the key this file set, even when the other
// key came from an earlier file.
TEST(ConfigSections, CrossKeyErrorPointsAtTheKeyThisFileSets) {
    Config c = apply_all({{"main.toml", "[probe]\ninterval_ms = 100\nmax_rate_per_path = 10\n"}});
    const auto errors =
        apply_config_text("# lower the cap\n[probe]\nmax_rate_per_path = 5\n", "10-cap.toml", c);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].line, 3U);
    EXPECT_EQ(errors[0].key, "probe.max_rate_per_path");
    EXPECT_NE(errors[0].message.find("interval_ms 100 means 10 probes per second"),
              std::string::npos)
        << errors[0].message;
    EXPECT_EQ(c.probe.max_rate_per_path, 10U);
}

TEST(ConfigSections, EveryErrorOfAFileIsReportedInLineOrder) {
    Config c;
    const auto errors = apply_config_text(R"([[uplink]]
name = "a"
role = "main"
cost = -1
[probe]
down_after = 0
[gai]
file = "x"
)",
                                          "many.toml", c);
    ASSERT_EQ(errors.size(), 4U) << errors_text(errors);
    EXPECT_EQ(errors[0].key, "uplink \"a\".role");
    EXPECT_EQ(errors[1].key, "uplink \"a\".cost");
    EXPECT_EQ(errors[2].key, "probe.down_after");
    EXPECT_EQ(errors[3].key, "gai.file");
    EXPECT_EQ(c, Config{});
}

TEST(ConfigSections, EffectiveConfigWithEverythingRoundTrips) {
    Config config;
    config.managed_links = {"eth0"};
    config.probe.interval = 100ms;
    config.probe.timeout = 120ms;
    config.probe.degraded_rtt = 80ms;
    config.probe.max_rate_per_path = 10;
    config.probe.probe_dns_servers = false;
    config.probe.targets = {addr("2001:db8:ff::1"), addr("fd00::1")};
    config.gai = {true, "/etc/we\"ird\\gai.conf"};
    config.address_selection = {PolicyTableChoice::Rfc6724, false};
    config.balance = {{pfx("2001:db8::/32"), pfx("2001:db8:8000::/33")}, 5};
    config.uplinks = {
        {"isp-a",
         {pfx("2001:db8:a::/48")},
         {addr("fe80::a"), addr("fe80::aa")},
         10,
         3,
         UplinkRole::Primary},
        {"isp-b", {}, {addr("fe80::b")}, 65535, 0, UplinkRole::Backup},
        {"all", {pfx("::/0")}, {}, 0, 1000, UplinkRole::Primary},
    };
    Config reread;
    const std::string text = to_toml(config);
    const auto errors = apply_config_text(text, "printed.toml", reread);
    ASSERT_TRUE(errors.empty()) << errors_text(errors) << text;
    EXPECT_EQ(reread, config) << text;
    // Printing what was read prints the same text.
    EXPECT_EQ(to_toml(reread), text);
}

}  // namespace
}  // namespace multi6d
