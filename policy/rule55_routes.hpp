// Source-specific routes for a kernel with RFC 6724 Rule 5.5 (issue 13
// item 5; DESIGN.md §2).
//
// Mainline Linux has no Rule 5.5 ("prefer a source address whose prefix was
// advertised by the chosen next hop"); multi6d gets its effect from
// userspace with address labels (Rule 6, routing_decision.hpp). The posted
// Rule 5.5 series consults source-specific (subtree, CONFIG_IPV6_SUBTREES)
// routes while it selects a source: after the lookup with source :: has
// found the next hop for a destination, it prefers a source P for which the
// same table holds a route to that destination `from P` via that next hop.
// Its documentation asks userspace RA clients for `::/0 from P via R` for
// every PIO P of a default router R (A=0 too) and `Q from P via R` for every
// RIO Q of R, with a gateway (nexthop objects are not allowed on subtree
// routes).
//
// multi6d's per-path tables are reached by `from P` rules, which a lookup
// with source :: never takes, so they are invisible to that code. The
// defaults therefore go (also) into the table the lookup with source :: does
// reach, the unbound-lookups table (owned::unbound_table), beside its
// source-independent routes. Today's kernels take them without any change
// in behaviour: a lookup with source :: never matches a `from P` route, and
// a lookup from P is decided by P's own rules first, whose tables hold the
// same routes. So the same state is right for a kernel with Rule 5.5 and for
// one without: labels steer both, and the routes agree with them.
//
// The RIO routes `Q from P via R` are NOT written. On today's kernels
// (checked on 6.1 and 6.18) a source-specific route for a destination Q
// hides Q's own source-independent route from lookups with source ::: the
// lookup descends into Q's source subtree, finds no match for ::, and
// backtracks to Q's parent, so unbound connections to Q would take the ::/0
// route through another ISP (tests/integration/daemon_rio_and_lifetime.sh
// fails that way). The ::/0 node is the root and has no parent to backtrack
// to, which is why the defaults are safe. RIO destinations are steered by
// their label rows, on every kernel.
//
// Order: the paths of one prefix P get the metrics 1024, 1025, ... in the
// order of their rules (router preference high first, then router address,
// then ifindex), so two routers of one prefix never merge into one
// multipath route (the kernel merges IPv6 routes that differ only in their
// gateway) and the preferred one is tried first.
#pragma once

#include <vector>

#include "kernel_state.hpp"
#include "path.hpp"

namespace multi6d {

// The Rule 5.5 routes for `paths` (the paths that have a table, in their
// rules' order) in `table`: per path (P, R), `::/0 from P via R` if R is a
// default router.
std::vector<PathRoute> rule55_routes(const std::vector<const PathInfo*>& paths, TableId table);

}  // namespace multi6d
