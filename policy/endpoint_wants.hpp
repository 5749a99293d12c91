// Which MPTCP endpoints multi6d wants, from the host model and path health
// (DESIGN §3.6): one `subflow` endpoint per global address the host holds
// in a path's prefix, flagged `backup` while every path of that address is
// degraded or down, so the kernel moves data to the healthy subflows.
#pragma once

#include <map>

#include "address.hpp"
#include "host_model.hpp"
#include "path.hpp"

namespace multi6d {

// What the daemon wants for one address: an endpoint with flag `subflow`,
// plus `backup` when `backup` is set; bound to device `ifindex` (0 = not
// bound: the routing rules alone pick the exit).
struct EndpointWant {
    int ifindex = 0;
    bool backup = false;
    friend bool operator==(const EndpointWant&, const EndpointWant&) = default;
};

// Addresses left out: tentative or duplicate (not usable yet or ever),
// temporary (RFC 8981 addresses rotate; each would churn an endpoint, and
// the kernel holds at most 8), and link-local ones (no path).
std::map<Address, EndpointWant> mptcp_endpoint_wants(const HostModel& model,
                                                     const std::map<PathKey, PathHealth>& health);

}  // namespace multi6d
