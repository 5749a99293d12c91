#include "routing_decision.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

namespace multi6d {

namespace {

constexpr std::uint32_t path_route_metric = 1024;

int rank(RouterPreference p) {
    return static_cast<int>(p);
}

PathHealth health_of(const RoutingInputs& inputs, const PathKey& key) {
    auto it = inputs.health.find(key);
    return it == inputs.health.end() ? PathHealth::Unknown : it->second;
}

// 0: Up/Unknown, 1: Degraded, 2: Down (never usable for new flows).
int health_tier(PathHealth h) {
    switch (h) {
        case PathHealth::Unknown:
        case PathHealth::Up:
            return 0;
        case PathHealth::Degraded:
            return 1;
        case PathHealth::Down:
            break;
    }
    return 2;
}

// A path that made it into the kernel state (it has a table and a label).
struct Placed {
    const PathInfo* info;
    std::uint32_t table;
    std::uint32_t label;
    int tier;
};

// Best generic prefix (header, Labels 2): the label of the winner, if any.
std::optional<std::uint32_t> generic_label(const std::vector<Placed>& placed) {
    const Placed* best = nullptr;
    const auto key = [](const Placed& p) {
        // Smaller is better.
        return std::tuple(p.tier, -rank(p.info->router_preference), p.info->key.prefix,
                          p.info->key.router, p.info->key.ifindex);
    };
    for (const auto& p : placed) {
        const PathInfo& i = *p.info;
        if (!i.default_router || !i.has_preferred_address || !i.prefix_preferred || p.tier > 1) {
            continue;
        }
        if (best == nullptr || key(p) < key(*best)) {
            best = &p;
        }
    }
    return best == nullptr ? std::nullopt : std::optional<std::uint32_t>(best->label);
}

// The label a RIO from (ifindex, router) points at (header, Labels 3).
std::optional<std::uint32_t> router_label(const std::vector<Placed>& placed, int ifindex,
                                          const Address& router) {
    const Placed* best = nullptr;
    const auto key = [](const Placed& p) {
        const PathInfo& i = *p.info;
        const bool good = p.tier == 0 && i.has_preferred_address && i.prefix_preferred;
        return std::tuple(!good, i.key.prefix);
    };
    for (const auto& p : placed) {
        if (p.info->key.ifindex != ifindex || p.info->key.router != router) {
            continue;
        }
        if (best == nullptr || key(p) < key(*best)) {
            best = &p;
        }
    }
    return best == nullptr ? std::nullopt : std::optional<std::uint32_t>(best->label);
}

struct RioCandidate {
    Prefix destination;
    int rio_rank;
    int router_rank;
    Address router;
    int ifindex;
    std::uint32_t label;
    // Per destination, the first in this order wins.
    auto order() const { return std::tuple(destination, -rio_rank, -router_rank, router, ifindex); }
};

}  // namespace

Prefix generic_destinations() {
    return Prefix(*Address::parse("2000::"), 3);
}

KernelState decide_routing(const HostModel& model, const RoutingInputs& inputs, RoutingIds& ids) {
    const std::vector<PathInfo> paths = find_paths(model);

    std::set<PathKey> path_keys;
    std::set<Prefix> prefixes;
    for (const auto& p : paths) {
        path_keys.insert(p.key);
        prefixes.insert(p.key.prefix);
    }
    ids.tables.assign(path_keys);
    ids.labels.assign(prefixes);

    std::vector<Placed> placed;
    for (const auto& p : paths) {
        auto table = ids.tables.find(p.key);
        auto label = ids.labels.find(p.key.prefix);
        if (table && label) {
            placed.push_back(Placed{&p, *table, *label, health_tier(health_of(inputs, p.key))});
        }
    }

    KernelState state;

    // Rules, in the documented order.
    std::vector<const Placed*> ordered;
    for (const auto& p : placed) {
        ordered.push_back(&p);
    }
    std::ranges::sort(ordered, {}, [](const Placed* p) {
        const PathKey& k = p->info->key;
        return std::tuple(k.prefix, -rank(p->info->router_preference), k.router, k.ifindex);
    });
    std::uint32_t priority = first_owned_id;
    for (const Placed* p : ordered) {
        state.rules.insert(SourceRule{priority++, p->info->key.prefix, p->table});
        state.managed_links.insert(p->info->key.ifindex);
    }
    state.suppress_rule = !state.rules.empty();

    // Tables: the router's default route and its RIO routes.
    for (const auto& p : placed) {
        const PathKey& k = p.info->key;
        const Router* router = model.link(k.ifindex)->find_router(k.router);
        if (router->is_default_router()) {
            state.routes.insert(
                PathRoute{p.table, Prefix(), k.router, k.ifindex, path_route_metric, Prefix()});
        }
        for (const auto& route : router->routes) {
            state.routes.insert(
                PathRoute{p.table, route.prefix, k.router, k.ifindex, path_route_metric, Prefix()});
        }
    }

    // Labels. `taken` keeps one row per prefix, in the documented precedence.
    std::set<Prefix> taken;
    for (const auto& p : placed) {
        if (taken.insert(p.info->key.prefix).second) {
            state.labels.insert(LabelRow{p.info->key.prefix, p.label});
        }
    }
    if (auto label = generic_label(placed); label && taken.insert(generic_destinations()).second) {
        state.labels.insert(LabelRow{generic_destinations(), *label});
    }
    // RIO rows: one candidate per (link, router, destination) with a path.
    std::vector<RioCandidate> rios;
    std::set<std::pair<int, Address>> seen_routers;
    for (const auto& p : placed) {
        const PathKey& k = p.info->key;
        if (!seen_routers.emplace(k.ifindex, k.router).second) {
            continue;
        }
        const Router* router = model.link(k.ifindex)->find_router(k.router);
        const auto label = router_label(placed, k.ifindex, k.router);
        for (const auto& route : router->routes) {
            rios.push_back(RioCandidate{route.prefix, rank(route.preference),
                                        rank(router->preference()), k.router, k.ifindex, *label});
        }
    }
    std::ranges::sort(rios, {}, [](const RioCandidate& c) { return c.order(); });
    for (const auto& c : rios) {
        if (taken.insert(c.destination).second) {
            state.labels.insert(LabelRow{c.destination, c.label});
        }
    }
    return state;
}

}  // namespace multi6d
