#include "address.hpp"

#include <gtest/gtest.h>

namespace multi6d {
namespace {

TEST(Address, ParsesAndPrintsIpv6) {
    auto a = Address::parse("2001:0db8:0:0::1");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "2001:db8::1");
}

TEST(Address, Ipv4IsMapped) {
    auto a = Address::parse("192.0.2.1");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->is_v4_mapped());
    EXPECT_EQ(a->to_string(), "192.0.2.1");
    EXPECT_EQ(*a, *Address::parse("::ffff:192.0.2.1"));
}

TEST(Address, RejectsGarbage) {
    EXPECT_FALSE(Address::parse(""));
    EXPECT_FALSE(Address::parse("2001:db8::1 "));
    EXPECT_FALSE(Address::parse("2001:db8:::1"));
    EXPECT_FALSE(Address::parse("fe80::1%eth0"));
    EXPECT_FALSE(Address::parse(std::string(100, '1')));
}

TEST(Address, Classifies) {
    EXPECT_TRUE(Address::parse("fe80::1")->is_link_local());
    EXPECT_FALSE(Address::parse("fec0::1")->is_link_local());
    EXPECT_TRUE(Address::parse("ff02::1")->is_multicast());
    EXPECT_TRUE(Address::parse("fd00::1")->is_ula());
    EXPECT_TRUE(Address::parse("::1")->is_loopback());
    EXPECT_TRUE(Address::parse("::")->is_unspecified());
}

TEST(Address, CommonPrefixBits) {
    EXPECT_EQ(common_prefix_bits(*Address::parse("fe80::1"), *Address::parse("fe80::2")), 126U);
    EXPECT_EQ(common_prefix_bits(*Address::parse("2001:db8:1::"), *Address::parse("2001:db8:1::")),
              128U);
    EXPECT_EQ(common_prefix_bits(*Address::parse("8000::"), *Address::parse("::")), 0U);
}

TEST(Prefix, ParsesMasksAndContains) {
    auto p = Prefix::parse("2001:db8:1:2::5/48");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->to_string(), "2001:db8:1::/48");
    EXPECT_TRUE(p->contains(*Address::parse("2001:db8:1:ffff::1")));
    EXPECT_FALSE(p->contains(*Address::parse("2001:db8:2::1")));
    EXPECT_TRUE(p->contains(*Prefix::parse("2001:db8:1:8000::/49")));
    EXPECT_FALSE(p->contains(*Prefix::parse("2001:db8::/32")));
}

TEST(Prefix, Ipv4PrefixesAreMapped) {
    auto p = Prefix::parse("192.0.2.0/24");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->length(), 120U);
    EXPECT_EQ(p->to_string(), "192.0.2.0/24");
    EXPECT_TRUE(p->contains(*Address::parse("192.0.2.77")));
}

TEST(Prefix, MappedPrefixInIpv6NotationUsesIpv6Lengths) {
    // RFC 6724 §2.1 writes the IPv4 row as ::ffff:0:0/96.
    auto p = Prefix::parse("::ffff:0:0/96");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->length(), 96U);
    EXPECT_EQ(p, Prefix::parse("0.0.0.0/0"));
    EXPECT_EQ(Prefix::parse("::ffff:10.0.0.0/104"), Prefix::parse("10.0.0.0/8"));
    EXPECT_FALSE(Prefix::parse("::ffff:0:0/129"));
}

TEST(Prefix, RejectsBadLengths) {
    EXPECT_FALSE(Prefix::parse("2001:db8::/129"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/"));
    EXPECT_FALSE(Prefix::parse("2001:db8::/6x"));
    EXPECT_FALSE(Prefix::parse("192.0.2.0/33"));
    EXPECT_FALSE(Prefix::parse("nonsense/8"));
}

}  // namespace
}  // namespace multi6d
