// Netlink messages the kernel writer builds and parses, checked without a
// kernel: each request is parsed back as if it were a dump reply.
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include <gtest/gtest.h>

#include "addrlabel.hpp"
#include "fib_rule.hpp"
#include "owned_ids.hpp"
#include "route_message.hpp"

namespace multi6d {
namespace {

Prefix pfx(const char* text) {
    return *Prefix::parse(text);
}

TEST(RuleMessage, SourceRuleRoundTrips) {
    RuleSpec spec;
    spec.priority = RulePriority{6601};
    spec.source = pfx("2001:db8:a::/64");
    spec.table = TableId{6601};  // above 255: travels in FRA_TABLE
    spec.protocol = owned::route_protocol;
    NlMsg msg = build_rule_request(RTM_NEWRULE, NLM_F_CREATE, spec);
    const auto parsed = parse_rule(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->spec, spec);
    EXPECT_TRUE(parsed->plain);
}

TEST(RuleMessage, SuppressRuleRoundTrips) {
    RuleSpec spec;
    spec.priority = owned::suppress_rule_priority;
    spec.table = TableId{RT_TABLE_MAIN};
    spec.suppress_prefixlength = 0;
    NlMsg msg = build_rule_request(RTM_NEWRULE, NLM_F_CREATE, spec);
    const auto parsed = parse_rule(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->spec, spec);
    EXPECT_EQ(parsed->spec.source.length(), 0U);
}

TEST(RuleMessage, UnsetSuppressPrefixlengthReadsAsAbsent) {
    // The kernel always sends FRA_SUPPRESS_PREFIXLEN, -1 when not set.
    RuleSpec spec;
    spec.priority = RulePriority{6602};
    spec.table = TableId{6602};
    spec.suppress_prefixlength = 0xffffffffU;
    NlMsg msg = build_rule_request(RTM_NEWRULE, 0, spec);
    const auto parsed = parse_rule(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(parsed->spec.suppress_prefixlength);
    EXPECT_TRUE(parsed->plain);
}

TEST(RuleMessage, AnyOtherAttributeMakesARuleNotPlain) {
    RuleSpec spec;
    spec.priority = RulePriority{6700};
    spec.table = TableId{6601};
    NlMsg msg = build_rule_request(RTM_NEWRULE, 0, spec);
    ASSERT_EQ(nla_put_u32(msg.get(), FRA_FWMARK, 1), 0);
    const auto parsed = parse_rule(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(parsed);
    EXPECT_FALSE(parsed->plain);
    EXPECT_EQ(parsed->spec.priority, RulePriority{6700});
}

TEST(RuleMessage, DeleteByPriorityCarriesOnlyThePriority) {
    NlMsg msg = build_rule_delete_by_priority(RulePriority{6650});
    const auto parsed = parse_rule(nlmsg_hdr(msg.get()));
    // parse_rule() wants RTM_NEWRULE; a delete request is RTM_DELRULE.
    EXPECT_FALSE(parsed);
    nlmsg_hdr(msg.get())->nlmsg_type = RTM_NEWRULE;
    const auto as_dump = parse_rule(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(as_dump);
    EXPECT_EQ(as_dump->spec.priority, RulePriority{6650});
    EXPECT_EQ(as_dump->spec.table, TableId{0});
    EXPECT_EQ(as_dump->spec.source.length(), 0U);
    EXPECT_EQ(as_dump->spec.protocol, 0);
}

TEST(LabelMessage, RoundTrips) {
    const LabelRow row{pfx("2001:db8:a::/64"), AddressLabel{6601}, 3};
    NlMsg msg = build_label_request(RTM_NEWADDRLABEL, NLM_F_CREATE | NLM_F_REPLACE, row);
    const auto parsed = parse_label(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, row);
}

TEST(LabelMessage, BuiltinTableMatchesLinux) {
    EXPECT_EQ(builtin_label(pfx("::/0")), AddressLabel{1});
    EXPECT_EQ(builtin_label(pfx("::1/128")), AddressLabel{0});
    EXPECT_EQ(builtin_label(Prefix(*Address::parse("::ffff:0:0"), 96)), AddressLabel{4});
    EXPECT_EQ(builtin_label(Prefix(*Address::parse("::"), 96)), AddressLabel{3});
    EXPECT_EQ(builtin_label(pfx("fc00::/7")), AddressLabel{5});
    EXPECT_EQ(builtin_label(pfx("2001::/32")), AddressLabel{6});
    EXPECT_EQ(builtin_label(pfx("2001:10::/28")), AddressLabel{7});
    EXPECT_FALSE(builtin_label(pfx("2001:db8::/32")));
    EXPECT_FALSE(builtin_label(pfx("2000::/3")));
}

TEST(RouteMessage, RoundTrips) {
    const PathRoute route{TableId{6601}, pfx("2001:db8:c::/48"), *Address::parse("fe80::a"), 7,
                          100,           pfx("2001:db8:a::/64")};
    NlMsg msg = build_route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route,
                                    owned::route_protocol);
    const auto parsed = parse_route(nlmsg_hdr(msg.get()));
    ASSERT_EQ(parsed.size(), 1U);
    EXPECT_EQ(parsed[0].route, route);
    EXPECT_EQ(parsed[0].protocol, owned::route_protocol);
    EXPECT_EQ(parsed[0].type, RTN_UNICAST);
}

TEST(RouteMessage, DefaultRouteWithoutGatewayRoundTrips) {
    const PathRoute route{TableId{6855}, pfx("::/0"), Address{}, 2, 1024, Prefix{}};
    NlMsg msg = build_route_request(RTM_NEWROUTE, NLM_F_CREATE, route, owned::route_protocol);
    const auto parsed = parse_route(nlmsg_hdr(msg.get()));
    ASSERT_EQ(parsed.size(), 1U);
    EXPECT_EQ(parsed[0].route, route);
}

// [[application]] rules (issue 17): the uid range travels in FRA_UID_RANGE
// and a dump of it reads back equal, so the reconciler sees what it wrote.
TEST(RuleMessage, UidRangeRuleRoundTrips) {
    RuleSpec spec;
    spec.priority = owned::application_rule_priority;
    spec.table = owned::application_tables.first;
    spec.protocol = owned::route_protocol;
    spec.uids = UidRange{1000, 1002};
    NlMsg msg = build_rule_request(RTM_NEWRULE, NLM_F_CREATE, spec);
    const auto parsed = parse_rule(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->spec, spec);
    EXPECT_TRUE(parsed->plain);
}

TEST(RuleMessage, UnreachableUidRangeRuleRoundTrips) {
    RuleSpec spec;
    spec.priority = owned::application_block_priority;
    spec.protocol = owned::route_protocol;
    spec.uids = UidRange{65534, 65534};
    spec.unreachable = true;
    NlMsg msg = build_rule_request(RTM_NEWRULE, NLM_F_CREATE, spec);
    EXPECT_EQ(static_cast<const fib_rule_hdr*>(nlmsg_data(nlmsg_hdr(msg.get())))->action,
              FR_ACT_UNREACHABLE);
    const auto parsed = parse_rule(nlmsg_hdr(msg.get()));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->spec, spec);
    EXPECT_TRUE(parsed->plain);
}

TEST(RouteMessage, PreferredSourceRoundTrips) {
    const PathRoute route{
        owned::application_tables.first,  Prefix{}, *Address::parse("fe80::b"), 3, 1024, Prefix{},
        *Address::parse("2001:db8:b::10")};
    NlMsg msg = build_route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route,
                                    owned::route_protocol);
    const auto parsed = parse_route(nlmsg_hdr(msg.get()));
    ASSERT_EQ(parsed.size(), 1U);
    EXPECT_EQ(parsed[0].route, route);
}

}  // namespace
}  // namespace multi6d
