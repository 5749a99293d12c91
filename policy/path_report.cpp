#include "path_report.hpp"

#include "application_report.hpp"
#include "link_manager.hpp"
#include "path_quality.hpp"

#include <algorithm>
#include <tuple>

namespace multi6d {

namespace {

int rank(RouterPreference p) {
    return static_cast<int>(p);
}

// The order in which the kernel tries the per-path rules of one prefix
// (routing_decision.cpp assigns rule priorities in this order).
auto rule_order(const PathReport& p) {
    return std::tuple(p.key.prefix, -rank(p.router_preference), p.key.router, p.key.ifindex);
}

}  // namespace

std::string path_id(const std::string& link_name, const PathKey& key) {
    return link_name + "/" + key.prefix.to_string() + "/" + key.router.to_string();
}

std::vector<PathReport> path_reports(const HostModel& model,
                                     const std::map<PathKey, PathFacts>& facts) {
    std::vector<PathReport> reports;
    for (const PathInfo& info : find_paths(model)) {
        PathReport r;
        r.id = path_id(info.link_name, info.key);
        r.interface = info.link_name;
        r.key = info.key;
        r.default_router = info.default_router;
        r.router_preference = info.router_preference;
        if (const auto it = facts.find(info.key); it != facts.end()) {
            r.uplink = it->second.uplink;
            r.metrics = it->second.metrics;
            r.state_reason = it->second.state_reason;
            r.link_manager = it->second.link_manager;
            r.link_manager_note = it->second.link_manager_note;
        }
        if (const Link* link = model.link(info.key.ifindex); link != nullptr) {
            if (const Router* router = link->find_router(info.key.router); router != nullptr) {
                for (const AdvertisedRoute& route : router->routes) {
                    r.routes.push_back(route.prefix);
                }
                std::ranges::sort(r.routes);
            }
            for (const HostAddress& a : link->addresses) {
                // A tentative address cannot be a source yet (RFC 4862 §5.4);
                // a deprecated one can, and Rule 3 ranks it last.
                if (!a.usable() || a.flags.tentative || !info.key.prefix.contains(a.address)) {
                    continue;
                }
                SourceCandidate c;
                c.address = a.address;
                c.prefix_length = a.prefix_len;
                c.deprecated = a.flags.deprecated;
                c.temporary = a.flags.temporary;
                c.interface = info.key.ifindex;
                r.addresses.push_back(c);
            }
        }
        reports.push_back(std::move(r));
    }
    return reports;
}

std::vector<RankedPairReport> rank_paths(std::span<const PathReport> paths,
                                         std::span<const Address> destinations,
                                         const PolicyTable& policy, RankPreference preference,
                                         const ApplicationReport* application) {
    std::vector<const PathReport*> order;
    for (const PathReport& p : paths) {
        if (p.default_router || !p.routes.empty()) {
            order.push_back(&p);
        }
    }
    std::stable_sort(order.begin(), order.end(), [](const PathReport* a, const PathReport* b) {
        return rule_order(*a) < rule_order(*b);
    });

    std::vector<RankCandidate> candidates;
    std::vector<std::size_t> application_order;
    for (std::size_t i = 0; i < order.size(); ++i) {
        for (const SourceCandidate& s : order[i]->addresses) {
            candidates.push_back(
                RankCandidate{s, i, order[i]->metrics, order[i]->default_router, order[i]->routes});
            if (application != nullptr) {
                application_order.push_back(
                    application_rank_key(*application, *order[i], s.address));
            }
        }
    }

    const RankingContext ctx{&policy, preference, application_order};
    std::vector<RankedPairReport> result;
    for (const RankedPair& pair : rank_pairs(candidates, destinations, ctx)) {
        const RankCandidate& c = candidates[pair.candidate];
        result.push_back(RankedPairReport{c.source.address, destinations[pair.destination],
                                          order[c.path], pair.reason});
    }
    return result;
}

std::vector<PathStateChange> path_state_changes(std::span<const PathReport> before,
                                                std::span<const PathReport> after) {
    const auto find = [](std::span<const PathReport> list, const std::string& id) {
        return std::find_if(list.begin(), list.end(),
                            [&id](const PathReport& p) { return p.id == id; });
    };
    std::vector<PathStateChange> changes;
    for (const PathReport& old : before) {
        if (find(after, old.id) == after.end()) {
            changes.push_back(PathStateChange{old.id, "removed", nullptr});
        }
    }
    for (const PathReport& now : after) {
        const auto old = find(before, now.id);
        if (old == before.end() || old->metrics.state != now.metrics.state) {
            changes.push_back(
                PathStateChange{now.id, std::string(health_name(now.metrics.state)), &now});
        }
    }
    return changes;
}

std::string manager_state(std::span<const PathReport> paths) {
    if (paths.empty()) {
        return "no-paths";
    }
    for (const PathReport& p : paths) {
        if (p.link_manager == link_manager_name(LinkManager::Conflict)) {
            return "conflict";
        }
    }
    for (const PathReport& p : paths) {
        if (p.default_router && p.metrics.state != PathHealth::Down) {
            return "running";
        }
    }
    return "degraded";
}

}  // namespace multi6d
