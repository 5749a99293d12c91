// The host model: what multi6d knows about its links, their addresses and the
// routers on them (DESIGN.md §3.1), learned from Router Advertisements and
// rtnetlink, with every lifetime expiring on time and all state bounded.
//
// Pure: time is injected (every method that can start or end a lifetime takes
// `now`), nothing is logged (calls return a ModelUpdate with notes). The
// daemon feeds it, calls expire() when next_expiry() is reached (one timer,
// no polling) and reconciles the kernel when an update says routing changed.
//
// Methods that take `now` first drop what has expired at `now`, exactly as
// expire(now) would, and report it in the same update; so an RA that arrives
// just after a deadline, before the daemon's timer fired, never revives or
// counts stale entries, and expired entries make room under the limits.
//
// Contracts (decisions, with the RFC text behind them):
// - Links: set_link() must come before addresses and RAs on the link (the
//   daemon subscribes to rtnetlink and dumps links first); input for an
//   unknown link is refused with a note. A link that goes down keeps its
//   routers and addresses (their lifetimes keep running); the routing
//   decision skips down links. remove_link() drops everything on the link.
// - Addresses mirror the kernel. valid_lifetime 0 removes the address; a
//   preferred lifetime of 0 marks it deprecated; a permanent address never
//   expires. The model also ages addresses on its own (deprecated at the
//   preferred deadline, removed at the valid deadline) so it stays right if a
//   kernel notification is lost.
// - Routers are keyed by (ifindex, link-local source address); RAs from a
//   non-link-local source are refused (RFC 4861 §6.1.2). Options absent from
//   an RA keep their timers (RFC 4861 §6.3.4); each option present resets
//   its timer to exactly the advertised lifetime, shorter or longer.
// - Router lifetime 0 means "not a default router" (RFC 4861 §6.3.4) but
//   keeps the router's prefixes, routes and DNS servers (RFC 8678 §6.3.2).
//   A ::/0 RIO overrides the header's lifetime and preference for the
//   default route (RFC 4191 §3).
// - PIOs are recorded whatever their L and A flags (RFC 8028 §2.1, §3.1).
//   Valid 0 removes the record at once; there is no two-hour rule here
//   (RFC 4862 §5.5.3 e applies to SLAAC addresses, which the kernel owns).
//   Ignored with a note: link-local or multicast prefixes (RFC 4861 §4.6.2),
//   ::/0, and preferred > valid (the kernel ignores those too).
// - RIOs: lifetime 0 deletes (RFC 4191 §3); link-local and multicast
//   destinations are ignored with a note.
// - RDNSS: lifetime 0 removes the listed servers (RFC 8106 §5.1).
// - A router entry vanishes when it is no default router and has no prefix,
//   route or DNS server left.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "host_model_types.hpp"

namespace multi6d {

class HostModel {
  public:
    explicit HostModel(HostModelLimits limits = {});

    // Adds the link or updates its name and state. routing_changed when the
    // link is new or its up state changed; a new name alone is no change.
    ModelUpdate set_link(int ifindex, std::string name, bool up);
    // Drops the link with its routers and addresses.
    ModelUpdate remove_link(int ifindex);

    // From RTM_NEWADDR: adds or updates (ifindex, address). A refresh that
    // only changes lifetimes is no change.
    ModelUpdate set_address(int ifindex, const AddressUpdate& update, TimePoint now);
    // From RTM_DELADDR.
    ModelUpdate remove_address(int ifindex, const Address& address);

    // Learns from one validated RA received on ifindex at now.
    ModelUpdate apply(int ifindex, const RouterAdvertisement& ra, TimePoint now);

    // Removes everything whose lifetime is over at now (and deprecates
    // prefixes and addresses whose preferred lifetime is over).
    ModelUpdate expire(TimePoint now);
    // The earliest deadline still ahead in the model (any valid, preferred,
    // router, route or DNS lifetime); nullopt when nothing can expire.
    std::optional<TimePoint> next_expiry() const;

    const std::map<int, Link>& links() const { return links_; }
    const Link* link(int ifindex) const;
    const HostModelLimits& limits() const { return limits_; }

  private:
    Link* find_link(int ifindex, ModelUpdate& update, const char* what);

    HostModelLimits limits_;
    std::map<int, Link> links_;
    // No deadline in the model is earlier than this (a lower bound, exact
    // after each full expiry pass): lets expire() return at once when nothing
    // is due, which is the common case on every RA.
    TimePoint earliest_ = never;
};

}  // namespace multi6d
