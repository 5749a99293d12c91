// HostModel: learning from RAs and rtnetlink, lifetimes, change detection.
// Bounds and floods are in test_host_model_bounds.cpp.
#include "host_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using namespace test;
using std::chrono::nanoseconds;

constexpr int eth0 = 2;
constexpr int eth1 = 3;

bool has_note(const ModelUpdate& u, NoteKind kind) {
    return std::ranges::any_of(u.notes, [&](const ModelNote& n) { return n.kind == kind; });
}

class HostModelTest : public ::testing::Test {
  protected:
    void SetUp() override { model.set_link(eth0, "eth0", true); }

    const Router* router(std::string_view lla, int ifindex = eth0) const {
        const Link* l = model.link(ifindex);
        return l == nullptr ? nullptr : l->find_router(addr(lla));
    }

    HostModel model;
};

TEST_F(HostModelTest, LearnsEverythingAnRaCarries) {
    auto r = ra("fe80::1", 1800, RouterPreference::High);
    r.prefixes.push_back(pio("2001:db8:1::/64", 86400, 14400));
    r.routes.push_back(rio("2001:db8:6666::/48", 600, RouterPreference::Low));
    r.dns_servers.push_back({300, {addr("2001:db8:1::53"), addr("2001:db8:1::54")}});
    auto u = model.apply(eth0, r, t0);
    EXPECT_TRUE(u.routing_changed);
    EXPECT_TRUE(u.dns_changed);
    EXPECT_TRUE(u.notes.empty());

    const Router* rt = router("fe80::1");
    ASSERT_NE(rt, nullptr);
    EXPECT_TRUE(rt->is_default_router());
    EXPECT_EQ(rt->preference(), RouterPreference::High);
    EXPECT_EQ(rt->default_route->valid_until, t0 + seconds(1800));
    ASSERT_EQ(rt->prefixes.size(), 1U);
    EXPECT_EQ(rt->prefixes[0].prefix, pfx("2001:db8:1::/64"));
    EXPECT_EQ(rt->prefixes[0].valid_until, t0 + seconds(86400));
    EXPECT_EQ(rt->prefixes[0].preferred_until, t0 + seconds(14400));
    EXPECT_FALSE(rt->prefixes[0].deprecated);
    ASSERT_EQ(rt->routes.size(), 1U);
    EXPECT_EQ(rt->routes[0].prefix, pfx("2001:db8:6666::/48"));
    EXPECT_EQ(rt->routes[0].preference, RouterPreference::Low);
    EXPECT_EQ(rt->routes[0].valid_until, t0 + seconds(600));
    ASSERT_EQ(rt->dns_servers.size(), 2U);
    EXPECT_EQ(rt->dns_servers[1].address, addr("2001:db8:1::54"));
    EXPECT_EQ(rt->last_advertisement, t0);
    EXPECT_EQ(model.next_expiry(), t0 + seconds(300));
}

TEST_F(HostModelTest, RecordsPioWhateverItsFlags) {
    // RFC 8028 §2.1/§3.1: L=0, A=0 still says "this router serves the prefix".
    auto r = ra("fe80::1", 0);
    r.prefixes.push_back(pio("2001:db8:2::/64", 600, 600, false, false));
    model.apply(eth0, r, t0);
    ASSERT_NE(router("fe80::1"), nullptr);
    ASSERT_NE(router("fe80::1")->find_prefix(pfx("2001:db8:2::/64")), nullptr);
    EXPECT_FALSE(router("fe80::1")->find_prefix(pfx("2001:db8:2::/64"))->on_link);
}

TEST_F(HostModelTest, UnknownLinkIsRefused) {
    auto u = model.apply(42, ra("fe80::1", 1800), t0);
    EXPECT_TRUE(has_note(u, NoteKind::UnknownLink));
    EXPECT_FALSE(u.changed());
    EXPECT_EQ(model.link(42), nullptr);
    EXPECT_TRUE(
        has_note(model.set_address(42, host_address("2001:db8::1"), t0), NoteKind::UnknownLink));
}

TEST_F(HostModelTest, PrefixExpiresExactlyOnTime) {
    auto r = ra("fe80::1", 0);
    r.prefixes.push_back(pio("2001:db8:1::/64", 30, 10));
    model.apply(eth0, r, t0);
    EXPECT_EQ(model.next_expiry(), t0 + seconds(10));

    EXPECT_FALSE(model.expire(t0 + seconds(10) - nanoseconds(1)).changed());
    EXPECT_FALSE(router("fe80::1")->prefixes[0].deprecated);
    auto u = model.expire(t0 + seconds(10));
    EXPECT_TRUE(u.routing_changed);
    EXPECT_TRUE(has_note(u, NoteKind::Expired));
    EXPECT_TRUE(router("fe80::1")->prefixes[0].deprecated);
    EXPECT_EQ(model.next_expiry(), t0 + seconds(30));

    EXPECT_FALSE(model.expire(t0 + seconds(30) - nanoseconds(1)).changed());
    ASSERT_NE(router("fe80::1"), nullptr);
    u = model.expire(t0 + seconds(30));
    EXPECT_TRUE(u.routing_changed);
    // Nothing of the router is left, so the router goes too.
    EXPECT_EQ(router("fe80::1"), nullptr);
    EXPECT_EQ(model.next_expiry(), std::nullopt);
}

TEST_F(HostModelTest, InfiniteLifetimesNeverExpire) {
    auto r = ra("fe80::1", 0);
    r.prefixes.push_back(pio("2001:db8:1::/64", infinite_lifetime, infinite_lifetime));
    r.routes.push_back(rio("2001:db8:77::/48", infinite_lifetime));
    r.dns_servers.push_back({infinite_lifetime, {addr("2001:db8::53")}});
    model.apply(eth0, r, t0);
    EXPECT_EQ(model.next_expiry(), std::nullopt);
    EXPECT_FALSE(model.expire(t0 + std::chrono::hours(24 * 365 * 100)).changed());
    ASSERT_NE(router("fe80::1"), nullptr);
    EXPECT_EQ(router("fe80::1")->prefixes.size(), 1U);
    EXPECT_EQ(router("fe80::1")->routes.size(), 1U);
    EXPECT_EQ(router("fe80::1")->dns_servers.size(), 1U);
}

TEST(Lifetime, DeadlineSaturatesInsteadOfOverflowing) {
    EXPECT_EQ(deadline_after(never - seconds(5), 10), never);
    EXPECT_EQ(deadline_after(t0, infinite_lifetime), never);
    EXPECT_EQ(deadline_after(t0, infinite_lifetime - 1), t0 + seconds(infinite_lifetime - 1));
    EXPECT_EQ(deadline_after(t0, 0), t0);
}

TEST_F(HostModelTest, ValidLifetimeZeroRemovesAtOnce) {
    auto r = ra("fe80::1", 1800);
    r.prefixes.push_back(pio("2001:db8:1::/64", 600, 600));
    r.prefixes.push_back(pio("2001:db8:2::/64", 600, 600));
    model.apply(eth0, r, t0);
    r.prefixes = {pio("2001:db8:1::/64", 0, 0)};
    auto u = model.apply(eth0, r, t0 + seconds(1));
    EXPECT_TRUE(u.routing_changed);
    ASSERT_EQ(router("fe80::1")->prefixes.size(), 1U);
    EXPECT_EQ(router("fe80::1")->prefixes[0].prefix, pfx("2001:db8:2::/64"));
    // Valid 0 for a prefix never seen is no change.
    r.prefixes = {pio("2001:db8:9::/64", 0, 0)};
    EXPECT_FALSE(model.apply(eth0, r, t0 + seconds(2)).changed());
}

TEST_F(HostModelTest, RefreshResetsTimersBothWays) {
    auto r = ra("fe80::1", 60);
    r.prefixes.push_back(pio("2001:db8:1::/64", 30, 30));
    model.apply(eth0, r, t0);
    // Refresh at t0+20 extends to t0+50: no two-hour rule for the record.
    EXPECT_FALSE(model.apply(eth0, r, t0 + seconds(20)).changed());
    EXPECT_FALSE(model.expire(t0 + seconds(30)).changed());
    EXPECT_EQ(router("fe80::1")->prefixes[0].valid_until, t0 + seconds(50));
    EXPECT_EQ(router("fe80::1")->default_route->valid_until, t0 + seconds(80));
    // A shorter advertised lifetime shortens it (RFC 4861 §6.3.4).
    r.prefixes = {pio("2001:db8:1::/64", 5, 5)};
    EXPECT_FALSE(model.apply(eth0, r, t0 + seconds(40)).changed());
    EXPECT_EQ(model.next_expiry(), t0 + seconds(45));
    EXPECT_TRUE(model.expire(t0 + seconds(45)).routing_changed);
    EXPECT_TRUE(router("fe80::1")->prefixes.empty());
}

TEST_F(HostModelTest, OptionsMissingFromAnRaKeepTheirTimers) {
    auto r = ra("fe80::1", 1800);
    r.prefixes.push_back(pio("2001:db8:1::/64", 600, 600));
    r.routes.push_back(rio("2001:db8:5::/48", 600));
    model.apply(eth0, r, t0);
    EXPECT_FALSE(model.apply(eth0, ra("fe80::1", 1800), t0 + seconds(100)).changed());
    EXPECT_EQ(router("fe80::1")->prefixes[0].valid_until, t0 + seconds(600));
    EXPECT_EQ(router("fe80::1")->routes[0].valid_until, t0 + seconds(600));
}

TEST_F(HostModelTest, OnlyRoutingFactsCountAsChange) {
    auto r = ra("fe80::1", 1800, RouterPreference::Medium);
    r.prefixes.push_back(pio("2001:db8:1::/64", 600, 300));
    r.routes.push_back(rio("2001:db8:5::/48", 600));
    r.dns_servers.push_back({600, {addr("2001:db8::53")}});
    EXPECT_TRUE(model.apply(eth0, r, t0).changed());
    EXPECT_FALSE(model.apply(eth0, r, t0 + seconds(10)).changed());

    auto changed = r;
    changed.preference = RouterPreference::High;
    EXPECT_TRUE(model.apply(eth0, changed, t0 + seconds(11)).routing_changed);
    EXPECT_FALSE(model.apply(eth0, changed, t0 + seconds(12)).changed());

    changed.routes[0].preference = RouterPreference::Low;
    EXPECT_TRUE(model.apply(eth0, changed, t0 + seconds(13)).routing_changed);

    changed.routes.push_back(rio("2001:db8:6::/48", 600));
    EXPECT_TRUE(model.apply(eth0, changed, t0 + seconds(14)).routing_changed);

    changed.prefixes[0].preferred_lifetime = 0;  // deprecation
    EXPECT_TRUE(model.apply(eth0, changed, t0 + seconds(15)).routing_changed);
    EXPECT_TRUE(router("fe80::1")->prefixes[0].deprecated);
    EXPECT_FALSE(model.apply(eth0, changed, t0 + seconds(16)).changed());
    changed.prefixes[0].preferred_lifetime = 300;  // undeprecated
    EXPECT_TRUE(model.apply(eth0, changed, t0 + seconds(17)).routing_changed);

    changed.dns_servers[0].servers.push_back(addr("2001:db8::54"));
    auto u = model.apply(eth0, changed, t0 + seconds(18));
    EXPECT_TRUE(u.dns_changed);
    EXPECT_FALSE(u.routing_changed);

    // Same content with other lifetimes: no change.
    changed.router_lifetime = 9000;
    changed.prefixes[0].valid_lifetime = 7200;
    changed.routes[0].lifetime = 100;
    changed.dns_servers[0].lifetime = 1000;
    EXPECT_FALSE(model.apply(eth0, changed, t0 + seconds(19)).changed());
}

TEST_F(HostModelTest, RouterLifetimeZeroKeepsPrefixesRoutesAndDns) {
    auto r = ra("fe80::b", 1800, RouterPreference::Low);
    r.prefixes.push_back(pio("2001:db8:0:b020::/64", 86400, 14400));
    r.routes.push_back(rio("2001:db8:0:6666::/64", 1800));
    r.dns_servers.push_back({600, {addr("2001:db8::53")}});
    model.apply(eth0, r, t0);
    r.router_lifetime = 0;
    auto u = model.apply(eth0, r, t0 + seconds(5));
    EXPECT_TRUE(u.routing_changed);
    const Router* rt = router("fe80::b");
    ASSERT_NE(rt, nullptr);
    EXPECT_FALSE(rt->is_default_router());
    // RFC 4191 §2.2: Prf is ignored with lifetime 0.
    EXPECT_EQ(rt->preference(), RouterPreference::Medium);
    EXPECT_EQ(rt->prefixes.size(), 1U);
    EXPECT_EQ(rt->routes.size(), 1U);
    EXPECT_EQ(rt->dns_servers.size(), 1U);
}

TEST_F(HostModelTest, RouterLifetimeExpiresExactlyOnTime) {
    auto r = ra("fe80::1", 60, RouterPreference::High);
    r.dns_servers.push_back({600, {addr("2001:db8::53")}});
    model.apply(eth0, r, t0);
    EXPECT_EQ(model.next_expiry(), t0 + seconds(60));
    EXPECT_FALSE(model.expire(t0 + seconds(60) - nanoseconds(1)).changed());
    EXPECT_TRUE(router("fe80::1")->is_default_router());
    auto u = model.expire(t0 + seconds(60));
    EXPECT_TRUE(u.routing_changed);
    EXPECT_FALSE(u.dns_changed);
    ASSERT_NE(router("fe80::1"), nullptr);  // its DNS server is still live
    EXPECT_FALSE(router("fe80::1")->is_default_router());
    u = model.expire(t0 + seconds(600));
    EXPECT_TRUE(u.dns_changed);
    EXPECT_FALSE(u.routing_changed);
    EXPECT_EQ(router("fe80::1"), nullptr);
}

TEST_F(HostModelTest, EmptyRaFromUnknownRouterCreatesNothing) {
    auto r = ra("fe80::9", 0);
    r.prefixes.push_back(pio("2001:db8:1::/64", 0, 0));
    r.routes.push_back(rio("2001:db8:5::/48", 0));
    auto u = model.apply(eth0, r, t0);
    EXPECT_FALSE(u.changed());
    EXPECT_TRUE(model.link(eth0)->routers.empty());
}

TEST_F(HostModelTest, RouterVanishesWhenAnRaWithdrawsEverything) {
    auto r = ra("fe80::1", 1800);
    r.prefixes.push_back(pio("2001:db8:1::/64", 600, 600));
    r.routes.push_back(rio("2001:db8:5::/48", 600));
    r.dns_servers.push_back({600, {addr("2001:db8::53")}});
    model.apply(eth0, r, t0);
    r.router_lifetime = 0;
    r.prefixes[0].valid_lifetime = r.prefixes[0].preferred_lifetime = 0;
    r.routes[0].lifetime = 0;
    r.dns_servers[0].lifetime = 0;
    auto u = model.apply(eth0, r, t0 + seconds(1));
    EXPECT_TRUE(u.routing_changed);
    EXPECT_TRUE(u.dns_changed);
    EXPECT_EQ(router("fe80::1"), nullptr);
    EXPECT_EQ(model.next_expiry(), std::nullopt);
}

TEST_F(HostModelTest, DefaultRouteRioOverridesTheHeader) {
    // RFC 4191 §3: a ::/0 RIO overrides Router Lifetime and Prf.
    auto r = ra("fe80::1", 0);
    r.routes.push_back(rio("::/0", 100, RouterPreference::High));
    model.apply(eth0, r, t0);
    ASSERT_NE(router("fe80::1"), nullptr);
    EXPECT_TRUE(router("fe80::1")->is_default_router());
    EXPECT_EQ(router("fe80::1")->preference(), RouterPreference::High);
    EXPECT_EQ(router("fe80::1")->default_route->valid_until, t0 + seconds(100));
    EXPECT_TRUE(router("fe80::1")->routes.empty());  // ::/0 is the default route, no RIO record

    auto r2 = ra("fe80::2", 1800, RouterPreference::High);
    r2.prefixes.push_back(pio("2001:db8:2::/64", 600, 600));
    r2.routes.push_back(rio("::/0", 0, RouterPreference::Low));
    model.apply(eth0, r2, t0);
    EXPECT_FALSE(router("fe80::2")->is_default_router());
}

TEST_F(HostModelTest, RioAndRdnssLifetimeZeroRemove) {
    auto r = ra("fe80::1", 1800);
    r.routes = {rio("2001:db8:5::/48", 600), rio("2001:db8:6::/48", 600)};
    r.dns_servers.push_back({600, {addr("2001:db8::53"), addr("2001:db8::54")}});
    model.apply(eth0, r, t0);
    r.routes = {rio("2001:db8:5::/48", 0)};
    r.dns_servers = {{0, {addr("2001:db8::53")}}};
    auto u = model.apply(eth0, r, t0 + seconds(1));
    EXPECT_TRUE(u.routing_changed);
    EXPECT_TRUE(u.dns_changed);
    ASSERT_EQ(router("fe80::1")->routes.size(), 1U);
    EXPECT_EQ(router("fe80::1")->routes[0].prefix, pfx("2001:db8:6::/48"));
    ASSERT_EQ(router("fe80::1")->dns_servers.size(), 1U);
    EXPECT_EQ(router("fe80::1")->dns_servers[0].address, addr("2001:db8::54"));
}

TEST_F(HostModelTest, InvalidOptionsAreIgnoredWithANote) {
    auto r = ra("fe80::1", 0);
    r.prefixes = {pio("fe80::/64", 600, 600), pio("::/0", 600, 600), pio("ff02::/64", 600, 600),
                  pio("2001:db8:1::/64", 600, 700)};
    r.routes = {rio("fe80::/64", 600), rio("ff00::/8", 600)};
    auto u = model.apply(eth0, r, t0);
    EXPECT_EQ(std::ranges::count(u.notes, NoteKind::Ignored, &ModelNote::kind), 6);
    EXPECT_FALSE(u.changed());
    EXPECT_EQ(router("fe80::1"), nullptr);

    auto global = ra("2001:db8::1", 1800);
    u = model.apply(eth0, global, t0);
    EXPECT_TRUE(has_note(u, NoteKind::Ignored));
    EXPECT_TRUE(model.link(eth0)->routers.empty());
}

TEST_F(HostModelTest, RoutersAreKeyedPerLink) {
    model.set_link(eth1, "eth1", true);
    model.apply(eth0, ra("fe80::1", 1800, RouterPreference::High), t0);
    model.apply(eth1, ra("fe80::1", 1800, RouterPreference::Low), t0);
    EXPECT_EQ(router("fe80::1", eth0)->preference(), RouterPreference::High);
    EXPECT_EQ(router("fe80::1", eth1)->preference(), RouterPreference::Low);
}

TEST_F(HostModelTest, AddressesFollowRtnetlinkAndAgeOnTime) {
    auto u = model.set_address(eth0, host_address("2001:db8:1::41", 64, 100, 50), t0);
    EXPECT_TRUE(u.routing_changed);
    // The kernel re-announces an address on every RA that refreshes it.
    EXPECT_FALSE(
        model.set_address(eth0, host_address("2001:db8:1::41", 64, 100, 50), t0 + seconds(10))
            .changed());
    const HostAddress* a = model.link(eth0)->find_address(addr("2001:db8:1::41"));
    ASSERT_NE(a, nullptr);
    EXPECT_TRUE(a->preferred());
    EXPECT_EQ(a->valid_until, t0 + seconds(110));
    EXPECT_EQ(model.next_expiry(), t0 + seconds(60));

    EXPECT_FALSE(model.expire(t0 + seconds(60) - nanoseconds(1)).changed());
    EXPECT_TRUE(model.expire(t0 + seconds(60)).routing_changed);
    a = model.link(eth0)->find_address(addr("2001:db8:1::41"));
    EXPECT_TRUE(a->flags.deprecated);
    EXPECT_FALSE(a->preferred());
    EXPECT_TRUE(a->usable());
    EXPECT_FALSE(model.expire(t0 + seconds(110) - nanoseconds(1)).changed());
    EXPECT_TRUE(model.expire(t0 + seconds(110)).routing_changed);
    EXPECT_EQ(model.link(eth0)->find_address(addr("2001:db8:1::41")), nullptr);
}

TEST_F(HostModelTest, AddressFlagsAndRemoval) {
    AddressFlags tentative;
    tentative.tentative = true;
    model.set_address(eth0, host_address("2001:db8:1::41", 64, 100, 100, tentative), t0);
    EXPECT_FALSE(model.link(eth0)->find_address(addr("2001:db8:1::41"))->preferred());
    EXPECT_TRUE(
        model.set_address(eth0, host_address("2001:db8:1::41", 64, 100, 100), t0).routing_changed);
    EXPECT_TRUE(model.link(eth0)->find_address(addr("2001:db8:1::41"))->preferred());
    // Preferred lifetime 0 is deprecation whatever the flags say.
    EXPECT_TRUE(
        model.set_address(eth0, host_address("2001:db8:1::41", 64, 100, 0), t0).routing_changed);
    EXPECT_TRUE(model.link(eth0)->find_address(addr("2001:db8:1::41"))->flags.deprecated);
    // Valid 0 removes.
    EXPECT_TRUE(
        model.set_address(eth0, host_address("2001:db8:1::41", 64, 0, 0), t0).routing_changed);
    EXPECT_EQ(model.link(eth0)->find_address(addr("2001:db8:1::41")), nullptr);

    AddressFlags permanent;
    permanent.permanent = true;
    model.set_address(eth0, host_address("2001:db8:2::1", 64, 10, 10, permanent), t0);
    EXPECT_EQ(model.next_expiry(), std::nullopt);
    EXPECT_TRUE(model.remove_address(eth0, addr("2001:db8:2::1")).routing_changed);
    EXPECT_FALSE(model.remove_address(eth0, addr("2001:db8:2::1")).changed());
    EXPECT_TRUE(model.link(eth0)->addresses.empty());
}

TEST_F(HostModelTest, LinksAndTheirRemoval) {
    EXPECT_FALSE(model.set_link(eth0, "eth0", true).changed());
    EXPECT_FALSE(model.set_link(eth0, "wan0", true).changed());
    EXPECT_EQ(model.link(eth0)->name, "wan0");
    EXPECT_TRUE(model.set_link(eth0, "wan0", false).routing_changed);
    EXPECT_TRUE(model.set_link(eth1, "eth1", true).routing_changed);

    auto r = ra("fe80::1", 1800);
    r.prefixes.push_back(pio("2001:db8:1::/64", 600, 600));
    r.dns_servers.push_back({600, {addr("2001:db8::53")}});
    model.apply(eth0, r, t0);
    model.set_address(eth0, host_address("2001:db8:1::41", 64, 600, 600), t0);
    // A down link keeps what it learned.
    ASSERT_NE(router("fe80::1"), nullptr);
    auto u = model.remove_link(eth0);
    EXPECT_TRUE(u.routing_changed);
    EXPECT_TRUE(u.dns_changed);
    EXPECT_EQ(model.link(eth0), nullptr);
    EXPECT_EQ(model.next_expiry(), std::nullopt);
    EXPECT_FALSE(model.remove_link(eth0).changed());
}

TEST_F(HostModelTest, NextExpiryIsTheEarliestOfEveryKind) {
    model.set_address(eth0, host_address("2001:db8:1::41", 64, 900, 800), t0);
    auto r = ra("fe80::1", 700);
    r.prefixes.push_back(pio("2001:db8:1::/64", 600, 500));
    r.routes.push_back(rio("2001:db8:5::/48", 400));
    r.dns_servers.push_back({300, {addr("2001:db8::53")}});
    model.apply(eth0, r, t0);
    for (int deadline : {300, 400, 500, 600, 700, 800, 900}) {
        ASSERT_EQ(model.next_expiry(), t0 + seconds(deadline));
        model.expire(*model.next_expiry());
    }
    EXPECT_EQ(model.next_expiry(), std::nullopt);
    EXPECT_TRUE(model.link(eth0)->routers.empty());
    EXPECT_TRUE(model.link(eth0)->addresses.empty());
}

TEST_F(HostModelTest, ApplyDropsWhatExpiredBeforeLearning) {
    auto r = ra("fe80::1", 0);
    r.prefixes.push_back(pio("2001:db8:1::/64", 30, 30));
    model.apply(eth0, r, t0);
    // The daemon's timer has not fired yet, but an RA arrives after the deadline.
    auto late = ra("fe80::1", 0);
    late.routes.push_back(rio("2001:db8:5::/48", 600));
    auto u = model.apply(eth0, late, t0 + seconds(31));
    EXPECT_TRUE(u.routing_changed);
    EXPECT_TRUE(has_note(u, NoteKind::Expired));
    EXPECT_TRUE(router("fe80::1")->prefixes.empty());
    EXPECT_EQ(router("fe80::1")->routes.size(), 1U);
}

}  // namespace
}  // namespace multi6d
