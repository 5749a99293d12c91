#include "application_policy.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace multi6d {

namespace {

constexpr std::uint32_t application_route_metric = 1024;

// 0: Up/Unknown, 1: Degraded; Down is never chosen.
std::optional<int> usable_tier(PathHealth h) {
    switch (h) {
        case PathHealth::Unknown:
        case PathHealth::Up:
            return 0;
        case PathHealth::Degraded:
            return 1;
        case PathHealth::Down:
            break;
    }
    return std::nullopt;
}

PathHealth health_of(const RoutingInputs& inputs, const PathKey& key) {
    const auto it = inputs.health.find(key);
    return it == inputs.health.end() ? PathHealth::Unknown : it->second;
}

// The header's source address of a path; nullopt when the host holds no
// preferred address in P on the path's link.
std::optional<Address> source_address(const HostModel& model, const PathKey& key) {
    const Link* link = model.link(key.ifindex);
    if (link == nullptr) {
        return std::nullopt;
    }
    std::optional<std::pair<bool, Address>> best;
    for (const HostAddress& a : link->addresses) {
        if (!a.preferred() || !key.prefix.contains(a.address)) {
            continue;
        }
        const std::pair<bool, Address> candidate(a.flags.temporary, a.address);
        if (!best || candidate < *best) {
            best = candidate;
        }
    }
    return best ? std::optional<Address>(best->second) : std::nullopt;
}

struct Candidate {
    int tier;
    std::size_t uplink_rank;
    const PathInfo* path;
    Address source;
    auto order() const {
        return std::tuple(tier, uplink_rank, -static_cast<int>(path->router_preference),
                          path->key.prefix, path->key.router, path->key.ifindex);
    }
};

}  // namespace

std::vector<UidRange> uid_ranges(const std::vector<std::uint32_t>& uids) {
    std::vector<UidRange> ranges;
    for (const std::uint32_t uid : uids) {
        if (!ranges.empty() && ranges.back().last != UINT32_MAX && ranges.back().last + 1 == uid) {
            ranges.back().last = uid;
        } else if (ranges.empty() || ranges.back().last < uid) {
            ranges.push_back(UidRange{uid, uid});
        }
    }
    return ranges;
}

std::vector<ApplicationChoice> decide_applications(
    const HostModel& model, const std::vector<PathInfo>& paths, const RoutingInputs& inputs,
    const std::vector<ApplicationConfig>& applications,
    OwnedIdAllocator<std::string, TableId>& tables, KernelState& state) {
    // The uids each application keeps: a uid goes to the first application
    // that lists it.
    std::set<std::uint32_t> claimed;
    std::vector<std::pair<const ApplicationConfig*, std::vector<std::uint32_t>>> matched;
    std::set<std::string> names;
    for (const ApplicationConfig& a : applications) {
        std::vector<std::uint32_t> own;
        for (const std::uint32_t uid : a.uids) {
            if (claimed.insert(uid).second) {
                own.push_back(uid);
            }
        }
        std::ranges::sort(own);
        // An application with units and no uid of its own still gets a
        // choice (policy/unit_wants.hpp), but no table and no rule.
        if (!own.empty() || !a.units.empty()) {
            if (!own.empty()) {
                names.insert(a.name);
            }
            matched.emplace_back(&a, std::move(own));
        }
    }
    tables.assign(names);

    std::vector<ApplicationChoice> choices;
    for (const auto& [application, uids] : matched) {
        const auto table = tables.find(application->name);
        if (!table && !uids.empty()) {
            continue;
        }
        std::optional<Candidate> best;
        for (const PathInfo& p : paths) {
            const auto tier = usable_tier(health_of(inputs, p.key));
            if (!tier || !p.default_router || !p.has_preferred_address || !p.prefix_preferred) {
                continue;
            }
            const auto listed = std::ranges::find(application->uplinks, inputs.uplink_name(p.key));
            if (listed == application->uplinks.end()) {
                continue;
            }
            const auto source = source_address(model, p.key);
            if (!source) {
                continue;
            }
            const Candidate c{*tier,
                              static_cast<std::size_t>(listed - application->uplinks.begin()), &p,
                              *source};
            if (!best || c.order() < best->order()) {
                best = c;
            }
        }
        ApplicationChoice choice;
        choice.application = application->name;
        const std::vector<UidRange> ranges = uid_ranges(uids);
        if (best) {
            const PathKey& k = best->path->key;
            choice.path = k;
            choice.uplink = inputs.uplink_name(k);
            choice.source = best->source;
            if (table) {
                state.routes.insert(PathRoute{*table, Prefix(), k.router, k.ifindex,
                                              application_route_metric, Prefix(), best->source});
            }
            for (const UidRange& r : ranges) {
                state.rules.insert(
                    SourceRule{owned::application_rule_priority, Prefix(), *table, r, false});
            }
        } else if (!application->fallback) {
            choice.blocked = true;
            for (const UidRange& r : ranges) {
                state.rules.insert(
                    SourceRule{owned::application_block_priority, Prefix(), TableId{}, r, true});
            }
        }
        choices.push_back(std::move(choice));
    }
    return choices;
}

}  // namespace multi6d
