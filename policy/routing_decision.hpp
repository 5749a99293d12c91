// The routing decision (DESIGN.md §3.2–3.3, §3.5): host model (+ path health)
// → the kernel state multi6d wants. Pure and deterministic: the same model
// content, inputs and id history give the same KernelState, whatever order
// the facts were learned in.
//
// Decisions:
// - Paths are those of find_paths() (policy/path.hpp). Each path gets a
//   table of its own (one router per table, so libnl's route cache never
//   sees two routes collide; DESIGN.md §2).
// - Table contents: `::/0 via R dev link` when R is a default router
//   (router lifetime > 0, or a live ::/0 RIO, RFC 4191 §3), plus
//   `Q via R dev link` for every live RIO Q from R. All metric 1024.
//   A router with lifetime 0 keeps its RIO routes (RFC 8678 §6.3.2), and a
//   ULA-only router that is no default router gets no ::/0 (RFC 8678 §6.5).
// - Rules: `from P lookup table(path)` at priorities 6601, 6602, ... (from
//   6602 while inputs.reserve_application_block) in
//   the order: P; then R's RFC 4191 preference, high first; then R's
//   address; then ifindex. So for a prefix advertised by two routers the
//   preferred router's table is tried first, and a table with no matching
//   route falls through to the next (RFC 8028 §3.2: only routers that
//   advertised P are candidates for sources in P). suppress_rule is set iff
//   any path rule exists; managed_links are the links with a path rule.
// - Labels (RFC 6724 §2.1 policy table, DESIGN.md §3.3):
//   1. every path prefix P keeps its own row (P, label(P)) at all times;
//   2. generic destinations: among the paths whose router is a default
//      router, whose host address in P is preferred and whose PIO is not
//      deprecated (RFC 8475 §3.1.2: the router's way of saying "do not
//      start new flows here"), and whose health is not Down, keep
//      a. the primary paths if any (policy/uplink.hpp says a path's
//         uplink, role, cost and weight), else the backup paths: a backup
//         carries new connections only while no primary can;
//      b. the Up paths if any, else the Unknown ones (never answered a
//         probe, no evidence against them: policy/path_evidence.hpp), else
//         the Degraded ones (so a degraded primary still beats a healthy
//         backup: role first);
//      c. the paths of the lowest-cost uplinks.
//      Then if some of the uplinks left have weight > 0, those share the
//      destinations (policy/load_balance.hpp): every [balance] range is cut
//      into 2^slice_bits slices, each slice gets a row (S, label of the
//      best path of the uplink it is dealt to), and (2000::/3, label) goes
//      to the heaviest of them. Otherwise (2000::/3, label(G)) with G the
//      best path left. "Best path": the highest router preference, then
//      the lowest prefix, then the lowest router address, then ifindex.
//      No path qualifies: no generic rows (the kernel's ::/0 row decides).
//   3. every live RIO destination Q gets (Q, label(P)) with P a prefix Q's
//      router advertised: Rule 5.5's effect from userspace (RFC 8028 §3.1,
//      RFC 6724 §5 Rule 5.5). P is that router's best prefix on the link
//      (usable health, preferred address, non-deprecated PIO first, then the
//      lowest; among usable ones Up before Unknown). When two routers
//      advertise the same Q: higher RIO preference, then higher router
//      preference, then lower router address, then lower ifindex. RIO rows are kept whatever the
//      health: an ISP-specific destination is reachable only through that ISP.
//   A prefix has one row only: path rows win over generic rows (2000::/3
//   and slices), which win over RIO rows for the same prefix.
// - Unbound lookups (DESIGN.md §2): the kernel routes an unbound socket's
//   connect() with source :: first and uses that route's exit if it finds
//   one; only the source is then picked by RFC 6724. A source-independent
//   default in main (a network manager's `proto ra` multipath default)
//   would pick the exit by hash. So, when a generic path exists, a rule
//   `from all lookup 6855` at priority 6855 (after every source rule, after
//   the suppress rule, so main's on-link and more-specific routes still win)
//   leads to table 6855, which holds one route per label row: the row's
//   prefix via the router of the path whose label the row carries (path
//   prefixes via their best path, 2000::/3 and [balance] slices via their
//   uplink's path, RIO destinations via the router that advertised them),
//   plus ::/0 via the 2000::/3 path unless a row is ::/0. Longest match in
//   that table and in the policy table then choose the same path for every
//   destination, and both move together on failover. No generic path: no
//   rule and no table (unbound lookups fall to main, as without multi6d).
//   Where the kernel takes source-specific routes, the table also holds
//   every path's `::/0 from P via R`, the routes a kernel with RFC 6724
//   Rule 5.5 consults (policy/rule55_routes.hpp).
// - Ids: table ids per path key and labels per prefix come from
//   RoutingIds, kept by the daemon between calls so they do not churn
//   (policy/owned_ids.hpp); so do the slices' owners, so that an uplink
//   coming or going moves as few slices as the new shares require. Paths
//   beyond the 222 table ids available (6601..6822) are left out (RoutingIds::tables.refused()
//   says how many).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config.hpp"
#include "host_model.hpp"
#include "kernel_features.hpp"
#include "kernel_state.hpp"
#include "owned_ids.hpp"
#include "path.hpp"
#include "uplink.hpp"

namespace multi6d {

// Everything besides the host model that the decision reads. A
// default-constructed RoutingInputs means "no extra knowledge": every path
// Unknown, every prefix an implicit primary uplink, no weights.
struct RoutingInputs {
    // The prober's verdict per path; a path missing here is Unknown.
    std::map<PathKey, PathHealth> health;
    // Config::uplinks and Config::balance.
    std::vector<UplinkConfig> uplinks;
    BalanceSettings balance;
    // Some [[application]] has fallback = false: the path rules start one
    // later, so owned::application_block_priority stays free for its block
    // rule (policy/application_policy.hpp).
    bool reserve_application_block = false;
    // What the running kernel can hold (policy/kernel_features.hpp).
    KernelFeatures kernel;

    // Takes the uplinks, balance settings and reserve_application_block of
    // `config` (health stays).
    void set_config(const Config& config);
    // The uplink a path belongs to (policy/uplink.hpp), for logs and D-Bus.
    PathUplink uplink_of(const PathKey& path) const;
    std::string uplink_name(const PathKey& path) const { return uplink_of(path).name; }
};

// State the daemon keeps between decisions.
struct RoutingIds {
    OwnedIdAllocator<PathKey, TableId> tables{owned::path_tables};      // one table per path
    OwnedIdAllocator<Prefix, AddressLabel> labels{owned::path_labels};  // one label per path prefix
    // Balance slice -> uplink name, as last dealt (empty while no uplink
    // with weight carries generic destinations).
    std::map<Prefix, std::string> slice_owners;
    // One table per [[application]] name (policy/application_policy.hpp).
    OwnedIdAllocator<std::string, TableId> applications{owned::application_tables};
    // Each application's chosen path, as last decided (absent: none), for
    // the hysteresis of its preference.
    std::map<std::string, PathKey> application_paths;
};

// The destination prefix that generic (global unicast) destinations use.
Prefix generic_destinations();

// Computes the desired kernel state and updates `ids` to the paths present.
KernelState decide_routing(const HostModel& model, const RoutingInputs& inputs, RoutingIds& ids);

}  // namespace multi6d
