// RFC 8028 §3.2 default-router fallback for a source prefix: which default
// routers may carry traffic from addresses in a prefix P, in the order they
// are to be tried (DESIGN.md §3.2; issue 13 item 3).
//
// A host address in P stays valid after the router that advertised P has
// gone (router lifetime 0, router lifetime run out, its neighbour entry
// failed) or after P was deprecated (RFC 4862 §5.5.4: existing connections
// keep using a deprecated address). Plain Linux then moves P's traffic to
// the remaining default routers; multi6d must do no worse, so every path
// table holds, after the path's own `::/0 via R`, a `::/0` via each other
// default router, at increasing metrics. The kernel uses the lowest metric
// whose neighbour is not FAILED (rt6_select() with RT6_LOOKUP_F_REACHABLE on
// a host), so the fallbacks carry traffic only while R cannot: when R is no
// default router any more, or the kernel's neighbour discovery gave up on R.
//
// Order (RFC 8028 §3.2: "prefer routers that advertised the prefix over
// those that did not, regardless of Prf", then normal default-router
// selection, RFC 4191 §3):
//   1. routers that advertised P (in a live PIO, whatever its L and A flags)
//      before routers that did not;
//   2. RFC 4191 preference, high first;
//   3. routers on P's own link before routers on other links;
//   4. lower router address, then lower ifindex.
// Only default routers (router lifetime > 0 or a live ::/0 RIO) on links
// that are up are candidates.
//
// Exception, RFC 8678 §6.5: a ULA (fc00::/7) prefix gets no fallback. The
// ULA-sourced table MUST NOT hold ::/0 beyond what its own router gives it;
// a site that advertises its ULA with router lifetime 0 keeps ULA sources
// for internal traffic only, and a fallback default would make Rule 5.5
// steer Internet traffic to them.
#pragma once

#include <vector>

#include "address.hpp"
#include "host_model.hpp"

namespace multi6d {

struct FallbackRouter {
    int ifindex = 0;
    Address router;
    friend bool operator==(const FallbackRouter&, const FallbackRouter&) = default;
};

// The default routers that may carry traffic from sources in `prefix`
// (held on link `ifindex`), in the order above; empty for a ULA prefix.
std::vector<FallbackRouter> fallback_routers(const HostModel& model, int ifindex,
                                             const Prefix& prefix);

// The default routers of the path (ifindex, prefix, router), in the order
// their `::/0` routes get metrics in the path's table: the path's own router
// first if it is a default router, then fallback_routers() without it. A
// ULA prefix: the path's own router only (RFC 8678 §6.5).
std::vector<FallbackRouter> path_default_routers(const HostModel& model, int ifindex,
                                                 const Prefix& prefix, const Address& router);

// Every default router on a link that is up, in the order the kernel's own
// default-router selection prefers them (RFC 4861 §6.3.6 with RFC 4191
// §3.2 preferences): high preference first, then lower router address,
// then lower ifindex. What unbound lookups use while multi6d trusts no
// path for generic destinations (issue 13 item 2): the host then behaves
// as it would without multi6d, not worse.
std::vector<FallbackRouter> default_routers(const HostModel& model);

}  // namespace multi6d
