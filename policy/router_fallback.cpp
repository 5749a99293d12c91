#include "router_fallback.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace multi6d {

namespace {

// fc00::/7 (RFC 4193).
bool is_ula(const Prefix& prefix) {
    return (prefix.address().bytes()[0] & 0xfe) == 0xfc && prefix.length() >= 7;
}

// Every default router (router lifetime > 0 or a live ::/0 RIO) on a link
// that is up, in the order `key` gives: the one candidate list both
// orders below sort.
template <typename Key>
std::vector<FallbackRouter> default_routers_by(const HostModel& model, Key key) {
    struct Candidate {
        decltype(key(0, std::declval<const Router&>())) order;
        FallbackRouter router;
    };
    std::vector<Candidate> candidates;
    for (const auto& [index, link] : model.links()) {
        if (!link.up) {
            continue;
        }
        for (const Router& r : link.routers) {
            if (r.is_default_router()) {
                candidates.push_back(Candidate{key(index, r), FallbackRouter{index, r.address}});
            }
        }
    }
    std::ranges::sort(candidates, {}, &Candidate::order);
    std::vector<FallbackRouter> out;
    for (const auto& c : candidates) {
        out.push_back(c.router);
    }
    return out;
}

}  // namespace

std::vector<FallbackRouter> fallback_routers(const HostModel& model, int ifindex,
                                             const Prefix& prefix) {
    if (is_ula(prefix)) {
        return {};
    }
    return default_routers_by(model, [&](int index, const Router& r) {
        const bool advertised = index == ifindex && r.find_prefix(prefix) != nullptr;
        return std::tuple(!advertised, -static_cast<int>(r.preference()), index != ifindex,
                          r.address, index);
    });
}

std::vector<FallbackRouter> path_default_routers(const HostModel& model, int ifindex,
                                                 const Prefix& prefix, const Address& router) {
    std::vector<FallbackRouter> out;
    const Link* link = model.link(ifindex);
    const Router* own = link != nullptr ? link->find_router(router) : nullptr;
    const FallbackRouter self{ifindex, router};
    if (own != nullptr && own->is_default_router()) {
        out.push_back(self);
    }
    for (const FallbackRouter& r : fallback_routers(model, ifindex, prefix)) {
        if (r != self) {
            out.push_back(r);
        }
    }
    return out;
}

std::vector<FallbackRouter> default_routers(const HostModel& model) {
    return default_routers_by(model, [](int index, const Router& r) {
        return std::tuple(-static_cast<int>(r.preference()), r.address, index);
    });
}

}  // namespace multi6d
