#include "routing_decision.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "load_balance.hpp"
#include "router_fallback.hpp"
#include "rule55_routes.hpp"

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

// 0: Up, 1: Unknown (no evidence either way, policy/path_evidence.hpp:
// usable, after paths known to be up), 2: Degraded, 3: Down (never usable
// for new flows). The same order as D-Bus ranking (ranking.cpp).
int health_tier(PathHealth h) {
    switch (h) {
        case PathHealth::Up:
            return 0;
        case PathHealth::Unknown:
            return 1;
        case PathHealth::Degraded:
            return 2;
        case PathHealth::Down:
            break;
    }
    return 3;
}

// A path that made it into the kernel state (it has a table and a label).
struct Placed {
    const PathInfo* info;
    TableId table;
    AddressLabel label;
    int tier;
    PathUplink uplink;
};

// "Best path" order of the header (Labels 2): smaller is better.
auto best_path_key(const Placed& p) {
    return std::tuple(-rank(p.info->router_preference), p.info->key.prefix, p.info->key.router,
                      p.info->key.ifindex);
}

const Placed* best_path(const std::vector<const Placed*>& paths) {
    const auto it = std::ranges::min_element(paths, [](const Placed* a, const Placed* b) {
        return best_path_key(*a) < best_path_key(*b);
    });
    return it == paths.end() ? nullptr : *it;
}

// Keeps the elements of `paths` for which key(p) is smallest.
template <typename Key>
void keep_least(std::vector<const Placed*>& paths, Key key) {
    if (paths.empty()) {
        return;
    }
    const auto least = key(*std::ranges::min_element(
        paths, [&](const Placed* a, const Placed* b) { return key(a) < key(b); }));
    std::erase_if(paths, [&](const Placed* p) { return key(p) != least; });
}

// A label row and the path whose router carries its destinations.
struct SteeredRow {
    LabelRow row;
    const Placed* path;
};

// Generic destinations (header, Labels 2): the rows, in no particular
// order; updates ids.slice_owners.
std::vector<SteeredRow> generic_rows(const std::vector<Placed>& placed, const RoutingInputs& inputs,
                                     std::map<Prefix, std::string>& slice_owners) {
    std::vector<const Placed*> paths;
    for (const auto& p : placed) {
        const PathInfo& i = *p.info;
        if (i.default_router && i.has_preferred_address && i.prefix_preferred && p.tier <= 2) {
            paths.push_back(&p);
        }
    }
    keep_least(paths, [](const Placed* p) { return p->uplink.role == UplinkRole::Backup; });
    keep_least(paths, [](const Placed* p) { return p->tier; });
    keep_least(paths, [](const Placed* p) { return p->uplink.cost; });

    // Each weighted uplink and the label of its best path, by name.
    std::map<std::string, std::pair<unsigned, const Placed*>> weighted;
    for (const Placed* p : paths) {
        if (p->uplink.weight == 0) {
            continue;
        }
        auto [it, fresh] = weighted.try_emplace(p->uplink.name, p->uplink.weight, p);
        if (!fresh && best_path_key(*p) < best_path_key(*it->second.second)) {
            it->second.second = p;
        }
    }
    std::vector<SteeredRow> rows;
    if (weighted.empty()) {
        slice_owners.clear();
        if (const Placed* best = best_path(paths)) {
            rows.push_back({LabelRow{generic_destinations(), best->label}, best});
        }
        return rows;
    }
    std::vector<WeightedUplink> uplinks;
    std::vector<const Placed*> heaviest;
    unsigned max_weight = 0;
    for (const auto& [name, entry] : weighted) {
        uplinks.push_back(WeightedUplink{name, entry.first});
        max_weight = std::max(max_weight, entry.first);
    }
    for (const auto& [name, entry] : weighted) {
        if (entry.first == max_weight) {
            heaviest.push_back(entry.second);
        }
    }
    const Placed* heaviest_best = best_path(heaviest);
    rows.push_back({LabelRow{generic_destinations(), heaviest_best->label}, heaviest_best});
    std::map<Prefix, std::string> owners;
    for (const Prefix& range : inputs.balance.prefixes) {
        const auto dealt =
            assign_slices(split_prefix(range, inputs.balance.slice_bits), uplinks, slice_owners);
        for (const auto& [slice, name] : dealt) {
            const Placed* carrier = weighted.at(name).second;
            rows.push_back({LabelRow{slice, carrier->label}, carrier});
            owners.emplace(slice, name);
        }
    }
    slice_owners = std::move(owners);
    return rows;
}

// The path whose label a RIO from (ifindex, router) points at (header,
// Labels 3).
const Placed* router_path(const std::vector<Placed>& placed, int ifindex, const Address& router) {
    const Placed* best = nullptr;
    const auto key = [](const Placed& p) {
        const PathInfo& i = *p.info;
        const bool good = p.tier <= 1 && i.has_preferred_address && i.prefix_preferred;
        return std::tuple(!good, p.tier, i.key.prefix);
    };
    for (const auto& p : placed) {
        if (p.info->key.ifindex != ifindex || p.info->key.router != router) {
            continue;
        }
        if (best == nullptr || key(p) < key(*best)) {
            best = &p;
        }
    }
    return best;
}

// The path that carries destinations inside a path prefix P itself when
// main has no on-link route for them: P's best path.
const Placed* prefix_path(const std::vector<Placed>& placed, const Prefix& prefix) {
    std::vector<const Placed*> paths;
    for (const auto& p : placed) {
        if (p.info->key.prefix == prefix) {
            paths.push_back(&p);
        }
    }
    return best_path(paths);
}

struct RioCandidate {
    Prefix destination;
    int rio_rank;
    int router_rank;
    Address router;
    int ifindex;
    const Placed* path;  // the path whose label the row takes
    // Per destination, the first in this order wins.
    auto order() const { return std::tuple(destination, -rio_rank, -router_rank, router, ifindex); }
};

// The unbound-lookups table (header, Unbound lookups): one route per label
// row, its destination via the router of the path whose source that row
// makes RFC 6724 Rule 6 pick, plus ::/0 via the generic path when no row
// covers ::/0. Longest match in the table then agrees with longest match in
// the policy table for every destination.
//
// Every path down (issue 13 item 2): the host must
// do at least as well as the kernel alone. multi6d took over default-router
// selection (accept_ra_defrtr = 0), so main holds no RA default: the table
// gets ::/0 via every default router instead, best first at increasing
// metrics (the kernel skips a router whose neighbour entry failed, as it
// does with its own RA defaults), and no label row steers generic
// destinations, so the RFC 6724 default labels pick the source. The rows
// for path prefixes and RIOs keep their routes.
//
// With source-specific routes (KernelFeatures), the table also holds the
// Rule 5.5 defaults of every path (policy/rule55_routes.hpp): lookups with
// source :: never match them, so they change nothing for today's kernels.
void add_unbound_lookups(KernelState& state, const HostModel& model, bool every_path_down,
                         const std::vector<SteeredRow>& steered,
                         const std::vector<SteeredRow>& generic,
                         const std::vector<const PathInfo*>& rule55_paths) {
    const auto main_row = std::ranges::find_if(
        generic, [](const SteeredRow& g) { return g.row.prefix == generic_destinations(); });
    if (main_row == generic.end() && !every_path_down) {
        // No path at all, or none usable yet (tentative, deprecated):
        // nothing of multi6d's in the way of main.
        return;
    }
    const auto route_via = [&](const Prefix& destination, const Placed& path) {
        state.routes.insert(PathRoute{owned::unbound_table, destination, path.info->key.router,
                                      path.info->key.ifindex, path_route_metric, Prefix()});
    };
    bool default_covered = false;
    for (const SteeredRow& s : steered) {
        route_via(s.row.prefix, *s.path);
        default_covered = default_covered || s.row.prefix.length() == 0;
    }
    if (!default_covered && main_row != generic.end()) {
        route_via(Prefix(), *main_row->path);
    } else if (!default_covered) {
        std::uint32_t metric = path_route_metric;
        for (const FallbackRouter& r : default_routers(model)) {
            state.routes.insert(
                PathRoute{owned::unbound_table, Prefix(), r.router, r.ifindex, metric++, Prefix()});
        }
    }
    for (const PathRoute& route : rule55_routes(rule55_paths, owned::unbound_table)) {
        state.routes.insert(route);
    }
    state.rules.insert(SourceRule{owned::unbound_rule_priority, Prefix(), owned::unbound_table});
}

}  // namespace

void RoutingInputs::set_config(const Config& config) {
    uplinks = config.uplinks;
    balance = config.balance;
    reserve_application_block = std::ranges::any_of(
        config.applications, [](const ApplicationConfig& a) { return !a.fallback; });
}

PathUplink RoutingInputs::uplink_of(const PathKey& path) const {
    return multi6d::uplink_of(uplinks, path);
}

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
            placed.push_back(Placed{&p, *table, *label, health_tier(health_of(inputs, p.key)),
                                    inputs.uplink_of(p.key)});
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
    std::uint32_t priority =
        owned::path_rule_priorities.first.value + (inputs.reserve_application_block ? 1 : 0);
    for (const Placed* p : ordered) {
        state.rules.insert(SourceRule{RulePriority{priority++}, p->info->key.prefix, p->table});
        state.managed_links.insert(p->info->key.ifindex);
    }
    state.suppress_rule = !state.rules.empty();

    // Tables: the router's default route, the RFC 8028 §3.2 fallbacks after
    // it (policy/router_fallback.hpp), and the router's RIO routes.
    for (const auto& p : placed) {
        const PathKey& k = p.info->key;
        const Router* router = model.link(k.ifindex)->find_router(k.router);
        std::uint32_t metric = path_route_metric;
        for (const FallbackRouter& r : path_default_routers(model, k.ifindex, k.prefix, k.router)) {
            state.routes.insert(
                PathRoute{p.table, Prefix(), r.router, r.ifindex, metric++, Prefix()});
        }
        for (const auto& route : router->routes) {
            state.routes.insert(
                PathRoute{p.table, route.prefix, k.router, k.ifindex, path_route_metric, Prefix()});
        }
    }

    // Labels. `taken` keeps one row per prefix, in the documented precedence;
    // `steered` the path that carries each row's destinations.
    std::set<Prefix> taken;
    std::vector<SteeredRow> steered;
    for (const auto& p : placed) {
        if (taken.insert(p.info->key.prefix).second) {
            const LabelRow row{p.info->key.prefix, p.label};
            state.labels.insert(row);
            steered.push_back({row, prefix_path(placed, row.prefix)});
        }
    }
    const std::vector<SteeredRow> generic = generic_rows(placed, inputs, ids.slice_owners);
    for (const SteeredRow& g : generic) {
        if (taken.insert(g.row.prefix).second) {
            state.labels.insert(g.row);
            steered.push_back(g);
        }
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
        const Placed* carrier = router_path(placed, k.ifindex, k.router);
        for (const auto& route : router->routes) {
            rios.push_back(RioCandidate{route.prefix, rank(route.preference),
                                        rank(router->preference()), k.router, k.ifindex, carrier});
        }
    }
    std::ranges::sort(rios, {}, [](const RioCandidate& c) { return c.order(); });
    for (const auto& c : rios) {
        if (taken.insert(c.destination).second) {
            const LabelRow row{c.destination, c.path->label};
            state.labels.insert(row);
            // The RIO's own router, which is the router of c.path.
            steered.push_back({row, c.path});
        }
    }
    const bool every_path_down =
        !placed.empty() && std::ranges::all_of(placed, [&](const Placed& p) {
            return health_of(inputs, p.info->key) == PathHealth::Down;
        });
    std::vector<const PathInfo*> rule55_paths;
    if (inputs.kernel.source_specific_routes) {
        for (const Placed* p : ordered) {
            rule55_paths.push_back(p->info);
        }
    }
    add_unbound_lookups(state, model, every_path_down, steered, generic, rule55_paths);
    return state;
}

}  // namespace multi6d
