#include "policy_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "rfc6724_test_util.hpp"

namespace multi6d {
namespace {

using test::addr;
using test::prefix;
using test::row;

TEST(PolicyTable, DefaultHasTheRfc6724Rows) {
    const PolicyTable t = PolicyTable::rfc6724_default();
    const std::vector<PolicyRow> expected = {
        row("::1/128", 50, 0),   row("::/0", 40, 1),      row("::ffff:0:0/96", 35, 4),
        row("2002::/16", 30, 2), row("2001::/32", 5, 5),  row("fc00::/7", 3, 13),
        row("::/96", 1, 3),      row("fec0::/10", 1, 11), row("3ffe::/16", 1, 12),
    };
    ASSERT_EQ(t.rows().size(), expected.size());
    for (const PolicyRow& r : expected) {
        const PolicyRow* found = t.find_row(r.prefix);
        ASSERT_NE(found, nullptr) << r.prefix.to_string();
        EXPECT_EQ(*found, r) << r.prefix.to_string();
    }
}

TEST(PolicyTable, DefaultLookups) {
    const PolicyTable t = PolicyTable::rfc6724_default();
    EXPECT_EQ(t.lookup(addr("::1")), (PolicyValue{50, 0}));
    EXPECT_EQ(t.lookup(addr("2001:db8:1::1")), (PolicyValue{40, 1}));
    EXPECT_EQ(t.lookup(addr("2001:0:1::1")), (PolicyValue{5, 5}));  // Teredo
    EXPECT_EQ(t.lookup(addr("198.51.100.121")), (PolicyValue{35, 4}));
    EXPECT_EQ(t.lookup(addr("::ffff:10.1.2.3")), (PolicyValue{35, 4}));
    EXPECT_EQ(t.lookup(addr("2002:c633:6401::1")), (PolicyValue{30, 2}));
    EXPECT_EQ(t.lookup(addr("fd11:1111:1111:1::1")), (PolicyValue{3, 13}));
    EXPECT_EQ(t.lookup(addr("fc00::1")), (PolicyValue{3, 13}));
    EXPECT_EQ(t.lookup(addr("::10.1.2.3")), (PolicyValue{1, 3}));  // IPv4-compatible
    EXPECT_EQ(t.lookup(addr("fec0::1")), (PolicyValue{1, 11}));
    EXPECT_EQ(t.lookup(addr("3ffe::1")), (PolicyValue{1, 12}));
    EXPECT_EQ(t.lookup(addr("fe80::1")), (PolicyValue{40, 1}));
    EXPECT_EQ(t.lookup(addr("ff02::1")), (PolicyValue{40, 1}));
}

TEST(PolicyTable, DocumentationPrefixIsNotInTeredo) {
    // §2.1: 2001:db8::/32 is not inside 2001::/32.
    const PolicyTable t = PolicyTable::rfc6724_default();
    EXPECT_FALSE(prefix("2001::/32").contains(addr("2001:db8::1")));
    EXPECT_EQ(t.precedence(addr("2001:db8::1")), 40U);
    EXPECT_EQ(t.label(addr("2001:db8::1")), 1U);
    EXPECT_EQ(t.match(addr("2001:db8::1"))->prefix, prefix("::/0"));
    EXPECT_EQ(t.match(addr("2001::1"))->prefix, prefix("2001::/32"));
}

TEST(PolicyTable, LongestPrefixWinsWhateverTheInsertionOrder) {
    for (const bool short_first : {true, false}) {
        PolicyTable t;
        const PolicyRow wide = row("2001:db8::/32", 10, 100);
        const PolicyRow narrow = row("2001:db8:1::/48", 20, 200);
        t.set_row(short_first ? wide : narrow);
        t.set_row(short_first ? narrow : wide);
        EXPECT_EQ(t.label(addr("2001:db8:1::5")), 200U);
        EXPECT_EQ(t.label(addr("2001:db8:2::5")), 100U);
        EXPECT_EQ(t.label(addr("2001:db9::5")), unmatched_label);
    }
}

TEST(PolicyTable, RowsAreKeptLongestFirst) {
    const PolicyTable t = PolicyTable::rfc6724_default();
    EXPECT_TRUE(std::is_sorted(t.rows().begin(), t.rows().end(),
                               [](const PolicyRow& a, const PolicyRow& b) {
                                   return a.prefix.length() > b.prefix.length();
                               }));
}

TEST(PolicyTable, SetRowReplacesTheRowWithTheSamePrefix) {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("::ffff:0:0/96", 100, 4));  // §10.3
    EXPECT_EQ(t.rows().size(), 9U);
    EXPECT_EQ(t.lookup(addr("10.1.2.3")), (PolicyValue{100, 4}));
    // Same bits, other length: a new row, not a replacement.
    t.set_row(row("::ffff:0:0/97", 7, 77));
    EXPECT_EQ(t.rows().size(), 10U);
    EXPECT_EQ(t.find_row(prefix("::ffff:0:0/96"))->precedence, 100U);
    EXPECT_EQ(t.lookup(addr("10.1.2.3")), (PolicyValue{7, 77}));
    EXPECT_EQ(t.lookup(addr("200.1.2.3")), (PolicyValue{100, 4}));
}

TEST(PolicyTable, AddAndRemoveRows) {
    PolicyTable t = PolicyTable::rfc6724_default();
    t.set_row(row("fe80::/10", 33, 1));  // §10.4
    EXPECT_EQ(t.rows().size(), 10U);
    EXPECT_EQ(t.precedence(addr("fe80::1")), 33U);
    EXPECT_TRUE(t.remove_row(prefix("fe80::/10")));
    EXPECT_FALSE(t.remove_row(prefix("fe80::/10")));
    EXPECT_EQ(t, PolicyTable::rfc6724_default());
    EXPECT_TRUE(t.remove_row(prefix("::/0")));
    EXPECT_EQ(t.lookup(addr("2001:db8::1")), PolicyValue{});
    EXPECT_EQ(t.find_row(prefix("::/0")), nullptr);
}

TEST(PolicyTable, LargeLabelsSurvive) {
    PolicyTable t;
    t.set_row(row("2001:db8:a::/48", 40, 0x7fff0001U));
    EXPECT_EQ(t.label(addr("2001:db8:a::1")), 0x7fff0001U);
}

TEST(PolicyTable, EmptyTableMatchesNothing) {
    const PolicyTable t;
    EXPECT_EQ(t.match(addr("::1")), nullptr);
    EXPECT_EQ(t.lookup(addr("192.0.2.1")), (PolicyValue{unmatched_precedence, unmatched_label}));
}

TEST(PolicyTable, ConstructorKeepsTheLastRowForAPrefix) {
    const PolicyTable t({row("::/0", 40, 1), row("::/0", 45, 9)});
    ASSERT_EQ(t.rows().size(), 1U);
    EXPECT_EQ(t.lookup(addr("2001:db8::1")), (PolicyValue{45, 9}));
}

}  // namespace
}  // namespace multi6d
