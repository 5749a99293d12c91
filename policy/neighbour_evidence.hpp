// The kernel's neighbour state of each router, as evidence about its paths
// (DESIGN.md §2: "a router may answer neighbour solicitation but not ICMPv6
// echo; no answer to any probe is not evidence of a dead path; the kernel's
// neighbour state (NUD) is a signal of its own"; issue 13 item 1).
//
// The daemon reads RTM_NEWNEIGH/RTM_DELNEIGH events (service/netlink_watcher)
// and maps the kernel's NUD state (RFC 4861 §7.3.2) to NeighbourState:
// - REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP: Reachable (the entry
//   has a link-layer address the kernel sends to; STALE/DELAY/PROBE are
//   being re-verified, which is no failure yet);
// - FAILED: Failed (the kernel solicited and got no answer: address
//   resolution or neighbour unreachability detection gave up, §7.3.3);
// - INCOMPLETE: resolution in progress. No evidence by itself; the kernel
//   turns it into FAILED when its solicitations go unanswered, and a router
//   already Failed stays Failed meanwhile.
// - an entry deleted (garbage collection, link down): Unknown.
// Pure: the table holds what it is told; time is injected for the log.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "address.hpp"
#include "lifetime.hpp"

namespace multi6d {

enum class NeighbourState { Unknown, Incomplete, Reachable, Failed };

// "unknown", "incomplete", "reachable", "failed".
std::string_view neighbour_state_name(NeighbourState state);

class NeighbourEvidence {
  public:
    // A new state for (ifindex, router). Returns true when the evidence it
    // gives changed (Failed began or ended, or Reachable began), so paths
    // through that router must be re-judged.
    bool set(int ifindex, const Address& router, NeighbourState state, TimePoint now);
    // Unknown for a router never reported.
    NeighbourState state(int ifindex, const Address& router) const;
    // When the current state began (for reasons); `now` of set().
    TimePoint since(int ifindex, const Address& router) const;
    // Drops every router not in `keep` (routers the model forgot).
    void retain(const std::set<std::pair<int, Address>>& keep);

  private:
    struct Entry {
        NeighbourState state = NeighbourState::Unknown;
        TimePoint since{};
    };
    std::map<std::pair<int, Address>, Entry> entries_;
};

}  // namespace multi6d
