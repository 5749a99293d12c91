// Sharing generic destinations among uplinks by weight (DESIGN.md §3.3:
// "slices of 2000::/3 for load sharing").
//
// RFC 6724 Rule 6 makes a connection use a source whose label matches the
// destination's, and the policy table finds a destination's label by
// longest prefix match (RFC 6724 §2.1). So a share of the destinations is a
// set of prefixes: a range is cut into 2^k equal slices, each slice gets a
// row pointing at one uplink's label, and an uplink with weight w of W gets
// about w/W of the slices. The split is by destination address, not by
// traffic: it balances connections to many destinations spread over the
// range (BalanceSettings says which ranges to cut).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "address.hpp"

namespace multi6d {

// The 2^bits equal slices of `range`, in address order. Requires
// range.length() + bits <= 128 (the parser checks it) and bits <= 16.
std::vector<Prefix> split_prefix(const Prefix& range, unsigned bits);

// Largest-remainder (Hamilton) apportionment: seats[i] is weights[i] * seats
// / sum(weights) rounded down, and the seats left over go one each to the
// largest remainders (ties: the larger weight, then the lower index). The
// seats add up to `seats` whenever some weight is > 0.
std::vector<unsigned> apportion(const std::vector<unsigned>& weights, unsigned seats);

struct WeightedUplink {
    std::string name;
    unsigned weight = 0;
};

// Deals `slices` to `uplinks` (names unique, weights > 0), each getting its
// apportion() share. Stable: a slice keeps its `previous` owner when that
// uplink is still listed and has not got its share yet (an uplink over its
// share keeps the slices it scores highest), so a change of the set moves
// no more slices than the change of the shares requires. The other slices
// go in order of a rendezvous score hash(uplink, slice) (highest first,
// to an uplink with room), which spreads each uplink's slices over the
// range instead of giving it one block. Deterministic: the result depends
// only on the arguments. No uplinks: an empty map.
std::map<Prefix, std::string> assign_slices(const std::vector<Prefix>& slices,
                                            const std::vector<WeightedUplink>& uplinks,
                                            const std::map<Prefix, std::string>& previous);

}  // namespace multi6d
