// [[application]] (issue 17): every key, the errors, drop-in merging and
// the printed effective configuration.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config.hpp"
#include "config_parser.hpp"

namespace multi6d {
namespace {

const std::string two_uplinks =
    "[[uplink]]\nname = \"isp-a\"\nmatch_prefixes = [\"2001:db8:a::/48\"]\n"
    "[[uplink]]\nname = \"isp-b\"\nmatch_prefixes = [\"2001:db8:b::/48\"]\n";

std::vector<ConfigError> parse_into(const std::string& text, Config& config,
                                    const std::string& file = "multi6d.toml") {
    return apply_config_text(text, file, config);
}

TEST(ConfigApplications, ReadsEveryKey) {
    Config c;
    const auto errors = parse_into(two_uplinks +
                                       "[[application]]\nname = \"backup\"\nusers = [\"nobody\", "
                                       "\"1001\"]\ngroups = [\"backup\"]\nuplinks = [\"isp-b\", "
                                       "\"isp-a\"]\nfallback = false\n",
                                   c);
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    ASSERT_EQ(c.applications.size(), 1U);
    const ApplicationConfig& a = c.applications[0];
    EXPECT_EQ(a.name, "backup");
    EXPECT_EQ(a.users, (std::vector<std::string>{"nobody", "1001"}));
    EXPECT_EQ(a.groups, std::vector<std::string>{"backup"});
    EXPECT_EQ(a.uplinks, (std::vector<std::string>{"isp-b", "isp-a"}));
    EXPECT_FALSE(a.fallback);
    EXPECT_TRUE(a.uids.empty());  // the loader resolves them
}

TEST(ConfigApplications, MptcpIsReadAndDefaultsToFalse) {
    Config c;
    ASSERT_TRUE(parse_into(two_uplinks +
                               "[[application]]\nname = \"x\"\nusers = [\"0\"]\nuplinks = "
                               "[\"isp-a\"]\nmptcp = true\n[[application]]\nname = \"y\"\n"
                               "users = [\"1\"]\nuplinks = [\"isp-a\"]\n",
                           c)
                    .empty());
    EXPECT_TRUE(c.applications.at(0).mptcp);
    EXPECT_FALSE(c.applications.at(1).mptcp);
    Config bad;
    const auto errors = parse_into(two_uplinks +
                                       "[[application]]\nname = \"x\"\nusers = [\"0\"]\nuplinks = "
                                       "[\"isp-a\"]\nmptcp = \"yes\"\n",
                                   bad);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors[0].to_string().find("mptcp"), std::string::npos) << errors[0].to_string();
}

TEST(ConfigApplications, FallbackDefaultsToTrue) {
    Config c;
    ASSERT_TRUE(
        parse_into(
            two_uplinks + "[[application]]\nname = \"x\"\nusers = [\"0\"]\nuplinks = [\"isp-a\"]\n",
            c)
            .empty());
    EXPECT_TRUE(c.applications.at(0).fallback);
}

TEST(ConfigApplications, UnknownUplinkIsAnErrorAtItsLine) {
    Config c;
    const auto errors = parse_into(two_uplinks +
                                       "[[application]]\nname = \"x\"\nusers = [\"nobody\"]\n"
                                       "uplinks = [\"isp-a\", \"isp-c\"]\n",
                                   c, "/etc/multi6d/multi6d.toml");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].file, "/etc/multi6d/multi6d.toml");
    EXPECT_EQ(errors[0].line, 10U);
    EXPECT_EQ(errors[0].key, "application \"x\".uplinks");
    EXPECT_NE(errors[0].message.find("no [[uplink]] is named \"isp-c\""), std::string::npos)
        << errors[0].message;
    EXPECT_NE(errors[0].message.find("isp-a, isp-b"), std::string::npos) << errors[0].message;
    EXPECT_TRUE(c.applications.empty());  // a file with errors changes nothing
}

TEST(ConfigApplications, MatchingNobodyOrNoUplinkIsAnError) {
    Config c;
    const auto nobody =
        parse_into(two_uplinks + "[[application]]\nname = \"x\"\nuplinks = [\"isp-a\"]\n", c);
    ASSERT_EQ(nobody.size(), 1U);
    EXPECT_NE(nobody[0].message.find("matches nobody"), std::string::npos);
    const auto no_uplink =
        parse_into(two_uplinks + "[[application]]\nname = \"x\"\nusers = [\"0\"]\n", c);
    ASSERT_EQ(no_uplink.size(), 1U);
    EXPECT_NE(no_uplink[0].message.find("names no uplink"), std::string::npos);
}

// Issue 17 item 2: units alone are a match; each name is checked.
TEST(ConfigApplications, UnitsAloneMatchAndAreRead) {
    Config c;
    const auto errors = parse_into(two_uplinks +
                                       "[[application]]\nname = \"backup\"\nunits = "
                                       "[\"backup.service\", \"run-u7.scope\"]\nuplinks = "
                                       "[\"isp-b\"]\n",
                                   c);
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    EXPECT_EQ(c.applications.at(0).units,
              (std::vector<std::string>{"backup.service", "run-u7.scope"}));
    EXPECT_TRUE(c.applications.at(0).users.empty());
}

TEST(ConfigApplications, BadUnitNameIsAnErrorAtItsLine) {
    Config c;
    const auto errors = parse_into(two_uplinks +
                                       "[[application]]\nname = \"x\"\nuplinks = [\"isp-a\"]\n"
                                       "units = [\"backup.service\", \"backup.timer\"]\n",
                                   c);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].line, 10U);
    EXPECT_EQ(errors[0].key, "application \"x\".units");
    EXPECT_NE(errors[0].message.find("\"backup.timer\" is not a unit with a cgroup"),
              std::string::npos)
        << errors[0].message;
    EXPECT_TRUE(c.applications.empty());
}

TEST(ConfigApplications, TooManyUnitsIsAnError) {
    std::string units;
    for (int i = 0; i <= 64; ++i) {
        units += (i == 0 ? "\"u" : ", \"u") + std::to_string(i) + ".service\"";
    }
    Config c;
    const auto errors = parse_into(two_uplinks +
                                       "[[application]]\nname = \"x\"\nuplinks = "
                                       "[\"isp-a\"]\nunits = [" +
                                       units + "]\n",
                                   c);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors[0].message.find("lists 65 units: at most 64"), std::string::npos)
        << errors[0].message;
}

TEST(ConfigApplications, BadNamesAndDuplicatesAreErrors) {
    Config c;
    EXPECT_EQ(
        parse_into(two_uplinks +
                       "[[application]]\nname = \"x\"\nusers = [\"a b\"]\nuplinks = [\"isp-a\"]\n",
                   c)
            .size(),
        1U);
    EXPECT_EQ(
        parse_into(two_uplinks +
                       "[[application]]\nname = \"x\"\nusers = [\"0\"]\nuplinks = [\"isp-a\"]\n"
                       "[[application]]\nname = \"x\"\nusers = [\"1\"]\nuplinks = [\"isp-a\"]\n",
                   c)
            .size(),
        1U);
    EXPECT_EQ(parse_into(two_uplinks + "[[application]]\nname = \"x\"\nusers = [\"0\"]\nuplinks = "
                                       "[\"isp-a\"]\ncolour = \"red\"\n",
                         c)
                  .size(),
              1U);
    EXPECT_TRUE(c.applications.empty());
}

TEST(ConfigApplications, DropInsMergeByName) {
    Config c;
    ASSERT_TRUE(parse_into(two_uplinks +
                               "[[application]]\nname = \"x\"\nusers = [\"nobody\"]\nuplinks = "
                               "[\"isp-b\"]\n"
                               "[[application]]\nname = \"y\"\ngroups = [\"voip\"]\nuplinks = "
                               "[\"isp-a\"]\n",
                           c)
                    .empty());
    const auto errors = parse_into(
        "[[application]]\nname = \"x\"\nfallback = false\n"
        "[[application]]\nname = \"z\"\nusers = [\"0\"]\nuplinks = "
        "[\"isp-a\", \"isp-b\"]\n",
        c, "multi6d.toml.d/10-apps.toml");
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    ASSERT_EQ(c.applications.size(), 3U);
    EXPECT_EQ(c.applications[0].name, "x");
    EXPECT_EQ(c.applications[0].users, std::vector<std::string>{"nobody"});
    EXPECT_EQ(c.applications[0].uplinks, std::vector<std::string>{"isp-b"});
    EXPECT_FALSE(c.applications[0].fallback);
    EXPECT_EQ(c.applications[1].name, "y");
    EXPECT_EQ(c.applications[2].name, "z");
}

TEST(ConfigApplications, PreferenceIsOptionalAndReadsEveryValue) {
    Config c;
    ASSERT_TRUE(
        parse_into(
            two_uplinks + "[[application]]\nname = \"x\"\nusers = [\"0\"]\nuplinks = [\"isp-a\"]\n",
            c)
            .empty());
    EXPECT_FALSE(c.applications.at(0).preference.has_value());
    const std::pair<const char*, ApplicationPreference> values[] = {
        {"latency", ApplicationPreference::Latency},
        {"cost", ApplicationPreference::Cost},
        {"stability", ApplicationPreference::Stability}};
    for (const auto& [text, value] : values) {
        Config p;
        const auto errors = parse_into(two_uplinks +
                                           "[[application]]\nname = \"x\"\nusers = [\"0\"]\n"
                                           "uplinks = [\"isp-a\"]\npreference = \"" +
                                           std::string(text) + "\"\n",
                                       p);
        ASSERT_TRUE(errors.empty()) << errors.front().to_string();
        EXPECT_EQ(p.applications.at(0).preference, value) << text;
        EXPECT_EQ(to_string(value), text);
    }
}

// A preference alone is enough: every configured [[uplink]] is a
// candidate; with no [[uplink]] at all, every path.
TEST(ConfigApplications, PreferenceAloneNeedsNoUplinks) {
    for (const std::string& uplinks : {two_uplinks, std::string()}) {
        Config c;
        const auto errors = parse_into(
            uplinks + "[[application]]\nname = \"x\"\nusers = [\"0\"]\npreference = \"cost\"\n", c);
        ASSERT_TRUE(errors.empty()) << errors.front().to_string();
        ASSERT_EQ(c.applications.size(), 1U);
        EXPECT_TRUE(c.applications[0].uplinks.empty());
        EXPECT_EQ(c.applications[0].preference, ApplicationPreference::Cost);
    }
}

TEST(ConfigApplications, NeitherUplinksNorPreferenceIsAnErrorAtTheTable) {
    Config c;
    const auto errors = parse_into(
        two_uplinks + "[[application]]\nname = \"x\"\nusers = [\"0\"]\nfallback = false\n", c,
        "/etc/multi6d/multi6d.toml");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].file, "/etc/multi6d/multi6d.toml");
    EXPECT_EQ(errors[0].line, 7U);  // the [[application]] header
    EXPECT_EQ(errors[0].key, "application \"x\".uplinks");
    EXPECT_NE(errors[0].message.find("names no uplink and no preference"), std::string::npos)
        << errors[0].message;
    EXPECT_NE(errors[0].message.find("\"latency\", \"cost\" or \"stability\""), std::string::npos)
        << errors[0].message;
    EXPECT_TRUE(c.applications.empty());
}

TEST(ConfigApplications, UnknownPreferenceIsAnErrorListingTheAllowedValues) {
    Config c;
    const auto errors = parse_into(two_uplinks +
                                       "[[application]]\nname = \"x\"\nusers = [\"0\"]\n"
                                       "uplinks = [\"isp-a\"]\npreference = \"speed\"\n",
                                   c, "/etc/multi6d/multi6d.toml.d/50-x.toml");
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0].file, "/etc/multi6d/multi6d.toml.d/50-x.toml");
    EXPECT_EQ(errors[0].line, 11U);
    EXPECT_EQ(errors[0].key, "application \"x\".preference");
    EXPECT_NE(errors[0].message.find("\"speed\" is not allowed"), std::string::npos)
        << errors[0].message;
    EXPECT_NE(errors[0].message.find("\"latency\", \"cost\", \"stability\""), std::string::npos)
        << errors[0].message;
    const auto not_a_string = parse_into(two_uplinks +
                                             "[[application]]\nname = \"x\"\nusers = [\"0\"]\n"
                                             "preference = 1\n",
                                         c);
    ASSERT_FALSE(not_a_string.empty());
    EXPECT_EQ(not_a_string[0].key, "application \"x\".preference");
    EXPECT_EQ(not_a_string[0].line, 10U);
    EXPECT_TRUE(c.applications.empty());
}

// A drop-in sets or changes the preference of an application an earlier
// file defined, and keeps its other keys; one that names only a
// preference is complete.
TEST(ConfigApplications, DropInsMergePreferenceByName) {
    Config c;
    ASSERT_TRUE(parse_into(two_uplinks +
                               "[[application]]\nname = \"x\"\nusers = [\"nobody\"]\nuplinks = "
                               "[\"isp-b\", \"isp-a\"]\n"
                               "[[application]]\nname = \"y\"\nusers = [\"0\"]\npreference = "
                               "\"cost\"\n",
                           c)
                    .empty());
    const auto errors = parse_into(
        "[[application]]\nname = \"x\"\npreference = \"latency\"\n"
        "[[application]]\nname = \"y\"\npreference = \"stability\"\n",
        c, "multi6d.toml.d/10-apps.toml");
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    ASSERT_EQ(c.applications.size(), 2U);
    EXPECT_EQ(c.applications[0].uplinks, (std::vector<std::string>{"isp-b", "isp-a"}));
    EXPECT_EQ(c.applications[0].preference, ApplicationPreference::Latency);
    EXPECT_EQ(c.applications[0].users, std::vector<std::string>{"nobody"});
    EXPECT_EQ(c.applications[1].preference, ApplicationPreference::Stability);
    EXPECT_TRUE(c.applications[1].uplinks.empty());
}

TEST(ConfigApplications, AtMostTheOwnedTables) {
    std::string text = two_uplinks;
    for (int i = 0; i < 33; ++i) {
        text += "[[application]]\nname = \"a" + std::to_string(i) + "\"\nusers = [\"" +
                std::to_string(i) + "\"]\nuplinks = [\"isp-a\"]\n";
    }
    Config c;
    const auto errors = parse_into(text, c);
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_NE(errors[0].message.find("at most 32"), std::string::npos) << errors[0].message;
}

TEST(ConfigApplications, EffectiveConfigRoundTrips) {
    Config c;
    ASSERT_TRUE(parse_into(two_uplinks +
                               "[[application]]\nname = \"x\"\nusers = [\"nobody\"]\ngroups = "
                               "[\"g\"]\nuplinks = [\"isp-b\", \"isp-a\"]\nfallback = false\n"
                               "[[application]]\nname = \"y\"\nusers = [\"0\"]\npreference = "
                               "\"latency\"\n",
                           c)
                    .empty());
    ASSERT_EQ(c.applications.size(), 2U);
    EXPECT_NE(to_toml(c).find("preference = \"latency\""), std::string::npos) << to_toml(c);
    EXPECT_NE(to_toml(c).find("# preference: unset"), std::string::npos) << to_toml(c);
    Config reread;
    const auto errors = parse_into(to_toml(c), reread, "printed.toml");
    ASSERT_TRUE(errors.empty()) << errors.front().to_string();
    EXPECT_EQ(reread, c);
}

}  // namespace
}  // namespace multi6d
