#include "router_fallback.hpp"

#include <algorithm>
#include <tuple>

namespace multi6d {

namespace {

// fc00::/7 (RFC 4193).
bool is_ula(const Prefix& prefix) {
    return (prefix.address().bytes()[0] & 0xfe) == 0xfc && prefix.length() >= 7;
}

}  // namespace

std::vector<FallbackRouter> fallback_routers(const HostModel& model, int ifindex,
                                             const Prefix& prefix) {
    std::vector<FallbackRouter> out;
    if (is_ula(prefix)) {
        return out;
    }
    struct Candidate {
        bool advertised;
        int preference;
        bool same_link;
        FallbackRouter router;
    };
    std::vector<Candidate> candidates;
    for (const auto& [index, link] : model.links()) {
        if (!link.up) {
            continue;
        }
        for (const Router& r : link.routers) {
            if (!r.is_default_router()) {
                continue;
            }
            candidates.push_back(Candidate{index == ifindex && r.find_prefix(prefix) != nullptr,
                                           static_cast<int>(r.preference()), index == ifindex,
                                           FallbackRouter{index, r.address}});
        }
    }
    std::ranges::sort(candidates, {}, [](const Candidate& c) {
        return std::tuple(!c.advertised, -c.preference, !c.same_link, c.router.router,
                          c.router.ifindex);
    });
    for (const auto& c : candidates) {
        out.push_back(c.router);
    }
    return out;
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
    struct Candidate {
        int preference;
        FallbackRouter router;
    };
    std::vector<Candidate> candidates;
    for (const auto& [index, link] : model.links()) {
        if (!link.up) {
            continue;
        }
        for (const Router& r : link.routers) {
            if (r.is_default_router()) {
                candidates.push_back(
                    Candidate{static_cast<int>(r.preference()), FallbackRouter{index, r.address}});
            }
        }
    }
    std::ranges::sort(candidates, {}, [](const Candidate& c) {
        return std::tuple(-c.preference, c.router.router, c.router.ifindex);
    });
    std::vector<FallbackRouter> out;
    for (const auto& c : candidates) {
        out.push_back(c.router);
    }
    return out;
}

}  // namespace multi6d
