// HostModel bounds: every list is capped, existing entries are kept when a
// list is full, expired entries make room, and an RA flood cannot grow memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "host_model.hpp"
#include "policy_test_util.hpp"

namespace multi6d {
namespace {

using namespace test;

constexpr int eth0 = 2;

std::size_t count_notes(const ModelUpdate& u, NoteKind kind) {
    return static_cast<std::size_t>(std::ranges::count(u.notes, kind, &ModelNote::kind));
}

Address numbered(const Address& base, unsigned n) {
    auto bytes = base.bytes();
    bytes[12] = static_cast<std::uint8_t>(n >> 24);
    bytes[13] = static_cast<std::uint8_t>(n >> 16);
    bytes[14] = static_cast<std::uint8_t>(n >> 8);
    bytes[15] = static_cast<std::uint8_t>(n);
    return Address(bytes);
}

Address numbered(std::string_view base, unsigned n) {
    return numbered(addr(base), n);
}

Prefix numbered_prefix(unsigned n) {
    static const Address base = addr("2001:db8::");
    auto bytes = base.bytes();
    bytes[4] = static_cast<std::uint8_t>(n >> 8);
    bytes[5] = static_cast<std::uint8_t>(n);
    return Prefix(Address(bytes), 64);
}

TEST(HostModelBounds, RouterLimitKeepsExistingAndExpiredMakeRoom) {
    HostModelLimits limits;
    HostModel model(limits);
    model.set_link(eth0, "eth0", true);
    for (unsigned i = 0; i < limits.max_routers_per_link; ++i) {
        auto r = ra("fe80::", 100 + static_cast<std::uint16_t>(i));
        r.router = numbered("fe80::", i + 1);
        EXPECT_TRUE(model.apply(eth0, r, t0).routing_changed);
    }
    auto extra = ra("fe80::ffff", 1800);
    auto u = model.apply(eth0, extra, t0);
    EXPECT_EQ(count_notes(u, NoteKind::LimitReached), 1U);
    EXPECT_FALSE(u.changed());
    EXPECT_EQ(model.link(eth0)->routers.size(), limits.max_routers_per_link);
    EXPECT_EQ(model.link(eth0)->find_router(addr("fe80::ffff")), nullptr);
    // The first router's lifetime (100 s) ends: its slot is free again.
    u = model.apply(eth0, extra, t0 + seconds(100));
    EXPECT_EQ(count_notes(u, NoteKind::LimitReached), 0U);
    EXPECT_TRUE(u.routing_changed);
    EXPECT_NE(model.link(eth0)->find_router(addr("fe80::ffff")), nullptr);
    EXPECT_EQ(model.link(eth0)->find_router(numbered("fe80::", 1)), nullptr);
    EXPECT_EQ(model.link(eth0)->routers.size(), limits.max_routers_per_link);
}

TEST(HostModelBounds, PerRouterListsAreCapped) {
    HostModelLimits limits;
    limits.max_prefixes_per_router = 3;
    limits.max_routes_per_router = 2;
    limits.max_dns_servers_per_router = 1;
    HostModel model(limits);
    model.set_link(eth0, "eth0", true);
    auto r = ra("fe80::1", 1800);
    for (unsigned i = 0; i < 5; ++i) {
        r.prefixes.push_back(PrefixInformation{numbered_prefix(i), true, true, 600, 600});
        r.routes.push_back(
            RouteInformation{numbered_prefix(100 + i), RouterPreference::Medium, 600});
    }
    r.dns_servers.push_back({600, {addr("2001:db8::53"), addr("2001:db8::54")}});
    auto u = model.apply(eth0, r, t0);
    // One note per full list and RA, naming the count and the first refused.
    ASSERT_EQ(count_notes(u, NoteKind::LimitReached), 3U);
    EXPECT_NE(u.notes[0].text.find("2 new PIO(s) refused, first 2001:db8:3::/64"),
              std::string::npos)
        << u.notes[0].text;
    const Router* rt = model.link(eth0)->find_router(addr("fe80::1"));
    ASSERT_NE(rt, nullptr);
    ASSERT_EQ(rt->prefixes.size(), 3U);
    EXPECT_EQ(rt->routes.size(), 2U);
    EXPECT_EQ(rt->dns_servers.size(), 1U);
    // The first ones in the RA were kept: existing entries win over new ones.
    EXPECT_EQ(rt->prefixes[0].prefix, numbered_prefix(0));
    EXPECT_EQ(rt->prefixes[2].prefix, numbered_prefix(2));
    EXPECT_EQ(rt->dns_servers[0].address, addr("2001:db8::53"));
    // Refreshing an existing entry still works when the list is full.
    r.prefixes = {PrefixInformation{numbered_prefix(1), true, true, 900, 900}};
    u = model.apply(eth0, r, t0 + seconds(10));
    EXPECT_EQ(rt->find_prefix(numbered_prefix(1))->valid_until, t0 + seconds(910));
    // Withdrawing one makes room for a new one.
    r.prefixes = {PrefixInformation{numbered_prefix(0), true, true, 0, 0},
                  PrefixInformation{numbered_prefix(9), true, true, 600, 600}};
    r.routes.clear();
    r.dns_servers.clear();
    u = model.apply(eth0, r, t0 + seconds(11));
    EXPECT_EQ(count_notes(u, NoteKind::LimitReached), 0U);
    rt = model.link(eth0)->find_router(addr("fe80::1"));
    EXPECT_NE(rt->find_prefix(numbered_prefix(9)), nullptr);
    EXPECT_EQ(rt->find_prefix(numbered_prefix(0)), nullptr);
}

TEST(HostModelBounds, AddressLimit) {
    HostModelLimits limits;
    limits.max_addresses_per_link = 4;
    HostModel model(limits);
    model.set_link(eth0, "eth0", true);
    std::size_t refused = 0;
    for (unsigned i = 0; i < 10; ++i) {
        AddressUpdate a{numbered("2001:db8::", i), 64, {}, 600, 600};
        refused += count_notes(model.set_address(eth0, a, t0), NoteKind::LimitReached);
    }
    EXPECT_EQ(refused, 6U);
    EXPECT_EQ(model.link(eth0)->addresses.size(), 4U);
}

// 100 000 RAs from random routers with random prefixes, routes and DNS
// servers: nothing may grow past the limits, a router learned before the
// flood keeps its records, and once every lifetime has run out nothing is
// left behind.
TEST(HostModelBounds, RaFloodStaysWithinBounds) {
    const HostModelLimits limits;
    HostModel model(limits);
    model.set_link(eth0, "eth0", true);
    auto legit = ra("fe80::a", 9000, RouterPreference::High);
    legit.prefixes.push_back(pio("2001:db8:0:a020::/64", 86400, 14400));
    model.apply(eth0, legit, t0);

    std::mt19937 rng(20240601);  // fixed seed: the run is reproducible
    std::uniform_int_distribution<std::uint32_t> any;
    std::uniform_int_distribution<std::uint32_t> lifetime(1, 7200);
    std::size_t limit_notes = 0;
    auto now = t0;
    const Address routers = addr("fe80::");
    const Address destinations = addr("2001:db8::");
    const Address resolvers = addr("2001:db8:53::");
    for (int i = 0; i < 100000; ++i) {
        now += std::chrono::milliseconds(10);
        RouterAdvertisement r;
        r.router_lifetime = static_cast<std::uint16_t>(lifetime(rng));
        // Half the RAs come from a small set of routers, so their per-router
        // lists fill up; the rest from random ones, so the router list does.
        r.router = numbered(routers, i % 2 == 0 ? any(rng) % 4 + 1 : any(rng));
        for (int k = 0; k < 4; ++k) {
            r.prefixes.push_back(
                PrefixInformation{numbered_prefix(any(rng)), true, true, lifetime(rng), 0});
            r.routes.push_back(RouteInformation{Prefix(numbered(destinations, any(rng)), 96),
                                                RouterPreference::Medium, lifetime(rng)});
        }
        r.dns_servers.push_back({lifetime(rng), {numbered(resolvers, any(rng))}});
        limit_notes += count_notes(model.apply(eth0, r, now), NoteKind::LimitReached);

        const Link& link = *model.link(eth0);
        ASSERT_LE(link.routers.size(), limits.max_routers_per_link);
        for (const auto& rt : link.routers) {
            ASSERT_LE(rt.prefixes.size(), limits.max_prefixes_per_router);
            ASSERT_LE(rt.routes.size(), limits.max_routes_per_router);
            ASSERT_LE(rt.dns_servers.size(), limits.max_dns_servers_per_router);
        }
    }
    EXPECT_GT(limit_notes, 0U);  // the flood did hit the limits
    const Router* a = model.link(eth0)->find_router(addr("fe80::a"));
    ASSERT_NE(a, nullptr);
    EXPECT_NE(a->find_prefix(pfx("2001:db8:0:a020::/64")), nullptr);

    model.expire(now + seconds(86400));
    EXPECT_TRUE(model.link(eth0)->routers.empty());
    EXPECT_EQ(model.next_expiry(), std::nullopt);
}

}  // namespace
}  // namespace multi6d
