// Helpers shared by host_model.cpp and host_model_ra.cpp. Not part of the
// library's interface.
#pragma once

#include <algorithm>
#include <string>

#include "host_model_types.hpp"

namespace multi6d::detail {

// True when a and b look the same to the routing decision: default-router
// state and preference, the set of prefixes and which are deprecated, the set
// of routes and their preferences. Deadlines are deliberately not compared.
inline bool same_routing(const Router& a, const Router& b) {
    return a.is_default_router() == b.is_default_router() && a.preference() == b.preference() &&
           std::ranges::equal(a.prefixes, b.prefixes,
                              [](const AdvertisedPrefix& x, const AdvertisedPrefix& y) {
                                  return x.prefix == y.prefix && x.deprecated == y.deprecated;
                              }) &&
           std::ranges::equal(a.routes, b.routes,
                              [](const AdvertisedRoute& x, const AdvertisedRoute& y) {
                                  return x.prefix == y.prefix && x.preference == y.preference;
                              });
}

inline bool same_dns(const Router& a, const Router& b) {
    return std::ranges::equal(a.dns_servers, b.dns_servers, {}, &AdvertisedDnsServer::address,
                              &AdvertisedDnsServer::address);
}

// The earliest deadline still ahead in one router's or address's records.
inline TimePoint earliest_deadline(const Router& r) {
    TimePoint t = r.default_route ? r.default_route->valid_until : never;
    for (const auto& p : r.prefixes) {
        t = std::min({t, p.valid_until, p.deprecated ? never : p.preferred_until});
    }
    for (const auto& route : r.routes) {
        t = std::min(t, route.valid_until);
    }
    for (const auto& d : r.dns_servers) {
        t = std::min(t, d.valid_until);
    }
    return t;
}

inline TimePoint earliest_deadline(const HostAddress& a) {
    return std::min(a.valid_until, a.flags.deprecated ? never : a.preferred_until);
}

// "eth0 (3): router fe80::1" style prefix for notes.
inline std::string where(const Link& link, const Address& router) {
    return link.name + " (" + std::to_string(link.ifindex) + "): router " + router.to_string();
}

inline void note(ModelUpdate& update, NoteKind kind, int ifindex, std::string text) {
    update.notes.push_back(ModelNote{kind, ifindex, std::move(text)});
}

}  // namespace multi6d::detail
