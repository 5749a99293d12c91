// Paths as the application interface reports them (D-Bus ListPaths, Rank,
// PathStateChanged; multi6ctl), and ranking over them (policy/ranking.hpp).
// Pure: built from the host model and what the prober and the configuration
// say about each path.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "host_model.hpp"
#include "path.hpp"
#include "policy_table.hpp"
#include "ranking.hpp"

namespace multi6d {

struct ApplicationReport;  // application_report.hpp

// "LINK/PREFIX/ROUTER", e.g. "eth0/2001:db8:a::/64/fe80::1": unique per path
// and stable while the path exists (a link name holds no '/').
std::string path_id(const std::string& link_name, const PathKey& key);

struct PathReport {
    std::string id;         // path_id()
    std::string uplink;     // name of the [[uplink]] the path belongs to; "" if none
    std::string interface;  // link name
    PathKey key;
    bool default_router = false;  // the router gave a default route (path carries generic traffic)
    // The router's RFC 4191 routes (RIO prefixes other than ::/0), which
    // multi6d puts in the path's table; sorted.
    std::vector<Prefix> routes;
    RouterPreference router_preference = RouterPreference::Medium;
    // Host addresses in the prefix on this link that can be sources (not
    // tentative, not failed DAD), sorted by address.
    std::vector<SourceCandidate> addresses;
    PathMetrics metrics;
    // Why the path has metrics.state, one line (policy/path_evidence.hpp);
    // "" when there is nothing to say.
    std::string state_reason;
    // Who processes RAs on the path's link (link_manager_name()) and what
    // multi6d does beside it (link_manager_note()); "" when not known yet.
    std::string link_manager;
    std::string link_manager_note;
    friend bool operator==(const PathReport&, const PathReport&) = default;
};

// What the daemon knows about a path besides the host model.
struct PathFacts {
    std::string uplink;
    PathMetrics metrics;
    std::string link_manager;
    std::string link_manager_note;
    std::string state_reason;  // PathReport::state_reason
};

// One report per find_paths() path, in its order; a path missing from
// `facts` has no uplink name and default metrics (Unknown, cost 100).
std::vector<PathReport> path_reports(const HostModel& model,
                                     const std::map<PathKey, PathFacts>& facts);

struct RankedPairReport {
    Address source;
    Address destination;
    const PathReport* path = nullptr;  // into the `paths` given to rank_paths()
    RankReason reason;
};

// rank_pairs() over the addresses of every path, each reaching what its
// table has a route for (default_router: everything; else its `routes`).
// For each destination, an address on several paths counts once, on the
// first usable one the kernel's rules try (routing_decision.hpp: higher
// router preference, then lower router address, then lower ifindex).
// With `application`, the pairs rank as that application's new connections
// would go (application_rank_key()): its pairs first, and only its own with
// fallback = false. The result points into `paths`.
std::vector<RankedPairReport> rank_paths(std::span<const PathReport> paths,
                                         std::span<const Address> destinations,
                                         const PolicyTable& policy, RankPreference preference,
                                         const ApplicationReport* application = nullptr);

// A path that appeared, vanished or changed state between two reports (the
// D-Bus signal PathStateChanged). RTT and loss changes alone are not changes:
// they move with every probe.
struct PathStateChange {
    std::string id;
    std::string state;                 // health_name(), or "removed"
    const PathReport* path = nullptr;  // into `after`; nullptr when removed
};

// Changes from `before` to `after`, removed paths first, then the others in
// `after`'s order.
std::vector<PathStateChange> path_state_changes(std::span<const PathReport> before,
                                                std::span<const PathReport> after);

// The State property for these paths: "no-paths" when there is none,
// "conflict" when a path's link has managers multi6d cannot work beside
// (link_manager_blocks()), "running" when a path carrying generic traffic
// (default_router) is not down, "degraded" otherwise.
std::string manager_state(std::span<const PathReport> paths);

}  // namespace multi6d
