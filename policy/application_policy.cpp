#include "application_policy.hpp"

#include <algorithm>
#include <functional>
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
    int role;  // 0: primary (or `uplinks` set: roles do not count), 1: backup
    std::size_t uplink_rank;
    const PathInfo* path;
    PreferenceFacts facts;
    Address source;
    bool same_group(const Candidate& other) const {
        return tier == other.tier && role == other.role;
    }
    auto tail() const {
        return std::tuple(uplink_rank, -static_cast<int>(path->router_preference), path->key.prefix,
                          path->key.router, path->key.ifindex);
    }
};

// The header's order (tier, role, preference, uplink rank, generic order).
bool comes_before(const std::optional<ApplicationPreference>& preference, const Candidate& a,
                  const Candidate& b) {
    if (!a.same_group(b)) {
        return std::tuple(a.tier, a.role) < std::tuple(b.tier, b.role);
    }
    if (preference) {
        if (preferred_before(*preference, a.facts, b.facts)) {
            return true;
        }
        if (preferred_before(*preference, b.facts, a.facts)) {
            return false;
        }
    }
    return a.tail() < b.tail();
}

// The uplinks `application` chooses among and the rank of each (see
// ApplicationChoice::candidates); nullopt for a path of none of them.
std::optional<std::size_t> candidate_rank(const ApplicationConfig& application,
                                          const RoutingInputs& inputs, const PathUplink& uplink) {
    const auto rank_in = [&](const auto& names, auto projection) -> std::optional<std::size_t> {
        const auto it = std::ranges::find(names, uplink.name, projection);
        return it == names.end() ? std::nullopt
                                 : std::optional<std::size_t>(it - std::ranges::begin(names));
    };
    if (!application.uplinks.empty()) {
        return rank_in(application.uplinks, std::identity{});
    }
    if (inputs.uplinks.empty()) {
        return 0;
    }
    return rank_in(inputs.uplinks, &UplinkConfig::name);
}

// The path `application` uses among `candidates` (sorted by comes_before,
// not empty), with `previous` its path of the last decision.
const Candidate& pick(const ApplicationConfig& application,
                      const std::vector<Candidate>& candidates,
                      const std::optional<PathKey>& previous) {
    const Candidate& best = candidates.front();
    if (!application.preference || !has_hysteresis(*application.preference) || !previous) {
        return best;
    }
    const auto current = std::ranges::find_if(
        candidates, [&](const Candidate& c) { return c.path->key == *previous; });
    if (current == candidates.end() || !current->same_group(best)) {
        return best;
    }
    for (const Candidate& c : candidates) {
        if (&c == &*current || !c.same_group(best)) {
            break;
        }
        if (move_worthwhile(*application.preference, current->facts, c.facts)) {
            return c;
        }
    }
    return *current;
}

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
    const std::map<PathKey, PathMeasurement>& measurements,
    const std::vector<ApplicationConfig>& applications, RoutingIds& ids, KernelState& state) {
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
    ids.applications.assign(names);

    std::map<std::string, PathKey> chosen_paths;
    std::vector<ApplicationChoice> choices;
    for (const auto& [application, uids] : matched) {
        const auto table = ids.applications.find(application->name);
        if (!table && !uids.empty()) {
            continue;
        }
        std::vector<Candidate> candidates;
        for (const PathInfo& p : paths) {
            const auto tier = usable_tier(health_of(inputs, p.key));
            if (!tier || !p.default_router || !p.has_preferred_address || !p.prefix_preferred) {
                continue;
            }
            const PathUplink uplink = inputs.uplink_of(p.key);
            const auto rank = candidate_rank(*application, inputs, uplink);
            if (!rank) {
                continue;
            }
            const auto source = source_address(model, p.key);
            if (!source) {
                continue;
            }
            const int role =
                application->uplinks.empty() && uplink.role == UplinkRole::Backup ? 1 : 0;
            const auto measured = measurements.find(p.key);
            candidates.push_back(Candidate{
                *tier, role, *rank, &p,
                PreferenceFacts{uplink.cost, measured == measurements.end() ? PathMeasurement{}
                                                                            : measured->second},
                *source});
        }
        std::ranges::sort(candidates, [&](const Candidate& a, const Candidate& b) {
            return comes_before(application->preference, a, b);
        });
        std::vector<std::string> candidate_uplinks = application->uplinks;
        if (candidate_uplinks.empty()) {
            for (const UplinkConfig& u : inputs.uplinks) {
                candidate_uplinks.push_back(u.name);
            }
        }
        ApplicationChoice choice;
        choice.application = application->name;
        choice.candidates = std::move(candidate_uplinks);
        const std::vector<UidRange> ranges = uid_ranges(uids);
        if (!candidates.empty()) {
            const auto previous = ids.application_paths.find(application->name);
            // A named value, not a temporary: pick() returns a reference into
            // `candidates`, and gcc 14 warns (-Wdangling-reference) whenever
            // such a call also takes a temporary.
            const std::optional<PathKey> previous_path =
                previous == ids.application_paths.end() ? std::nullopt
                                                        : std::optional<PathKey>(previous->second);
            const Candidate& best = pick(*application, candidates, previous_path);
            const PathKey& k = best.path->key;
            choice.path = k;
            choice.uplink = inputs.uplink_name(k);
            choice.source = best.source;
            chosen_paths.emplace(application->name, k);
            if (table) {
                state.routes.insert(PathRoute{*table, Prefix(), k.router, k.ifindex,
                                              application_route_metric, Prefix(), best.source});
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
    ids.application_paths = std::move(chosen_paths);
    return choices;
}

}  // namespace multi6d
