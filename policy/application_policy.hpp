// Per-application policy (issue 17): which uplink the new connections of an
// [[application]] (its users and the members of its groups) use. Pure: the
// uids come resolved in ApplicationConfig::uids (service/ reads the user
// and group databases).
//
// Mechanism (kernel-native, DESIGN.md §2): for an unbound socket the kernel
// looks up a route with source :: and, when that lookup succeeds, takes the
// source from the route's preferred source (RTA_PREFSRC) and keeps the
// route: exit and source come from the same route (ip6_dst_lookup_tail()).
// So each application gets
// - a table of its own (owned::application_tables) holding `::/0 via R dev
//   L src A`, R the router and A a host address of the chosen path, and
// - one `uidrange U-V lookup <table>` rule per range of its uids at
//   owned::application_rule_priority: after every `from <prefix>` rule, so
//   a bound socket (whose lookups carry its source) keeps its own uplink's
//   exit and is never redirected, and before the unbound rule (6855), so
//   the application's unbound lookups never reach the generic choice. The
//   suppress rule (6600) comes first, so on-link and more-specific routes
//   in main still work for the application.
//
// Candidates: the paths whose router is a default router, whose host
// address in P is preferred, whose PIO is not deprecated and whose health
// is not Down (the generic choice's conditions,
// policy/routing_decision.hpp), and that belong to
// - an uplink in `uplinks`, when it is set;
// - else (preference alone) a configured [[uplink]], or any uplink when
//   none is configured.
// Order: the best health tier first (Up and Unknown before Degraded: the
// same PathHealthView states and so the same hysteresis as the generic
// choice); with a preference alone, primary uplinks before backups (the
// administrator named none, so roles keep their meaning: a backup carries
// the application only while no primary can); then the preference
// (policy/application_preference.hpp); then the earliest uplink in
// `uplinks` (or in the configuration); then the generic "best path" order.
// - `uplinks` alone: list order; recovery brings the application back to
//   its first uplink as soon as that path is usable again in the best tier.
// - cost: the order applies at once, like list order.
// - latency, stability: the application keeps its previous path
//   (RoutingIds::application_paths) while that path is a candidate in the
//   best tier (and role), unless a path there is clearly better
//   (move_worthwhile()); then the first such path in the order. A path in a
//   better tier always wins: health beats preference.
// The source A: the lowest preferred non-temporary address in P (a stable
// source; a temporary one rotates), else the lowest preferred one.
//
// No path qualifies:
// - fallback = true: no rule and no table; the application's connections
//   follow the generic policy (the remaining healthy uplinks, in the
//   generic order);
// - fallback = false: `uidrange U-V unreachable` at
//   owned::application_block_priority, ahead of every `from <prefix>`
//   rule, so the application's new connections fail (ENETUNREACH), bound
//   or not. A block after the source rules would not hold: the kernel
//   retries a failed unbound lookup with the source RFC 6724 picks, and
//   that source's `from <prefix>` rule would let it out through that
//   prefix's uplink.
//
// A uid listed by two applications belongs to the first in configuration
// order (FIB rules of one priority must not overlap, or their order
// would decide). Applications beyond the table ids are left out.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "application_preference.hpp"
#include "config.hpp"
#include "host_model.hpp"
#include "kernel_state.hpp"
#include "owned_ids.hpp"
#include "path.hpp"
#include "routing_decision.hpp"

namespace multi6d {

// What one application's new connections use now.
struct ApplicationChoice {
    std::string application;
    // The chosen path, its uplink's name and the source address; none when
    // no preferred uplink has a usable path.
    std::optional<PathKey> path;
    std::string uplink;
    Address source;
    // The uplinks it chooses among, in `uplinks` order or, for a preference
    // alone, configuration order; empty: every uplink (no [[uplink]]).
    std::vector<std::string> candidates;
    // No usable path and fallback = false: new connections fail.
    bool blocked = false;
    friend bool operator==(const ApplicationChoice&, const ApplicationChoice&) = default;
};

// Sorted, unique uids as the fewest closed ranges.
std::vector<UidRange> uid_ranges(const std::vector<std::uint32_t>& uids);

// Adds the applications' rules and routes to `state` (computed by
// decide_routing() with the same `inputs`) and returns one choice per
// application that has uids, in configuration order. `measurements` holds
// what the prober measured per path (a path missing is not measured yet).
// `ids` gives each application name its table (ids.applications) and
// keeps each one's chosen path for the next decision
// (ids.application_paths).
std::vector<ApplicationChoice> decide_applications(
    const HostModel& model, const std::vector<PathInfo>& paths, const RoutingInputs& inputs,
    const std::map<PathKey, PathMeasurement>& measurements,
    const std::vector<ApplicationConfig>& applications, RoutingIds& ids, KernelState& state);

}  // namespace multi6d
