#include "netlink_watcher.hpp"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/rtnl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fib_rule.hpp"
#include "log.hpp"
#include "owned_ids.hpp"
#include "route_message.hpp"

namespace multi6d {

namespace {

[[noreturn]] void fail(const std::string& what, int nl_error) {
    throw std::runtime_error("rtnetlink: " + what + ": " + nl_geterror(nl_error));
}

nl_sock* open_socket(const char* purpose) {
    nl_sock* sk = nl_socket_alloc();
    if (sk == nullptr) {
        throw std::runtime_error(std::string("rtnetlink: cannot allocate ") + purpose + " socket");
    }
    if (const int r = nl_connect(sk, NETLINK_ROUTE); r < 0) {
        nl_socket_free(sk);
        fail(std::string("connect ") + purpose + " socket", r);
    }
    return sk;
}

}  // namespace

NetlinkWatcher::NetlinkWatcher(EventLoop& loop, NetlinkHandlers handlers)
    : loop_(loop), handlers_(std::move(handlers)) {}

NetlinkWatcher::~NetlinkWatcher() {
    io_.reset();
    if (events_ != nullptr) {
        nl_socket_free(events_);
    }
    if (requests_ != nullptr) {
        nl_socket_free(requests_);
    }
}

void NetlinkWatcher::start() {
    events_ = open_socket("event");
    requests_ = open_socket("dump");
    nl_socket_disable_seq_check(events_);
    nl_socket_modify_cb(events_, NL_CB_VALID, NL_CB_CUSTOM, &NetlinkWatcher::on_message, this);
    nl_socket_modify_cb(requests_, NL_CB_VALID, NL_CB_CUSTOM, &NetlinkWatcher::on_message, this);
    // A larger receive buffer makes overruns (and full resyncs) rare when
    // many addresses change at once.
    nl_socket_set_buffer_size(events_, 1 << 20, 0);
    if (const int r =
            nl_socket_add_memberships(events_, RTNLGRP_LINK, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_RULE,
                                      RTNLGRP_IPV6_ROUTE, RTNLGRP_NEIGH, 0);
        r < 0) {
        fail("subscribe to link, address, rule, route and neighbour events", r);
    }
    if (const int r = nl_socket_set_nonblocking(events_); r < 0) {
        fail("set event socket non-blocking", r);
    }
    io_ = loop_.add_io(nl_socket_get_fd(events_), EPOLLIN, [this](std::uint32_t) { readable(); });
    dump();
}

void NetlinkWatcher::dump() {
    struct Request {
        int type;
        int family;
        const char* what;
    };
    // Neighbours last: a router's entry may exist (STALE from its RA, or
    // FAILED) long before multi6d starts, and events report only changes.
    for (const Request& req : {Request{RTM_GETLINK, AF_UNSPEC, "links"},
                               Request{RTM_GETADDR, AF_INET6, "IPv6 addresses"},
                               Request{RTM_GETNEIGH, AF_INET6, "IPv6 neighbours"}}) {
        if (const int r = nl_rtgen_request(requests_, req.type, req.family, NLM_F_DUMP); r < 0) {
            fail(std::string("request dump of ") + req.what, r);
        }
        if (const int r = nl_recvmsgs_default(requests_); r < 0) {
            fail(std::string("dump ") + req.what, r);
        }
    }
}

void NetlinkWatcher::resynchronise() {
    log::warning(
        "rtnetlink: events were lost (receive buffer overrun); re-reading all links, "
        "addresses and neighbours");
    std::set<int> seen_links;
    std::set<std::pair<int, Address>> seen_addresses;
    std::set<std::pair<int, Address>> seen_neighbours;
    seen_links_ = &seen_links;
    seen_addresses_ = &seen_addresses;
    seen_neighbours_ = &seen_neighbours;
    try {
        dump();
    } catch (...) {
        seen_links_ = nullptr;
        seen_addresses_ = nullptr;
        seen_neighbours_ = nullptr;
        throw;
    }
    seen_links_ = nullptr;
    seen_addresses_ = nullptr;
    seen_neighbours_ = nullptr;
    // A neighbour entry deleted while events were lost: as its RTM_DELNEIGH.
    for (auto it = neighbours_.begin(); it != neighbours_.end();) {
        if (seen_neighbours.count(*it) == 0 && handlers_.neighbour_changed) {
            const auto [ifindex, address] = *it;
            it = neighbours_.erase(it);
            handlers_.neighbour_changed(ifindex, address, NeighbourState::Unknown);
        } else {
            ++it;
        }
    }
    for (auto it = addresses_.begin(); it != addresses_.end();) {
        if (seen_addresses.count(*it) == 0) {
            const auto [ifindex, address] = *it;
            it = addresses_.erase(it);
            handlers_.address_removed(ifindex, address);
        } else {
            ++it;
        }
    }
    for (auto it = links_.begin(); it != links_.end();) {
        if (seen_links.count(*it) == 0) {
            const int ifindex = *it;
            it = links_.erase(it);
            handlers_.link_removed(ifindex);
        } else {
            ++it;
        }
    }
}

void NetlinkWatcher::readable() {
    for (;;) {
        const int r = nl_recvmsgs_default(events_);
        if (r >= 0) {
            continue;  // more may be queued; stop at EAGAIN
        }
        if (r == -NLE_AGAIN) {
            return;
        }
        if (r == -NLE_NOMEM) {  // ENOBUFS: the kernel dropped events
            resynchronise();
            if (handlers_.owned_state_changed) {
                handlers_.owned_state_changed();  // rule and route events too
            }
            continue;
        }
        log::error(std::string("rtnetlink: receive failed: ") + nl_geterror(r));
        return;
    }
}

int NetlinkWatcher::on_message(nl_msg* msg, void* self) {
    auto* watcher = static_cast<NetlinkWatcher*>(self);
    const int type = nlmsg_hdr(msg)->nlmsg_type;
    watcher->current_removed_ = type == RTM_DELLINK || type == RTM_DELADDR;
    if (type == RTM_NEWLINK || type == RTM_DELLINK || type == RTM_NEWADDR || type == RTM_DELADDR) {
        nl_msg_parse(msg, &NetlinkWatcher::on_object, self);
    } else if (type == RTM_NEWRULE || type == RTM_DELRULE || type == RTM_NEWROUTE ||
               type == RTM_DELROUTE) {
        watcher->on_routing_message(nlmsg_hdr(msg));
    } else if (type == RTM_NEWNEIGH || type == RTM_DELNEIGH) {
        watcher->on_neighbour_message(nlmsg_hdr(msg));
    }
    return NL_OK;
}

void NetlinkWatcher::on_neighbour_message(nlmsghdr* hdr) {
    if (!handlers_.neighbour_changed || hdr->nlmsg_len < NLMSG_LENGTH(sizeof(ndmsg))) {
        return;
    }
    const auto* ndm = static_cast<const ndmsg*>(NLMSG_DATA(hdr));
    if (ndm->ndm_family != AF_INET6) {
        return;
    }
    std::optional<Address> destination;
    int length = static_cast<int>(hdr->nlmsg_len - NLMSG_LENGTH(sizeof(ndmsg)));
    for (auto* rta = reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(ndm) +
                                                     NLMSG_ALIGN(sizeof(ndmsg)));
         RTA_OK(rta, length); rta = RTA_NEXT(rta, length)) {
        if (rta->rta_type == NDA_DST && RTA_PAYLOAD(rta) == 16) {
            Address::Bytes bytes{};
            std::memcpy(bytes.data(), RTA_DATA(rta), 16);
            destination = Address(bytes);
        }
    }
    // Routers are known by their link-local addresses (RFC 4861 §6.1.2).
    if (!destination || !destination->is_link_local()) {
        return;
    }
    // RFC 4861 §7.3.2 states as the kernel names them (NUD_*).
    NeighbourState state = NeighbourState::Unknown;
    if (hdr->nlmsg_type == RTM_NEWNEIGH) {
        if ((ndm->ndm_state & NUD_FAILED) != 0) {
            state = NeighbourState::Failed;
        } else if ((ndm->ndm_state & NUD_INCOMPLETE) != 0) {
            state = NeighbourState::Incomplete;
        } else if ((ndm->ndm_state & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP)) != 0) {
            state = NeighbourState::Reachable;
        } else if ((ndm->ndm_state & (NUD_STALE | NUD_DELAY | NUD_PROBE)) != 0) {
            state = NeighbourState::Unconfirmed;
        }
    }
    const auto key = std::make_pair(static_cast<int>(ndm->ndm_ifindex), *destination);
    if (state == NeighbourState::Unknown) {
        neighbours_.erase(key);
    } else {
        neighbours_.insert(key);
        if (seen_neighbours_ != nullptr) {
            seen_neighbours_->insert(key);
        }
    }
    handlers_.neighbour_changed(key.first, key.second, state);
}

void NetlinkWatcher::on_routing_message(nlmsghdr* hdr) {
    if (!handlers_.owned_state_changed) {
        return;
    }
    bool owned = false;
    const int type = hdr->nlmsg_type;
    // The parsers read dump messages (RTM_NEW*); a delete event carries the
    // same body, so parse a copy marked as such.
    std::vector<char> copy(reinterpret_cast<const char*>(hdr),
                           reinterpret_cast<const char*>(hdr) + hdr->nlmsg_len);
    auto* as_new = reinterpret_cast<nlmsghdr*>(copy.data());
    if (type == RTM_NEWRULE || type == RTM_DELRULE) {
        as_new->nlmsg_type = RTM_NEWRULE;
        const auto rule = parse_rule(as_new);
        owned = rule && owned::rule_priorities.contains(rule->spec.priority);
    } else {
        as_new->nlmsg_type = RTM_NEWROUTE;
        for (const DumpedRoute& route : parse_route(as_new)) {
            owned = owned || route.protocol == owned::route_protocol ||
                    owned::tables.contains(route.route.table);
        }
    }
    if (owned) {
        handlers_.owned_state_changed();
    }
}

void NetlinkWatcher::on_object(nl_object* object, void* self) {
    auto* watcher = static_cast<NetlinkWatcher*>(self);
    watcher->handle(object, watcher->current_removed_);
}

void NetlinkWatcher::handle(nl_object* object, bool removed) {
    const std::string type = nl_object_get_type(object);
    if (type == "route/link") {
        auto* link = reinterpret_cast<rtnl_link*>(object);
        const int ifindex = rtnl_link_get_ifindex(link);
        if (removed) {
            if (links_.erase(ifindex) > 0) {
                handlers_.link_removed(ifindex);
            }
            return;
        }
        LinkInfo info;
        info.ifindex = ifindex;
        const char* name = rtnl_link_get_name(link);
        info.name = name != nullptr ? name : "";
        const unsigned flags = rtnl_link_get_flags(link);
        info.up = (flags & IFF_UP) != 0;
        info.loopback = (flags & IFF_LOOPBACK) != 0;
        links_.insert(ifindex);
        if (seen_links_ != nullptr) {
            seen_links_->insert(ifindex);
        }
        handlers_.link_changed(info);
    } else if (type == "route/addr") {
        auto* addr = reinterpret_cast<rtnl_addr*>(object);
        if (rtnl_addr_get_family(addr) != AF_INET6) {
            return;
        }
        nl_addr* local = rtnl_addr_get_local(addr);
        if (local == nullptr || nl_addr_get_len(local) != 16) {
            return;
        }
        Address::Bytes bytes{};
        std::memcpy(bytes.data(), nl_addr_get_binary_addr(local), 16);
        const Address address(bytes);
        const int ifindex = rtnl_addr_get_ifindex(addr);
        const auto key = std::make_pair(ifindex, address);
        if (removed) {
            if (addresses_.erase(key) > 0) {
                handlers_.address_removed(ifindex, address);
            }
            return;
        }
        AddressInfo info;
        info.ifindex = ifindex;
        info.address = address;
        info.prefix_length = static_cast<unsigned>(rtnl_addr_get_prefixlen(addr));
        info.flags = rtnl_addr_get_flags(addr);
        info.valid_lifetime = rtnl_addr_get_valid_lifetime(addr);
        info.preferred_lifetime = rtnl_addr_get_preferred_lifetime(addr);
        addresses_.insert(key);
        if (seen_addresses_ != nullptr) {
            seen_addresses_->insert(key);
        }
        handlers_.address_changed(info);
    }
}

}  // namespace multi6d
