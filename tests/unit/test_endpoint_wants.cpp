#include <gtest/gtest.h>

#include "endpoint_wants.hpp"

namespace multi6d {
namespace {

Address A(const char* t) {
    return *Address::parse(t);
}
Prefix P(const char* t) {
    return *Prefix::parse(t);
}

class EndpointWantsTest : public testing::Test {
  protected:
    EndpointWantsTest() {
        model.set_link(2, "eth0", true);
        add_address("2001:db8:a::10", {});
        add_address("2001:db8:b::10", {});
        AddressFlags temporary;
        temporary.temporary = true;
        add_address("2001:db8:a::beef", temporary);
        AddressFlags tentative;
        tentative.tentative = true;
        add_address("2001:db8:b::77", tentative);
        advertise("fe80::a", "2001:db8:a::");
        advertise("fe80::b", "2001:db8:b::");
    }
    void add_address(const char* text, AddressFlags flags) {
        AddressUpdate u;
        u.address = A(text);
        u.prefix_len = 64;
        u.flags = flags;
        model.set_address(2, u, now);
    }
    void advertise(const char* router, const char* prefix) {
        RouterAdvertisement ra;
        ra.router = A(router);
        ra.router_lifetime = 1800;
        PrefixInformation pio;
        pio.prefix = Prefix(A(prefix), 64);
        pio.on_link = pio.autonomous = true;
        pio.valid_lifetime = pio.preferred_lifetime = 3600;
        ra.prefixes.push_back(pio);
        model.apply(2, ra, now);
    }
    PathKey key(const char* router, const char* prefix) { return PathKey{2, P(prefix), A(router)}; }

    TimePoint now{std::chrono::seconds(1000)};
    HostModel model;
};

TEST_F(EndpointWantsTest, OneSubflowEndpointPerStableGlobalAddress) {
    const auto wants = mptcp_endpoint_wants(model, {});
    ASSERT_EQ(wants.size(), 2U);
    EXPECT_EQ(wants.at(A("2001:db8:a::10")), (EndpointWant{2, false}));
    EXPECT_EQ(wants.at(A("2001:db8:b::10")), (EndpointWant{2, false}));
}

TEST_F(EndpointWantsTest, BackupWhilePathDegradedOrDown) {
    std::map<PathKey, PathHealth> health{{key("fe80::a", "2001:db8:a::/64"), PathHealth::Down},
                                         {key("fe80::b", "2001:db8:b::/64"), PathHealth::Up}};
    auto wants = mptcp_endpoint_wants(model, health);
    EXPECT_TRUE(wants.at(A("2001:db8:a::10")).backup);
    EXPECT_FALSE(wants.at(A("2001:db8:b::10")).backup);
    health[key("fe80::a", "2001:db8:a::/64")] = PathHealth::Degraded;
    health[key("fe80::b", "2001:db8:b::/64")] = PathHealth::Degraded;
    wants = mptcp_endpoint_wants(model, health);
    EXPECT_TRUE(wants.at(A("2001:db8:a::10")).backup);
    EXPECT_TRUE(wants.at(A("2001:db8:b::10")).backup);
}

TEST_F(EndpointWantsTest, AnAddressWithOneGoodPathIsNoBackup) {
    advertise("fe80::c", "2001:db8:a::");  // a second router for prefix a
    const std::map<PathKey, PathHealth> health{
        {key("fe80::a", "2001:db8:a::/64"), PathHealth::Down},
        {key("fe80::c", "2001:db8:a::/64"), PathHealth::Up}};
    EXPECT_FALSE(mptcp_endpoint_wants(model, health).at(A("2001:db8:a::10")).backup);
}

TEST_F(EndpointWantsTest, AddressGoneEndpointGone) {
    model.remove_address(2, A("2001:db8:b::10"));
    const auto wants = mptcp_endpoint_wants(model, {});
    EXPECT_EQ(wants.count(A("2001:db8:b::10")), 0U);
    EXPECT_EQ(wants.size(), 1U);
}

}  // namespace
}  // namespace multi6d
