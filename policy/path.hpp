// Paths: the unit multi6d routes, probes and reports (DESIGN.md §3.2, §3.4).
//
// A path is (link, prefix P, router R) where
// - the link is up,
// - R advertised P in a live PIO on that link (RFC 8028 §3.1: advertising P
//   makes R a valid first hop for sources in P, whatever its preference or
//   router lifetime, and whatever the PIO's L and A flags),
// - P is not link-local (HostModel never records such a PIO), and
// - the host holds an address in P on that link that has not failed DAD
//   (tentative and deprecated addresses count: a tentative address is about
//   to be used, a deprecated one still carries existing connections).
#pragma once

#include <compare>
#include <string>
#include <vector>

#include "address.hpp"
#include "host_model.hpp"
#include "router_advertisement.hpp"

namespace multi6d {

struct PathKey {
    int ifindex = 0;
    Prefix prefix;
    Address router;
    friend auto operator<=>(const PathKey&, const PathKey&) = default;
};

// The prober's verdict on a path (DESIGN.md §3.4). Unknown and Up are
// usable; Degraded is used only when nothing better is; Down never.
enum class PathHealth { Unknown, Up, Degraded, Down };

// A path with the facts the decision and the path listing need, copied out
// of the model (so it stays valid when the model changes).
struct PathInfo {
    PathKey key;
    std::string link_name;
    bool default_router = false;  // R has a default route (router lifetime or ::/0 RIO)
    RouterPreference router_preference = RouterPreference::Medium;
    bool prefix_preferred = false;       // R's PIO for P is not deprecated
    bool has_preferred_address = false;  // an address in P that is preferred (RFC 6724 Rule 3)
};

// Every path in the model, sorted by key.
std::vector<PathInfo> find_paths(const HostModel& model);

}  // namespace multi6d
