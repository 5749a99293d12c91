// Which uplink a path belongs to (the [[uplink]] tables of the config).
//
// A path (link, prefix P, router R) belongs to
// 1. the uplink with the longest match_prefixes entry containing P: a
//    provider-assigned prefix says which ISP a source address belongs to
//    (RFC 8028 §1, and the ISP's ingress filter checks exactly that), and
//    the most specific statement wins, as in routing, so the answer does
//    not depend on the order of the files;
// 2. else the uplink listing R in match_routers (a router address matches
//    on every link: RFC 4861 routers are known by their link-local
//    address, which the config does not tie to a link);
// 3. else an implicit uplink named after P ("2001:db8:1::/64"): primary,
//    cost 100 (UplinkConfig's default), weight 0, so a host without
//    [[uplink]] behaves as if every prefix were an uplink of its own.
// The parser guarantees that no prefix or router is in two uplinks; were
// one anyway, the first uplink in the list would win.
#pragma once

#include <string>
#include <vector>

#include "config.hpp"
#include "path.hpp"

namespace multi6d {

struct PathUplink {
    std::string name;
    UplinkRole role = UplinkRole::Primary;
    unsigned cost = UplinkConfig{}.cost;
    unsigned weight = 0;
    bool configured = false;  // false: the implicit uplink of rule 3
    friend bool operator==(const PathUplink&, const PathUplink&) = default;
};

PathUplink uplink_of(const std::vector<UplinkConfig>& uplinks, const PathKey& path);

}  // namespace multi6d
