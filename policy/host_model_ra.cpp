// HostModel::apply: learning from one Router Advertisement (RFC 4861 §6.3.4,
// RFC 4191 §3, RFC 8028 §3.1, RFC 8106 §5.1).
#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "host_model.hpp"
#include "host_model_internal.hpp"

namespace multi6d {

using detail::note;

namespace {

// Applies the options of one RA to a copy of the router's entry; the caller
// compares before and after and decides whether the entry is kept.
class RaApplier {
  public:
    RaApplier(const HostModelLimits& limits, const Link& link, Router& router, TimePoint now,
              ModelUpdate& update)
        : limits_(limits), link_(link), router_(router), now_(now), update_(update) {}

    void run(const RouterAdvertisement& ra) {
        router_.last_advertisement = now_;
        default_route(ra);
        for (const auto& pio : ra.prefixes) {
            prefix(pio);
        }
        for (const auto& rio : ra.routes) {
            if (rio.prefix.length() != 0) {
                route(rio);
            }
        }
        for (const auto& rdnss : ra.dns_servers) {
            for (const auto& server : rdnss.servers) {
                dns_server(server, rdnss.lifetime);
            }
        }
        report(refused_prefixes_, "PIO", limits_.max_prefixes_per_router);
        report(refused_routes_, "RIO", limits_.max_routes_per_router);
        report(refused_dns_, "DNS server", limits_.max_dns_servers_per_router);
    }

  private:
    std::string here() const { return detail::where(link_, router_.address); }

    void refuse(NoteKind kind, const std::string& text) {
        note(update_, kind, link_.ifindex, here() + ": " + text);
    }

    // What a full list refused in this RA: one note per list and RA, so a
    // flood costs one log line per RA, not one per option.
    struct Refused {
        std::size_t count = 0;
        std::string first;
    };
    static void over_limit(Refused& refused, std::string what) {
        if (refused.count++ == 0) {
            refused.first = std::move(what);
        }
    }
    void report(const Refused& refused, const char* what, std::size_t limit) {
        if (refused.count == 0) {
            return;
        }
        std::string text = std::to_string(refused.count) + " new " + what + "(s) refused, first " +
                           refused.first + ": limit of " + std::to_string(limit) + " reached";
        refuse(NoteKind::LimitReached, text);
    }

    // RFC 4191 §3: the ::/0 route comes from Router Lifetime and Prf, then a
    // ::/0 RIO in the same RA overrides both. Lifetime 0 means no default
    // route; Prf is then ignored (RFC 4191 §2.2).
    void default_route(const RouterAdvertisement& ra) {
        std::optional<DefaultRoute> value;
        if (ra.router_lifetime > 0) {
            value = DefaultRoute{ra.preference, deadline_after(now_, ra.router_lifetime)};
        }
        for (const auto& rio : ra.routes) {
            if (rio.prefix.length() == 0) {
                value.reset();
                if (rio.lifetime > 0) {
                    value = DefaultRoute{rio.preference, deadline_after(now_, rio.lifetime)};
                }
            }
        }
        router_.default_route = value;
    }

    void prefix(const PrefixInformation& pio) {
        const Prefix& p = pio.prefix;
        // RFC 4861 §4.6.2: a PIO for the link-local prefix is ignored; a
        // multicast or zero-length "prefix" is no prefix a host can hold.
        if (p.length() == 0 || p.address().is_link_local() || p.address().is_multicast()) {
            refuse(NoteKind::Ignored, "PIO " + p.to_string() + " ignored: not a unicast prefix");
            return;
        }
        // RFC 4861 §4.6.2 forbids preferred > valid; Linux drops such a PIO
        // (addrconf_prefix_rcv), so the model does too and stays in step with
        // the kernel's addresses.
        if (pio.preferred_lifetime > pio.valid_lifetime) {
            refuse(NoteKind::Ignored,
                   "PIO " + p.to_string() + " ignored: preferred lifetime above valid lifetime");
            return;
        }
        auto& list = router_.prefixes;
        auto it = std::ranges::lower_bound(list, p, {}, &AdvertisedPrefix::prefix);
        const bool known = it != list.end() && it->prefix == p;
        if (pio.valid_lifetime == 0) {
            if (known) {
                list.erase(it);
            }
            return;
        }
        const AdvertisedPrefix record{p,
                                      pio.on_link,
                                      pio.autonomous,
                                      deadline_after(now_, pio.valid_lifetime),
                                      deadline_after(now_, pio.preferred_lifetime),
                                      pio.preferred_lifetime == 0};
        if (known) {
            *it = record;
        } else if (list.size() >= limits_.max_prefixes_per_router) {
            over_limit(refused_prefixes_, p.to_string());
        } else {
            list.insert(it, record);
        }
    }

    // RFC 4191 §3: keyed by (prefix, router); lifetime 0 deletes.
    void route(const RouteInformation& rio) {
        const Prefix& p = rio.prefix;
        if (p.address().is_link_local() || p.address().is_multicast()) {
            refuse(NoteKind::Ignored, "RIO " + p.to_string() + " ignored: not a unicast prefix");
            return;
        }
        auto& list = router_.routes;
        auto it = std::ranges::lower_bound(list, p, {}, &AdvertisedRoute::prefix);
        const bool known = it != list.end() && it->prefix == p;
        if (rio.lifetime == 0) {
            if (known) {
                list.erase(it);
            }
            return;
        }
        const AdvertisedRoute record{p, rio.preference, deadline_after(now_, rio.lifetime)};
        if (known) {
            *it = record;
        } else if (list.size() >= limits_.max_routes_per_router) {
            over_limit(refused_routes_, p.to_string());
        } else {
            list.insert(it, record);
        }
    }

    // RFC 8106 §5.1: lifetime 0 means the server must no longer be used.
    void dns_server(const Address& server, std::uint32_t lifetime) {
        auto& list = router_.dns_servers;
        auto it = std::ranges::lower_bound(list, server, {}, &AdvertisedDnsServer::address);
        const bool known = it != list.end() && it->address == server;
        if (lifetime == 0) {
            if (known) {
                list.erase(it);
            }
            return;
        }
        const AdvertisedDnsServer record{server, deadline_after(now_, lifetime)};
        if (known) {
            *it = record;
        } else if (list.size() >= limits_.max_dns_servers_per_router) {
            over_limit(refused_dns_, server.to_string());
        } else {
            list.insert(it, record);
        }
    }

    const HostModelLimits& limits_;
    const Link& link_;
    Router& router_;
    TimePoint now_;
    ModelUpdate& update_;
    Refused refused_prefixes_;
    Refused refused_routes_;
    Refused refused_dns_;
};

// Whether the RA could create a router entry (anything with a lifetime).
bool carries_anything(const RouterAdvertisement& ra) {
    return ra.router_lifetime > 0 ||
           std::ranges::any_of(ra.prefixes,
                               [](const PrefixInformation& p) { return p.valid_lifetime > 0; }) ||
           std::ranges::any_of(ra.routes,
                               [](const RouteInformation& r) { return r.lifetime > 0; }) ||
           std::ranges::any_of(ra.dns_servers, [](const RecursiveDnsServers& d) {
               return d.lifetime > 0 && !d.servers.empty();
           });
}

}  // namespace

ModelUpdate HostModel::apply(int ifindex, const RouterAdvertisement& ra, TimePoint now) {
    ModelUpdate update = expire(now);
    Link* link = find_link(ifindex, update, "router advertisement");
    if (link == nullptr) {
        return update;
    }
    // RFC 4861 §6.1.2: an RA's source is link-local; the parser checks it
    // already, and the model's key depends on it.
    if (!ra.router.is_link_local()) {
        note(update, NoteKind::Ignored, ifindex,
             link->name + ": RA from non-link-local " + ra.router.to_string() + " ignored");
        return update;
    }
    auto& routers = link->routers;
    auto it = std::ranges::lower_bound(routers, ra.router, {}, &Router::address);
    const bool known = it != routers.end() && it->address == ra.router;

    if (!known && routers.size() >= limits_.max_routers_per_link && carries_anything(ra)) {
        note(update, NoteKind::LimitReached, ifindex,
             detail::where(*link, ra.router) + " refused: " + std::to_string(routers.size()) +
                 " routers already (limit)");
        return update;
    }
    Router before;
    before.address = ra.router;
    if (known) {
        before = *it;
    }
    Router after = before;
    ModelUpdate learned;
    RaApplier(limits_, *link, after, now, learned).run(ra);
    learned.routing_changed = !detail::same_routing(before, after);
    learned.dns_changed = !detail::same_dns(before, after);
    update.merge(std::move(learned));
    earliest_ = std::min(earliest_, detail::earliest_deadline(after));
    if (after.empty()) {
        if (known) {
            routers.erase(it);
        }
    } else if (known) {
        *it = std::move(after);
    } else {
        routers.insert(it, std::move(after));
    }
    return update;
}

}  // namespace multi6d
