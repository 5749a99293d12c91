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
    {"SyntaxError", "[links\nmanaged = []\n", 1, "", ""},
    {"UnknownTopLevelKey", "\n\nfoo = 1\n", 3, "foo", "unknown key"},
    {"UnknownSection", "[link]\nmanaged = []\n", 1, "link", "allowed here: links, limits"},
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
};

INSTANTIATE_TEST_SUITE_P(Config, BrokenConfigTest, testing::ValuesIn(broken_configs),
                         [](const testing::TestParamInfo<BrokenConfig>& param_info) {
                             return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace multi6d
