// The kernel's neighbour state of each router, as evidence about its paths
// (DESIGN.md §2: "a router may answer neighbour solicitation but not ICMPv6
// echo; no answer to any probe is not evidence of a dead path; the kernel's
// neighbour state (NUD) is a signal of its own"; issue 13 item 1).
//
// The daemon reads the kernel's neighbour table at start-up and after a
// netlink overrun (an RTM_GETNEIGH dump) and follows RTM_NEWNEIGH/RTM_DELNEIGH
// events (service/netlink_watcher), and maps the kernel's NUD state (RFC
// 4861 §7.3.2) to NeighbourState:
// - REACHABLE, PERMANENT, NOARP: Reachable (confirmed: a solicited
//   advertisement or upper-layer progress, §7.3.1);
// - STALE, DELAY, PROBE: Unconfirmed (the kernel has a link-layer address and
//   sends to it, but nothing confirmed the router lately; an RA with a source
//   link-layer address makes any entry STALE, §7.3.3, including a FAILED one);
// - FAILED: Failed (the kernel solicited and got no answer: address
//   resolution or neighbour unreachability detection gave up, §7.3.3);
// - INCOMPLETE: resolution in progress, no evidence by itself (the kernel
//   turns it into FAILED when its solicitations go unanswered);
// - an entry deleted (garbage collection, link down): Unknown.
// Failed ends only with a confirmation (Reachable) or the entry's deletion:
// a router that stopped answering solicitations but still advertises makes
// its entry go FAILED -> STALE (the next RA) -> DELAY -> PROBE -> FAILED,
// and neither the RA nor the new solicitations after it (INCOMPLETE, PROBE)
// show that it answers again. Without this hold, its paths would come back
// for a few seconds after every RA (issue 13 item 1).
// Every link-local neighbour the kernel reports is kept, not only current
// routers, so a router's state known before its first RA (the start-up
// dump) counts when its path appears; entries go with the kernel's
// (deleted: Unknown), so the table is bounded by the kernel's (gc_thresh3).
// Pure: the table holds what it is told; time is injected for the log.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "address.hpp"
#include "lifetime.hpp"

namespace multi6d {

enum class NeighbourState { Unknown, Incomplete, Unconfirmed, Reachable, Failed };

// "unknown", "incomplete", "unconfirmed", "reachable", "failed".
std::string_view neighbour_state_name(NeighbourState state);

class NeighbourEvidence {
  public:
    // A new state for (ifindex, router). Returns true when the evidence it
    // gives changed (Failed began or ended, or the router first got a
    // link-layer address: Reachable or Unconfirmed after Unknown or
    // Incomplete), so paths through that router must be re-judged. The
    // moves between Reachable and Unconfirmed that every NUD cycle makes
    // change nothing the paths say.
    bool set(int ifindex, const Address& router, NeighbourState state, TimePoint now);
    // Unknown for a router never reported (or whose entry was deleted).
    NeighbourState state(int ifindex, const Address& router) const;
    // When the current state began (for reasons); `now` of set().
    TimePoint since(int ifindex, const Address& router) const;
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        NeighbourState state = NeighbourState::Unknown;
        TimePoint since{};
    };
    std::map<std::pair<int, Address>, Entry> entries_;
};

}  // namespace multi6d
