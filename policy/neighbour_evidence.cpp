#include "neighbour_evidence.hpp"

namespace multi6d {

std::string_view neighbour_state_name(NeighbourState state) {
    switch (state) {
        case NeighbourState::Unknown:
            return "unknown";
        case NeighbourState::Incomplete:
            return "incomplete";
        case NeighbourState::Unconfirmed:
            return "unconfirmed";
        case NeighbourState::Reachable:
            return "reachable";
        case NeighbourState::Failed:
            return "failed";
    }
    return "unknown";
}

namespace {

// The kernel has a link-layer address for the router and sends to it.
bool has_link_layer(NeighbourState s) {
    return s == NeighbourState::Reachable || s == NeighbourState::Unconfirmed;
}

}  // namespace

bool NeighbourEvidence::set(int ifindex, const Address& router, NeighbourState state,
                            TimePoint now) {
    const auto key = std::make_pair(ifindex, router);
    const auto it = entries_.find(key);
    const NeighbourState before = it == entries_.end() ? NeighbourState::Unknown : it->second.state;
    if (state == NeighbourState::Unknown) {  // the kernel deleted its entry
        if (it != entries_.end()) {
            entries_.erase(it);
        }
        return before == NeighbourState::Failed;
    }
    if (before == NeighbourState::Failed &&
        (state == NeighbourState::Incomplete || state == NeighbourState::Unconfirmed)) {
        return false;  // an RA or a new solicitation of a failed router: still failed
    }
    if (before == state) {
        return false;
    }
    entries_[key] = Entry{state, now};
    return before == NeighbourState::Failed || state == NeighbourState::Failed ||
           (has_link_layer(state) && !has_link_layer(before));
}

NeighbourState NeighbourEvidence::state(int ifindex, const Address& router) const {
    const auto it = entries_.find({ifindex, router});
    return it == entries_.end() ? NeighbourState::Unknown : it->second.state;
}

TimePoint NeighbourEvidence::since(int ifindex, const Address& router) const {
    const auto it = entries_.find({ifindex, router});
    return it == entries_.end() ? TimePoint{} : it->second.since;
}

}  // namespace multi6d
