// Links, addresses, expiry and lookups of the host model. RA processing is in
// host_model_ra.cpp.
#include "host_model.hpp"

#include <algorithm>
#include <utility>

#include "host_model_internal.hpp"

namespace multi6d {

using detail::note;

void ModelUpdate::merge(ModelUpdate other) {
    routing_changed = routing_changed || other.routing_changed;
    dns_changed = dns_changed || other.dns_changed;
    for (auto& n : other.notes) {
        notes.push_back(std::move(n));
    }
}

const AdvertisedPrefix* Router::find_prefix(const Prefix& prefix) const {
    auto it = std::ranges::lower_bound(prefixes, prefix, {}, &AdvertisedPrefix::prefix);
    return it != prefixes.end() && it->prefix == prefix ? &*it : nullptr;
}

const Router* Link::find_router(const Address& address) const {
    auto it = std::ranges::lower_bound(routers, address, {}, &Router::address);
    return it != routers.end() && it->address == address ? &*it : nullptr;
}

const HostAddress* Link::find_address(const Address& address) const {
    auto it = std::ranges::lower_bound(addresses, address, {}, &HostAddress::address);
    return it != addresses.end() && it->address == address ? &*it : nullptr;
}

HostModel::HostModel(HostModelLimits limits) : limits_(limits) {}

const Link* HostModel::link(int ifindex) const {
    auto it = links_.find(ifindex);
    return it == links_.end() ? nullptr : &it->second;
}

Link* HostModel::find_link(int ifindex, ModelUpdate& update, const char* what) {
    auto it = links_.find(ifindex);
    if (it == links_.end()) {
        note(update, NoteKind::UnknownLink, ifindex,
             std::string(what) + " on unknown link " + std::to_string(ifindex) + " ignored");
        return nullptr;
    }
    return &it->second;
}

ModelUpdate HostModel::set_link(int ifindex, std::string name, bool up) {
    ModelUpdate update;
    auto [it, inserted] = links_.try_emplace(ifindex);
    Link& link = it->second;
    if (inserted) {
        link.ifindex = ifindex;
        update.routing_changed = true;
    } else if (link.up != up) {
        update.routing_changed = true;
    }
    link.name = std::move(name);
    link.up = up;
    return update;
}

ModelUpdate HostModel::remove_link(int ifindex) {
    ModelUpdate update;
    auto it = links_.find(ifindex);
    if (it == links_.end()) {
        return update;
    }
    update.routing_changed = true;
    update.dns_changed = std::ranges::any_of(
        it->second.routers, [](const Router& r) { return !r.dns_servers.empty(); });
    links_.erase(it);
    return update;
}

ModelUpdate HostModel::set_address(int ifindex, const AddressUpdate& in, TimePoint now) {
    ModelUpdate update = expire(now);
    Link* link = find_link(ifindex, update, "address");
    if (link == nullptr) {
        return update;
    }
    if (in.valid_lifetime == 0 && !in.flags.permanent) {
        update.merge(remove_address(ifindex, in.address));
        return update;
    }
    HostAddress value{in.address, in.prefix_len, in.flags, never, never};
    if (!in.flags.permanent) {
        value.valid_until = deadline_after(now, in.valid_lifetime);
        value.preferred_until = deadline_after(now, in.preferred_lifetime);
        // A preferred lifetime of 0 is deprecation (RFC 4862 §5.5.4), whatever
        // the flags say.
        value.flags.deprecated = value.flags.deprecated || in.preferred_lifetime == 0;
    }
    auto& list = link->addresses;
    auto it = std::ranges::lower_bound(list, in.address, {}, &HostAddress::address);
    if (it != list.end() && it->address == in.address) {
        update.routing_changed = it->prefix_len != value.prefix_len || it->flags != value.flags;
        *it = value;
        earliest_ = std::min(earliest_, detail::earliest_deadline(value));
        return update;
    }
    if (list.size() >= limits_.max_addresses_per_link) {
        note(update, NoteKind::LimitReached, ifindex,
             link->name + ": address " + in.address.to_string() +
                 " not tracked: " + std::to_string(list.size()) + " addresses already (limit)");
        return update;
    }
    list.insert(it, value);
    earliest_ = std::min(earliest_, detail::earliest_deadline(value));
    update.routing_changed = true;
    return update;
}

ModelUpdate HostModel::remove_address(int ifindex, const Address& address) {
    ModelUpdate update;
    auto lit = links_.find(ifindex);
    if (lit == links_.end()) {
        return update;
    }
    auto& list = lit->second.addresses;
    auto it = std::ranges::lower_bound(list, address, {}, &HostAddress::address);
    if (it != list.end() && it->address == address) {
        list.erase(it);
        update.routing_changed = true;
    }
    return update;
}

namespace {

// Drops (or deprecates) what is over at now in one router's lists, with a
// note naming each record, and flags the kind of change.
void expire_router(const Link& link, Router& router, TimePoint now, ModelUpdate& update) {
    const auto here = [&] { return detail::where(link, router.address); };
    const auto expired = [&](bool routing, const std::string& what) {
        note(update, NoteKind::Expired, link.ifindex, here() + ": " + what);
        (routing ? update.routing_changed : update.dns_changed) = true;
        return true;
    };
    if (router.default_route && router.default_route->valid_until <= now) {
        router.default_route.reset();
        expired(true, "router lifetime over, no longer a default router");
    }
    std::erase_if(router.prefixes, [&](const AdvertisedPrefix& p) {
        return p.valid_until <= now &&
               expired(true, "prefix " + p.prefix.to_string() + " valid lifetime over");
    });
    for (auto& p : router.prefixes) {
        if (!p.deprecated && p.preferred_until <= now) {
            p.deprecated = true;
            expired(true, "prefix " + p.prefix.to_string() + " preferred lifetime over");
        }
    }
    std::erase_if(router.routes, [&](const AdvertisedRoute& r) {
        return r.valid_until <= now &&
               expired(true, "route " + r.prefix.to_string() + " lifetime over");
    });
    std::erase_if(router.dns_servers, [&](const AdvertisedDnsServer& d) {
        return d.valid_until <= now &&
               expired(false, "DNS server " + d.address.to_string() + " lifetime over");
    });
}

void expire_addresses(Link& link, TimePoint now, ModelUpdate& update) {
    std::erase_if(link.addresses, [&](const HostAddress& a) {
        if (a.valid_until > now) {
            return false;
        }
        note(update, NoteKind::Expired, link.ifindex,
             link.name + ": address " + a.address.to_string() + " valid lifetime over");
        update.routing_changed = true;
        return true;
    });
    for (auto& a : link.addresses) {
        if (!a.flags.deprecated && a.preferred_until <= now) {
            a.flags.deprecated = true;
            update.routing_changed = true;
        }
    }
}

}  // namespace

ModelUpdate HostModel::expire(TimePoint now) {
    ModelUpdate update;
    if (now < earliest_) {
        return update;
    }
    for (auto& [ifindex, link] : links_) {
        expire_addresses(link, now, update);
        for (auto& router : link.routers) {
            expire_router(link, router, now, update);
            if (router.empty()) {
                note(update, NoteKind::Expired, ifindex,
                     detail::where(link, router.address) + ": nothing left, router forgotten");
            }
        }
        std::erase_if(link.routers, [](const Router& r) { return r.empty(); });
    }
    earliest_ = next_expiry().value_or(never);
    return update;
}

std::optional<TimePoint> HostModel::next_expiry() const {
    TimePoint earliest = never;
    for (const auto& [ifindex, link] : links_) {
        for (const auto& a : link.addresses) {
            earliest = std::min(earliest, detail::earliest_deadline(a));
        }
        for (const auto& r : link.routers) {
            earliest = std::min(earliest, detail::earliest_deadline(r));
        }
    }
    if (earliest == never) {
        return std::nullopt;
    }
    return earliest;
}

}  // namespace multi6d
