// The records the host model keeps (policy/host_model.hpp), as plain values
// that readers (the routing decision, path listing, D-Bus) walk directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "address.hpp"
#include "lifetime.hpp"
#include "router_advertisement.hpp"

namespace multi6d {

// Caps on what one link or router may hold. Router Advertisements are
// unauthenticated (RFC 4861 §11; RFC 6104 recommends RA Guard), so a flood of
// RAs with random router addresses or prefixes must not grow memory. When a
// list is full, the entries already there are kept (and still refreshed) and
// new ones are refused, with one LimitReached note per list and RA; an entry
// whose lifetime has run out is removed first, so it makes room. (Evicting an existing entry
// instead would let an attacker push out the real router just by sending more RAs.)
struct HostModelLimits {
    std::size_t max_routers_per_link = 8;  // RFC 4861 §6.3.4 asks for at least 2
    std::size_t max_prefixes_per_router = 16;
    std::size_t max_routes_per_router = 32;
    std::size_t max_dns_servers_per_router = 8;
    // Addresses come from the kernel, which has its own caps for SLAAC
    // (max_addresses sysctl); this one also bounds manual ones.
    std::size_t max_addresses_per_link = 64;
};

// IFA_F_* flags of an address, as far as routing cares.
struct AddressFlags {
    bool tentative = false;   // DAD still running: not yet usable as a source
    bool deprecated = false;  // preferred lifetime over (RFC 4862 §5.5.4)
    bool temporary = false;   // RFC 8981 privacy address
    bool dadfailed = false;   // duplicate: never usable
    bool permanent = false;   // configured by hand: lifetimes do not apply
    friend bool operator==(const AddressFlags&, const AddressFlags&) = default;
};

// An address as the daemon reads it from RTM_NEWADDR. Lifetimes are the
// remaining seconds of ifa_cacheinfo, infinite_lifetime = forever.
struct AddressUpdate {
    Address address;
    unsigned prefix_len = 128;
    AddressFlags flags;
    std::uint32_t valid_lifetime = infinite_lifetime;
    std::uint32_t preferred_lifetime = infinite_lifetime;
};

struct HostAddress {
    Address address;
    unsigned prefix_len = 128;
    AddressFlags flags;
    TimePoint valid_until = never;
    TimePoint preferred_until = never;  // meaningless once flags.deprecated

    // A source for new connections: RFC 6724 Rule 3 and RFC 4862 §5.5.4.
    bool preferred() const { return !flags.deprecated && !flags.tentative && !flags.dadfailed; }
    // Still carries traffic (existing connections on a deprecated address).
    bool usable() const { return !flags.dadfailed; }
};

// One PIO as advertised by one router (RFC 8028 §3.1: the host records,
// per router, every prefix it advertised, whatever the L and A flags).
struct AdvertisedPrefix {
    Prefix prefix;
    bool on_link = false;
    bool autonomous = false;
    TimePoint valid_until = never;
    TimePoint preferred_until = never;  // meaningless once deprecated
    bool deprecated = false;            // preferred lifetime 0 or run out
};

// One RIO from one router (RFC 4191 §3: routes are keyed by prefix and
// router). Never ::/0: a ::/0 RIO sets Router::default_route instead.
struct AdvertisedRoute {
    Prefix prefix;
    RouterPreference preference = RouterPreference::Medium;
    TimePoint valid_until = never;
};

// One RDNSS server from one router (RFC 8106 §5.1).
struct AdvertisedDnsServer {
    Address address;
    TimePoint valid_until = never;
};

// The router's ::/0 route: RFC 4191 §3 sets it from the RA header (Router
// Lifetime, Prf) and lets a ::/0 RIO in the same RA override both.
struct DefaultRoute {
    RouterPreference preference = RouterPreference::Medium;
    TimePoint valid_until = never;
};

// A router on one link, keyed by its link-local address. It exists while it
// is a default router or still has a live prefix, route or DNS server.
// The lists are sorted (by prefix, prefix, address) and hold no duplicates.
struct Router {
    Address address;
    TimePoint last_advertisement{};
    std::optional<DefaultRoute> default_route;  // nullopt: not a default router
    std::vector<AdvertisedPrefix> prefixes;
    std::vector<AdvertisedRoute> routes;
    std::vector<AdvertisedDnsServer> dns_servers;

    bool is_default_router() const { return default_route.has_value(); }
    // RFC 4191 §2.2: Prf is ignored when the router lifetime is 0, so a router
    // that is not a default router ranks as Medium.
    RouterPreference preference() const {
        return default_route ? default_route->preference : RouterPreference::Medium;
    }
    const AdvertisedPrefix* find_prefix(const Prefix& prefix) const;
    bool empty() const {
        return !default_route && prefixes.empty() && routes.empty() && dns_servers.empty();
    }
};

// A network interface and everything learned on it. Routers are sorted by
// address, addresses by address.
struct Link {
    int ifindex = 0;
    std::string name;
    bool up = false;
    std::vector<Router> routers;
    std::vector<HostAddress> addresses;

    const Router* find_router(const Address& address) const;
    const HostAddress* find_address(const Address& address) const;
};

enum class NoteKind {
    UnknownLink,   // input for a link the model was not told about
    Ignored,       // an option or input that is invalid and was skipped
    LimitReached,  // refused because a HostModelLimits cap is reached
    Expired,       // removed or deprecated because its lifetime ran out
};

// Something the daemon may want to log; the model itself never logs.
struct ModelNote {
    NoteKind kind;
    int ifindex = 0;
    std::string text;
};

// The outcome of one HostModel call.
struct ModelUpdate {
    // Something decide_routing() or the path list reads has changed: a link
    // appeared, vanished or changed up/down; an address appeared, vanished or
    // changed prefix length or flags; a router became or stopped being a
    // default router or changed preference; a prefix appeared, vanished or was
    // deprecated; a route appeared, vanished or changed preference. A new
    // deadline alone (an RA that only refreshes lifetimes) is no change.
    bool routing_changed = false;
    // The set of RDNSS servers changed (probe targets, resolver config).
    bool dns_changed = false;
    std::vector<ModelNote> notes;

    bool changed() const { return routing_changed || dns_changed; }
    void merge(ModelUpdate other);
};

}  // namespace multi6d
