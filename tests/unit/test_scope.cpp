#include "scope.hpp"

#include <gtest/gtest.h>

#include "rfc6724_test_util.hpp"

namespace multi6d {
namespace {

using test::addr;

TEST(Scope, MulticastUsesTheScopeField) {
    // RFC 4291 §2.7 / RFC 6724 §3.1.
    EXPECT_EQ(scope_of(addr("ff01::1")), Scope::InterfaceLocal);
    EXPECT_EQ(scope_of(addr("ff02::1")), Scope::LinkLocal);
    EXPECT_EQ(scope_of(addr("ff04::1")), Scope::AdminLocal);
    EXPECT_EQ(scope_of(addr("ff05::1")), Scope::SiteLocal);
    EXPECT_EQ(scope_of(addr("ff08::1")), Scope::OrganizationLocal);
    EXPECT_EQ(scope_of(addr("ff0e::1")), Scope::Global);
    EXPECT_EQ(scope_of(addr("ff1e::1")), Scope::Global);  // flags do not matter
    // Unnamed values come back unchanged.
    EXPECT_EQ(static_cast<int>(scope_of(addr("ff00::1"))), 0);
    EXPECT_EQ(static_cast<int>(scope_of(addr("ff03::1"))), 3);
    EXPECT_EQ(static_cast<int>(scope_of(addr("ff0f::1"))), 15);
}

TEST(Scope, UnicastIpv6) {
    EXPECT_EQ(scope_of(addr("fe80::1")), Scope::LinkLocal);
    EXPECT_EQ(scope_of(addr("febf:ffff::1")), Scope::LinkLocal);  // end of fe80::/10
    EXPECT_EQ(scope_of(addr("fec0::1")), Scope::SiteLocal);
    EXPECT_EQ(scope_of(addr("feff::1")), Scope::SiteLocal);  // end of fec0::/10
    EXPECT_EQ(scope_of(addr("::1")), Scope::LinkLocal);      // §3.1: loopback
    EXPECT_EQ(scope_of(addr("fd00::1")), Scope::Global);     // ULAs are global
    EXPECT_EQ(scope_of(addr("2001:db8::1")), Scope::Global);
    EXPECT_EQ(scope_of(addr("2002:c633:6401::1")), Scope::Global);
    EXPECT_EQ(scope_of(addr("fe00::1")), Scope::Global);
}

TEST(Scope, Ipv4) {
    // §3.2: 169.254/16 and 127/8 link-local, everything else global.
    EXPECT_EQ(scope_of(addr("169.254.13.78")), Scope::LinkLocal);
    EXPECT_EQ(scope_of(addr("127.0.0.1")), Scope::LinkLocal);
    EXPECT_EQ(scope_of(addr("127.255.1.2")), Scope::LinkLocal);
    EXPECT_EQ(scope_of(addr("169.253.1.1")), Scope::Global);
    EXPECT_EQ(scope_of(addr("169.255.1.1")), Scope::Global);
    EXPECT_EQ(scope_of(addr("128.0.0.1")), Scope::Global);
    EXPECT_EQ(scope_of(addr("10.1.2.3")), Scope::Global);
    EXPECT_EQ(scope_of(addr("192.168.1.1")), Scope::Global);
    EXPECT_EQ(scope_of(addr("198.51.100.121")), Scope::Global);
}

TEST(Scope, IsOrdered) {
    // Rule 2 and destination Rule 8 compare scopes numerically.
    EXPECT_LT(Scope::InterfaceLocal, Scope::LinkLocal);
    EXPECT_LT(Scope::LinkLocal, Scope::SiteLocal);
    EXPECT_LT(Scope::SiteLocal, Scope::Global);
}

}  // namespace
}  // namespace multi6d
