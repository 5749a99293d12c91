#include "route_message.hpp"

#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include <cstring>
#include <memory>

namespace multi6d {

namespace {

struct RouteDeleter {
    void operator()(rtnl_route* route) const { rtnl_route_put(route); }
};
using RoutePtr = std::unique_ptr<rtnl_route, RouteDeleter>;

struct AddrDeleter {
    void operator()(nl_addr* addr) const { nl_addr_put(addr); }
};
using AddrPtr = std::unique_ptr<nl_addr, AddrDeleter>;

AddrPtr to_nl_addr(const Address& address, unsigned prefix_length) {
    AddrPtr addr(nl_addr_build(AF_INET6, address.bytes().data(), address.bytes().size()));
    if (!addr) {
        throw KernelError("route message: out of memory", ENOMEM);
    }
    nl_addr_set_prefixlen(addr.get(), static_cast<int>(prefix_length));
    return addr;
}

Address to_address(nl_addr* addr) {
    Address::Bytes bytes{};
    if (addr != nullptr && nl_addr_get_family(addr) == AF_INET6 &&
        nl_addr_get_len(addr) == bytes.size()) {
        std::memcpy(bytes.data(), nl_addr_get_binary_addr(addr), bytes.size());
    }
    return Address(bytes);
}

Prefix to_prefix(nl_addr* addr) {
    if (addr == nullptr) {
        return Prefix{};
    }
    return Prefix(to_address(addr), nl_addr_get_prefixlen(addr));
}

}  // namespace

NlMsg build_route_request(int type, int flags, const PathRoute& route, std::uint8_t protocol) {
    RoutePtr object(rtnl_route_alloc());
    rtnl_nexthop* nexthop = rtnl_route_nh_alloc();
    if (!object || nexthop == nullptr) {
        rtnl_route_nh_free(nexthop);
        throw KernelError("route message: out of memory", ENOMEM);
    }
    rtnl_route_set_family(object.get(), AF_INET6);
    rtnl_route_set_table(object.get(), route.table.value);
    rtnl_route_set_protocol(object.get(), protocol);
    rtnl_route_set_type(object.get(), RTN_UNICAST);
    rtnl_route_set_priority(object.get(), route.metric);
    rtnl_route_set_dst(object.get(),
                       to_nl_addr(route.destination.address(), route.destination.length()).get());
    if (route.source.length() != 0) {
        rtnl_route_set_src(object.get(),
                           to_nl_addr(route.source.address(), route.source.length()).get());
    }
    if (!route.preferred_source.is_unspecified()) {
        rtnl_route_set_pref_src(object.get(), to_nl_addr(route.preferred_source, 128).get());
    }
    if (!route.gateway.is_unspecified()) {
        rtnl_route_nh_set_gateway(nexthop, to_nl_addr(route.gateway, 128).get());
    }
    if (route.ifindex != 0) {
        rtnl_route_nh_set_ifindex(nexthop, route.ifindex);
    }
    rtnl_route_add_nexthop(object.get(), nexthop);  // the route owns it now

    nl_msg* msg = nullptr;
    const int err = type == RTM_DELROUTE ? rtnl_route_build_del_request(object.get(), flags, &msg)
                                         : rtnl_route_build_add_request(object.get(), flags, &msg);
    if (err < 0) {
        throw KernelError(std::string("route message: ") + nl_geterror(err), 0);
    }
    return NlMsg(msg);
}

std::vector<DumpedRoute> parse_route(nlmsghdr* hdr) {
    std::vector<DumpedRoute> result;
    if (hdr->nlmsg_type != RTM_NEWROUTE || hdr->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg)) ||
        static_cast<const rtmsg*>(NLMSG_DATA(hdr))->rtm_family != AF_INET6) {
        return result;
    }
    rtnl_route* raw = nullptr;
    if (rtnl_route_parse(hdr, &raw) < 0 || raw == nullptr) {
        return result;
    }
    RoutePtr object(raw);
    DumpedRoute base;
    base.protocol = rtnl_route_get_protocol(raw);
    base.type = rtnl_route_get_type(raw);
    base.route.table = TableId{rtnl_route_get_table(raw)};
    base.route.metric = rtnl_route_get_priority(raw);
    base.route.destination = to_prefix(rtnl_route_get_dst(raw));
    base.route.source = to_prefix(rtnl_route_get_src(raw));
    base.route.preferred_source = to_address(rtnl_route_get_pref_src(raw));
    const int count = rtnl_route_get_nnexthops(raw);
    for (int i = 0; i < count; ++i) {
        rtnl_nexthop* nexthop = rtnl_route_nexthop_n(raw, i);
        DumpedRoute entry = base;
        entry.route.gateway = to_address(rtnl_route_nh_get_gateway(nexthop));
        entry.route.ifindex = rtnl_route_nh_get_ifindex(nexthop);
        result.push_back(entry);
    }
    if (count == 0) {
        result.push_back(base);
    }
    return result;
}

}  // namespace multi6d
