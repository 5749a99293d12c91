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
// - Rules: `from P lookup table(path)` at priorities 6601, 6602, ... in
//   the order: P; then R's RFC 4191 preference, high first; then R's
//   address; then ifindex. So for a prefix advertised by two routers the
//   preferred router's table is tried first, and a table with no matching
//   route falls through to the next (RFC 8028 §3.2: only routers that
//   advertised P are candidates for sources in P). suppress_rule is set iff
//   any path rule exists; managed_links are the links with a path rule.
// - Labels (RFC 6724 §2.1 policy table, DESIGN.md §3.3):
//   1. every path prefix P keeps its own row (P, label(P)) at all times;
//   2. generic destinations get (2000::/3, label(G)) where G is the best
//      generic prefix: among paths whose router is a default router, whose
//      host address in P is preferred, whose PIO is not deprecated (RFC 8475
//      §3.1.2: the router's way of saying "do not start new flows here") and
//      whose health is usable — Up/Unknown first, Degraded only when no
//      Up/Unknown path qualifies, Down never — the highest router preference,
//      then the lowest prefix, then the lowest router address, then ifindex.
//      No qualifying path: no 2000::/3 row (the kernel's ::/0 row decides).
//   3. every live RIO destination Q gets (Q, label(P)) with P a prefix Q's
//      router advertised: Rule 5.5's effect from userspace (RFC 8028 §3.1,
//      RFC 6724 §5 Rule 5.5). P is that router's best prefix on the link
//      (usable health, preferred address, non-deprecated PIO first, then the
//      lowest). When two routers advertise the same Q: higher RIO
//      preference, then higher router preference, then lower router
//      address, then lower ifindex. RIO rows are kept whatever the health:
//      an ISP-specific destination is reachable only through that ISP.
//   A prefix has one row only: path rows win over the 2000::/3 row, which
//   wins over RIO rows for the same prefix.
// - Ids: table ids per path key and labels per prefix come from
//   RoutingIds, kept by the daemon between calls so they do not churn
//   (policy/owned_ids.hpp). Paths beyond the 255 ids available are left out
//   (RoutingIds::tables.refused() says how many).
#pragma once

#include <map>

#include "host_model.hpp"
#include "kernel_state.hpp"
#include "owned_ids.hpp"
#include "path.hpp"

namespace multi6d {

// Everything besides the host model that the decision reads. Later work
// adds fields here (uplink roles, costs and weights from the config);
// a default-constructed RoutingInputs always means "no extra knowledge".
struct RoutingInputs {
    // The prober's verdict per path; a path missing here is Unknown.
    std::map<PathKey, PathHealth> health;
};

// Ids the daemon keeps between decisions.
struct RoutingIds {
    OwnedIdAllocator<PathKey> tables;  // one table per path
    OwnedIdAllocator<Prefix> labels;   // one label per path prefix
};

// The destination prefix that generic (global unicast) destinations use.
Prefix generic_destinations();

// Computes the desired kernel state and updates `ids` to the paths present.
KernelState decide_routing(const HostModel& model, const RoutingInputs& inputs, RoutingIds& ids);

}  // namespace multi6d
