// KernelWriter against the real kernel, in a network namespace of its own.
//
// main() unshares a new network namespace before any test runs (root
// needed: the test fails, not skips, without it), so every route, rule,
// label and sysctl written here vanishes with the process. `ip`, started
// with system()/popen(), runs in the same namespace and gives the
// independent view each check compares against.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "kernel_writer.hpp"
#include "netns_test.hpp"
#include "owned_ids.hpp"
#include "sysctl_store.hpp"

namespace multi6d {
namespace {

using test::must;
using test::run;
using ::testing::HasSubstr;

constexpr const char* link_a = "m6dk0";  // veth pair, both ends in this namespace
constexpr const char* link_b = "m6dk1";

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            result.push_back(line);
        }
    }
    return result;
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
    std::vector<std::string> result;
    for (const std::string& line : lines(text)) {
        if (line.find(needle) != std::string::npos) {
            result.push_back(line);
        }
    }
    return result;
}

// `ip -6 rule` lines of one priority ("6601:\tfrom ...").
std::vector<std::string> rules_at(std::uint32_t priority) {
    std::vector<std::string> result;
    for (const std::string& line : lines(must("ip -6 rule show"))) {
        if (line.rfind(std::to_string(priority) + ":", 0) == 0) {
            result.push_back(line);
        }
    }
    return result;
}

std::vector<std::string> sorted_labels() {
    std::vector<std::string> rows = lines(must("ip addrlabel list"));
    for (std::string& row : rows) {
        while (!row.empty() && row.back() == ' ') {
            row.pop_back();
        }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

Prefix pfx(const char* text) {
    return *Prefix::parse(text);
}
Address addr(const char* text) {
    return *Address::parse(text);
}
int ifindex(const char* name) {
    return static_cast<int>(if_nametoindex(name));
}

class KernelWriterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        writer.remove_owned();
        ASSERT_TRUE(writer.dump_owned().empty());
    }
    void TearDown() override {
        // Foreign objects some tests add; absent ones just fail quietly.
        run("ip -6 route del 2001:db8:f::/64 table 6601 proto static");
        run("ip -6 route del default table 6602 proto static");
        run("ip -6 route del 2001:db8:e::/64 proto boot");
        run("ip -6 route del default proto ra dev " + std::string(link_a));
        run("ip -6 route del default proto ra dev " + std::string(link_b));
        run("ip -6 route del default proto static");
        run("ip -6 rule del pref 6599");
        run("ip -6 rule del pref 6856");
        run("ip -6 rule del pref 6700");
        run("ip addrlabel del prefix 2001:db8:f::/48 label 100");
        run("ip addrlabel del prefix 2001:db8:e::/48 label 6856");
        writer.remove_owned();
    }

    PathRoute default_route(std::uint32_t table, const char* gateway) {
        return PathRoute{TableId{table},  pfx("::/0"), addr(gateway),
                         ifindex(link_a), 1024,        Prefix{}};
    }

    KernelWriter writer;
};

// --- routes ------------------------------------------------------------------

TEST_F(KernelWriterTest, AddRouteIsIdempotentAndVisibleToIp) {
    const PathRoute route = default_route(6601, "fe80::a");
    writer.add_route(route);
    writer.add_route(route);
    const auto shown = lines(must("ip -6 route show table 6601 proto 196"));
    ASSERT_EQ(shown.size(), 1U) << must("ip -6 route show table all");
    EXPECT_THAT(shown[0], HasSubstr("default via fe80::a dev m6dk0"));
    EXPECT_THAT(shown[0], HasSubstr("metric 1024"));
    EXPECT_EQ(writer.dump_owned().routes, std::vector<PathRoute>{route});
}

TEST_F(KernelWriterTest, AddRouteReplacesTheGatewayOfTheSameRoute) {
    writer.add_route(default_route(6601, "fe80::a"));
    writer.add_route(default_route(6601, "fe80::b"));
    const auto shown = lines(must("ip -6 route show table 6601 proto 196"));
    ASSERT_EQ(shown.size(), 1U) << must("ip -6 route show table 6601");
    EXPECT_THAT(shown[0], HasSubstr("default via fe80::b dev m6dk0"));
}

TEST_F(KernelWriterTest, SourceSpecificRouteRoundTrips) {
    PathRoute route{TableId{6603}, pfx("2001:db8:c::/48"), addr("fe80::c"), ifindex(link_a),
                    100,           pfx("2001:db8:a::/64")};
    writer.add_route(route);
    const auto shown = lines(must("ip -6 route show table 6603 proto 196"));
    ASSERT_EQ(shown.size(), 1U);
    EXPECT_THAT(shown[0], HasSubstr("2001:db8:c::/48 from 2001:db8:a::/64 via fe80::c"));
    EXPECT_EQ(writer.dump_owned().routes, std::vector<PathRoute>{route});
    writer.delete_route(route);
    EXPECT_TRUE(lines(must("ip -6 route show table 6603 proto 196")).empty());
}

// Issue 13 item 5: the probe for source-specific routes finds them on this
// kernel (Debian's have CONFIG_IPV6_SUBTREES) and leaves nothing behind.
TEST_F(KernelWriterTest, SourceRouteProbeFindsSubtreesAndLeavesNothing) {
    std::string why;
    EXPECT_TRUE(writer.probe_source_routes(why)) << why;
    EXPECT_TRUE(why.empty());
    EXPECT_TRUE(writer.dump_owned().empty());
    EXPECT_TRUE(lines(must("ip -6 route show table 6855")).empty());
}

TEST_F(KernelWriterTest, DeleteRouteIsIdempotent) {
    const PathRoute route = default_route(6601, "fe80::a");
    writer.add_route(route);
    writer.delete_route(route);
    EXPECT_TRUE(lines(must("ip -6 route show table 6601 proto 196")).empty());
    EXPECT_NO_THROW(writer.delete_route(route));
    EXPECT_NO_THROW(writer.delete_route(default_route(6700, "fe80::99")));  // never existed
}

TEST_F(KernelWriterTest, DeleteRouteLeavesAForeignRouteWithTheSameKey) {
    must("ip -6 route add default via fe80::a dev m6dk0 table 6602 proto static");
    EXPECT_NO_THROW(writer.delete_route(default_route(6602, "fe80::a")));
    EXPECT_EQ(lines(must("ip -6 route show table 6602 proto static")).size(), 1U);
}

TEST_F(KernelWriterTest, RouteErrorNamesOperationObjectAndReason) {
    PathRoute route = default_route(6601, "fe80::a");
    route.ifindex = 9999;  // no such interface
    try {
        writer.add_route(route);
        FAIL() << "no error for a missing interface";
    } catch (const KernelError& error) {
        EXPECT_THAT(error.what(),
                    HasSubstr("add route ::/0 via fe80::a dev #9999 table 6601 metric 1024: "
                              "No such device"));
        EXPECT_EQ(error.error_number(), ENODEV);
    }
}

TEST_F(KernelWriterTest, RouteErrorCarriesTheKernelsExplanation) {
    // A link that is down: the kernel says why in an extended ACK.
    must("ip link add m6dk2 type veth peer name m6dk3");
    PathRoute route = default_route(6601, "fe80::a");
    route.ifindex = ifindex("m6dk2");
    try {
        writer.add_route(route);
        ADD_FAILURE() << "no error for a link that is down";
    } catch (const KernelError& error) {
        EXPECT_THAT(error.what(), HasSubstr("add route ::/0 via fe80::a dev m6dk2 table 6601 "
                                            "metric 1024: Network is down (Nexthop device is "
                                            "not up)"));
        EXPECT_EQ(error.error_number(), ENETDOWN);
    }
    must("ip link del m6dk2");
}

TEST_F(KernelWriterTest, RefusesTablesOutsideTheOwnedRange) {
    EXPECT_THROW(writer.add_route(default_route(254, "fe80::a")), KernelError);
    EXPECT_THROW(writer.add_route(default_route(owned::tables.last.value + 1, "fe80::a")),
                 KernelError);
    EXPECT_TRUE(lines(must("ip -6 route show table all proto 196")).empty());
}

// --- rules -------------------------------------------------------------------

TEST_F(KernelWriterTest, SourceRuleAddAndDeleteAreIdempotent) {
    const SourceRule rule{RulePriority{6601}, pfx("2001:db8:a::/64"), TableId{6601}};
    writer.add_rule(rule);
    writer.add_rule(rule);
    auto shown = rules_at(6601);
    ASSERT_EQ(shown.size(), 1U) << must("ip -6 rule show");
    EXPECT_THAT(shown[0], HasSubstr("from 2001:db8:a::/64 lookup 6601"));
    EXPECT_EQ(writer.dump_owned().rules, std::vector<SourceRule>{rule});
    writer.delete_rule(rule);
    EXPECT_TRUE(rules_at(6601).empty());
    EXPECT_NO_THROW(writer.delete_rule(rule));
}

TEST_F(KernelWriterTest, RefusesRulesOutsideTheSourceRuleRange) {
    EXPECT_THROW(
        writer.add_rule({owned::suppress_rule_priority, pfx("2001:db8:a::/64"), TableId{6601}}),
        KernelError);
    EXPECT_THROW(writer.add_rule({RulePriority{100}, pfx("2001:db8:a::/64"), TableId{6601}}),
                 KernelError);
    EXPECT_THROW(writer.add_rule({RulePriority{6601}, pfx("2001:db8:a::/64"), TableId{254}}),
                 KernelError);
    EXPECT_TRUE(rules_at(owned::suppress_rule_priority.value).empty());
    EXPECT_TRUE(rules_at(100).empty());
    EXPECT_TRUE(rules_at(6601).empty());
}

TEST_F(KernelWriterTest, SuppressRule) {
    writer.add_suppress_rule();
    writer.add_suppress_rule();
    auto shown = rules_at(6600);
    ASSERT_EQ(shown.size(), 1U) << must("ip -6 rule show");
    EXPECT_THAT(shown[0], HasSubstr("from all lookup main suppress_prefixlength 0"));
    const OwnedState state = writer.dump_owned();
    EXPECT_TRUE(state.suppress_rule);
    EXPECT_TRUE(state.rules.empty());
    EXPECT_TRUE(state.other_rules.empty());
    writer.delete_suppress_rule();
    EXPECT_TRUE(rules_at(6600).empty());
    EXPECT_NO_THROW(writer.delete_suppress_rule());
}

// --- labels ------------------------------------------------------------------

TEST_F(KernelWriterTest, LabelAddReplaceDelete) {
    const LabelRow row{pfx("2001:db8:a::/64"), AddressLabel{6601}};
    writer.add_label(row);
    writer.add_label(row);  // same row again: fine
    EXPECT_EQ(lines_with(must("ip addrlabel list"), "prefix 2001:db8:a::/64 label 6601").size(),
              1U);

    try {
        writer.add_label({row.prefix, AddressLabel{6602}});
        FAIL() << "add over a row with another label succeeded";
    } catch (const KernelError& error) {
        EXPECT_EQ(error.error_number(), EEXIST);
        EXPECT_THAT(error.what(), HasSubstr("add address label prefix 2001:db8:a::/64 label 6602"));
        EXPECT_THAT(error.what(), HasSubstr("label 6601"));
    }

    writer.replace_label({row.prefix, AddressLabel{6602}});
    EXPECT_TRUE(lines_with(must("ip addrlabel list"), "label 6601").empty());
    EXPECT_EQ(lines_with(must("ip addrlabel list"), "prefix 2001:db8:a::/64 label 6602").size(),
              1U);

    writer.delete_label(row);  // label 6601 no longer there: row stays
    EXPECT_EQ(lines_with(must("ip addrlabel list"), "prefix 2001:db8:a::/64").size(), 1U);
    writer.delete_label({row.prefix, AddressLabel{6602}});
    EXPECT_TRUE(lines_with(must("ip addrlabel list"), "2001:db8:a::/64").empty());
    EXPECT_NO_THROW(writer.delete_label({row.prefix, AddressLabel{6602}}));
}

TEST_F(KernelWriterTest, DeletingALabelOnABuiltinRowRestoresIt) {
    const auto before = sorted_labels();
    ASSERT_EQ(lines_with(must("ip addrlabel list"), "prefix ::/0 label 1").size(), 1U);
    writer.replace_label({pfx("::/0"), AddressLabel{6603}});
    EXPECT_EQ(lines_with(must("ip addrlabel list"), "prefix ::/0 label 6603").size(), 1U);
    writer.delete_label({pfx("::/0"), AddressLabel{6603}});
    EXPECT_EQ(sorted_labels(), before);
}

TEST_F(KernelWriterTest, RefusesLabelsOutsideTheOwnedRange) {
    EXPECT_THROW(writer.add_label({pfx("2001:db8:a::/64"), AddressLabel{5}}), KernelError);
    EXPECT_THROW(writer.replace_label({pfx("::/0"), AddressLabel{2}}), KernelError);
    EXPECT_TRUE(lines_with(must("ip addrlabel list"), "2001:db8:a::/64").empty());
    EXPECT_EQ(lines_with(must("ip addrlabel list"), "prefix ::/0 label 1").size(), 1U);
}

// --- owned state -------------------------------------------------------------

TEST_F(KernelWriterTest, DumpFindsExactlyWhatIsOwnedAndRemoveLeavesTheRest) {
    const auto labels_before = sorted_labels();
    OwnedState expected;
    expected.routes = {
        default_route(6601, "fe80::a"),
        {TableId{6602}, pfx("2001:db8:c::/48"), addr("fe80::b"), ifindex(link_a), 100, Prefix{}},
        {TableId{6603}, pfx("::/0"), addr("fe80::c"), ifindex(link_b), 1024,
         pfx("2001:db8:b::/64")},
    };
    expected.rules = {{RulePriority{6601}, pfx("2001:db8:a::/64"), TableId{6601}},
                      {RulePriority{6602}, pfx("2001:db8:b::/64"), TableId{6602}}};
    expected.suppress_rule = true;
    expected.other_rules = {RulePriority{6701}};
    expected.labels = {{pfx("::/0"), AddressLabel{6601}},
                       {pfx("2001:db8:a::/64"), AddressLabel{6601}},
                       {pfx("2001:db8:b::/64"), AddressLabel{6602}}};
    for (const PathRoute& route : expected.routes) {
        writer.add_route(route);
    }
    for (const SourceRule& rule : expected.rules) {
        writer.add_rule(rule);
    }
    writer.add_suppress_rule();
    writer.add_label({pfx("2001:db8:a::/64"), AddressLabel{6601}});
    writer.add_label({pfx("2001:db8:b::/64"), AddressLabel{6602}});
    writer.replace_label({pfx("::/0"), AddressLabel{6601}});

    // Foreign state: another protocol in an owned table, another protocol in
    // main, rules and labels just outside the ranges, a rule inside the range
    // without protocol 196 (issue 16: not "left by an earlier run"); and one
    // rule of an unknown shape with both marks, which counts as owned.
    must("ip -6 route add 2001:db8:f::/64 via fe80::f dev m6dk0 table 6601 proto static");
    must("ip -6 route add 2001:db8:e::/64 via fe80::e dev m6dk0 proto boot");
    must("ip -6 rule add pref 6599 from 2001:db8:f::/64 lookup 6601");
    must("ip -6 rule add pref 6856 from 2001:db8:f::/64 lookup 6601");
    must("ip -6 rule add pref 6700 fwmark 1 lookup 6601");
    must("ip -6 rule add pref 6701 fwmark 1 lookup 6601 protocol 196");
    must("ip addrlabel add prefix 2001:db8:f::/48 label 100");
    must("ip addrlabel add prefix 2001:db8:e::/48 label 6856");

    std::sort(expected.routes.begin(), expected.routes.end());
    std::sort(expected.rules.begin(), expected.rules.end());
    std::sort(expected.labels.begin(), expected.labels.end());
    const OwnedState dumped = writer.dump_owned();
    EXPECT_EQ(dumped.routes, expected.routes);
    EXPECT_EQ(dumped.rules, expected.rules);
    EXPECT_EQ(dumped.suppress_rule, expected.suppress_rule);
    EXPECT_EQ(dumped.other_rules, expected.other_rules);
    EXPECT_EQ(dumped.labels, expected.labels);

    writer.remove_owned();
    EXPECT_TRUE(writer.dump_owned().empty());
    // ip's view: nothing owned left ...
    EXPECT_TRUE(lines(must("ip -6 route show table all proto 196")).empty());
    for (std::uint32_t priority : {6600U, 6601U, 6602U, 6701U}) {
        EXPECT_TRUE(rules_at(priority).empty()) << priority;
    }
    EXPECT_TRUE(lines_with(must("ip addrlabel list"), "label 66").empty());
    EXPECT_EQ(lines_with(must("ip addrlabel list"), "prefix ::/0 label 1").size(), 1U);
    // ... and everything foreign still there.
    EXPECT_EQ(lines(must("ip -6 route show table 6601 proto static")).size(), 1U);
    EXPECT_EQ(lines(must("ip -6 route show proto boot")).size(), 1U);
    EXPECT_EQ(rules_at(6599).size(), 1U);
    EXPECT_EQ(rules_at(6856).size(), 1U);
    EXPECT_EQ(rules_at(6700).size(), 1U);
    auto labels_after = sorted_labels();
    auto expected_labels = labels_before;
    expected_labels.push_back("prefix 2001:db8:e::/48 label 6856");
    expected_labels.push_back("prefix 2001:db8:f::/48 label 100");
    std::sort(expected_labels.begin(), expected_labels.end());
    EXPECT_EQ(labels_after, expected_labels);
}

// --- the kernel's RA default routes ------------------------------------------

TEST_F(KernelWriterTest, FindsAndDeletesTheKernelsRaDefaultRoutes) {
    must("ip -6 route add default via fe80::1 dev m6dk0 proto ra metric 1024");
    must("ip -6 route add default via fe80::2 dev m6dk0 proto static metric 100");
    must("ip -6 route add default via fe80::3 dev m6dk1 proto ra metric 1030");
    const PathRoute expected{TableId{RT_TABLE_MAIN}, pfx("::/0"), addr("fe80::1"),
                             ifindex(link_a),        1024,        Prefix{}};
    const auto found = writer.kernel_ra_default_routes(ifindex(link_a));
    ASSERT_EQ(found, std::vector<PathRoute>{expected});
    writer.delete_ra_default_route(found[0]);
    EXPECT_TRUE(lines(must("ip -6 route show default proto ra dev m6dk0")).empty());
    EXPECT_EQ(lines(must("ip -6 route show default proto static dev m6dk0")).size(), 1U);
    EXPECT_EQ(lines(must("ip -6 route show default proto ra dev m6dk1")).size(), 1U);
    EXPECT_NO_THROW(writer.delete_ra_default_route(found[0]));
    EXPECT_TRUE(writer.kernel_ra_default_routes(ifindex(link_a)).empty());
}

// --- sysctls -----------------------------------------------------------------

TEST(SysctlStoreInNamespace, SetsAndRestoresARealSysctl) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("m6d-sysctl-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string proc = "/proc/sys/net/ipv6/conf/m6dk0/accept_ra_defrtr";
    const std::string original = must("cat " + proc);
    ASSERT_EQ(original, "1\n");
    {
        SysctlStore store(dir / "sysctl.saved");
        store.set("m6dk0", "accept_ra_defrtr", "0");
        EXPECT_EQ(must("cat " + proc), "0\n");
        EXPECT_TRUE(std::filesystem::exists(dir / "sysctl.saved"));
        store.restore_all();
        EXPECT_FALSE(std::filesystem::exists(dir / "sysctl.saved"));
    }
    EXPECT_EQ(must("cat " + proc), original);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace multi6d

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    // Everything below happens in a fresh, anonymous network namespace that
    // disappears with this process: the host's network is never touched.
    using namespace multi6d::test;
    if (!enter_namespaces("test_kernel_writer",
                          "CAP_NET_ADMIN + CAP_SYS_ADMIN to create its own network namespace and "
                          "write routes, rules and labels there",
                          CLONE_NEWNET) ||
        !run_setup("test_kernel_writer", {
                                             "ip link set lo up",
                                             "ip link add m6dk0 type veth peer name m6dk1",
                                             "ip link set m6dk0 up",
                                             "ip link set m6dk1 up",
                                             "ip -6 addr add 2001:db8:a::2/64 dev m6dk0 nodad",
                                             "ip -6 addr add 2001:db8:b::2/64 dev m6dk1 nodad",
                                         })) {
        return 1;
    }
    return RUN_ALL_TESTS();
}
