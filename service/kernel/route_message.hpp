// RTM_NEWROUTE / RTM_DELROUTE requests and route dump parsing for IPv6,
// built on libnl-route's route object (rtnl_route). Only the message
// building and parsing are used, never libnl's route cache: it keys on
// (family, tos, table, dst, priority) and would merge distinct routes
// (DESIGN.md §2).
#pragma once

#include <cstdint>
#include <vector>

#include "kernel_objects.hpp"
#include "netlink_socket.hpp"

namespace multi6d {

// A request for `route` with rtm_protocol `protocol`. type is RTM_NEWROUTE
// or RTM_DELROUTE; flags are the request's nlmsg_flags (e.g. NLM_F_CREATE |
// NLM_F_REPLACE). Throws KernelError if libnl cannot build it.
NlMsg build_route_request(int type, int flags, const PathRoute& route, std::uint8_t protocol);

// One nexthop of a dumped route, with the route's protocol and type.
struct DumpedRoute {
    PathRoute route;
    std::uint8_t protocol = 0;
    std::uint8_t type = 0;  // RTN_UNICAST, RTN_LOCAL, ...
};

// An RTM_NEWROUTE message of an IPv6 route, one entry per nexthop
// (a multipath route gives several; a route without nexthop information,
// e.g. an unreachable route, gives one with gateway :: and ifindex 0).
// Other families and unparseable messages give nothing.
std::vector<DumpedRoute> parse_route(nlmsghdr* hdr);

}  // namespace multi6d
