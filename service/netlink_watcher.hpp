// Follows links, IPv6 addresses and the neighbour entries of link-local
// IPv6 addresses (RTNLGRP_NEIGH, and an RTM_GETNEIGH dump) over rtnetlink and reports them to the
// daemon; also says when IPv6 rules or routes that carry multi6d's marks
// change (RTNLGRP_IPV6_RULE, RTNLGRP_IPV6_ROUTE: every table). Subscribes first and dumps second so
// nothing falls between (as mptcpd's network monitor does); a receive-buffer overrun (ENOBUFS)
// means events were lost, so it dumps everything again and reports what vanished.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "address.hpp"
#include "event_loop.hpp"
#include "neighbour_evidence.hpp"

struct nl_sock;
struct nl_msg;
struct nl_object;
struct nlmsghdr;

namespace multi6d {

struct LinkInfo {
    int ifindex = 0;
    std::string name;
    bool up = false;
    bool loopback = false;
    friend bool operator==(const LinkInfo&, const LinkInfo&) = default;
};

struct AddressInfo {
    int ifindex = 0;
    Address address;
    unsigned prefix_length = 0;
    std::uint32_t flags = 0;               // IFA_F_* (linux/if_addr.h)
    std::uint32_t valid_lifetime = 0;      // seconds remaining; 0xffffffff = forever
    std::uint32_t preferred_lifetime = 0;  // seconds remaining; 0xffffffff = forever
    friend bool operator==(const AddressInfo&, const AddressInfo&) = default;
};

struct NetlinkHandlers {
    std::function<void(const LinkInfo&)> link_changed;
    std::function<void(int ifindex)> link_removed;
    std::function<void(const AddressInfo&)> address_changed;
    std::function<void(int ifindex, const Address&)> address_removed;
    // An IPv6 rule in multi6d's priority range or a route in one of its
    // tables or with its protocol was added, changed or removed (by anyone:
    // multi6d's own changes come back too), or events were lost. The
    // reconciler compares with the kernel then; there is nothing to report.
    std::function<void()> owned_state_changed;
    // The kernel's neighbour entry of a link-local IPv6 address (a router,
    // as RAs come from link-local sources) changed state
    // (RTNLGRP_NEIGH; policy/neighbour_evidence.hpp maps the NUD states).
    // Optional.
    std::function<void(int ifindex, const Address&, NeighbourState)> neighbour_changed;
};

// What the daemon asks of rtnetlink; NetlinkWatcher is the Linux one, the
// daemon's unit tests substitute one that reports what the test says.
class LinkWatcher {
  public:
    virtual ~LinkWatcher() = default;
    // Subscribes, then reports every link, address and link-local neighbour
    // entry (synchronously);
    // afterwards reports changes from the loop.
    virtual void start() = 0;
};

class NetlinkWatcher final : public LinkWatcher {
  public:
    NetlinkWatcher(EventLoop& loop, NetlinkHandlers handlers);
    ~NetlinkWatcher() override;
    NetlinkWatcher(const NetlinkWatcher&) = delete;
    NetlinkWatcher& operator=(const NetlinkWatcher&) = delete;

    // Subscribes, then dumps links, addresses and neighbours (reported
    // synchronously).
    void start() override;

  private:
    static int on_message(nl_msg* msg, void* self);
    void on_routing_message(nlmsghdr* hdr);
    void on_neighbour_message(nlmsghdr* hdr);
    static void on_object(nl_object* object, void* self);
    void handle(nl_object* object, bool removed);
    void dump();
    void resynchronise();
    void readable();

    EventLoop& loop_;
    NetlinkHandlers handlers_;
    nl_sock* events_ = nullptr;
    nl_sock* requests_ = nullptr;
    EventSource io_;
    bool current_removed_ = false;
    // What was reported, so a resynchronisation can report what vanished.
    std::set<int> links_;
    std::set<std::pair<int, Address>> addresses_;
    std::set<std::pair<int, Address>> neighbours_;  // link-local, not deleted
    std::set<int>* seen_links_ = nullptr;
    std::set<std::pair<int, Address>>* seen_addresses_ = nullptr;
    std::set<std::pair<int, Address>>* seen_neighbours_ = nullptr;
};

}  // namespace multi6d
