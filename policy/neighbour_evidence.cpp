#include "neighbour_evidence.hpp"

namespace multi6d {

std::string_view neighbour_state_name(NeighbourState state) {
    switch (state) {
        case NeighbourState::Unknown:
            return "unknown";
        case NeighbourState::Incomplete:
            return "incomplete";
        case NeighbourState::Reachable:
            return "reachable";
        case NeighbourState::Failed:
            return "failed";
    }
    return "unknown";
}

bool NeighbourEvidence::set(int ifindex, const Address& router, NeighbourState state,
                            TimePoint now) {
    Entry& e = entries_[{ifindex, router}];
    if (state == NeighbourState::Incomplete && e.state == NeighbourState::Failed) {
        return false;  // a new resolution attempt of a failed entry: still failed
    }
    if (e.state == state) {
        return false;
    }
    const bool was_failed = e.state == NeighbourState::Failed;
    e = Entry{state, now};
    return was_failed || state == NeighbourState::Failed || state == NeighbourState::Reachable;
}

NeighbourState NeighbourEvidence::state(int ifindex, const Address& router) const {
    const auto it = entries_.find({ifindex, router});
    return it == entries_.end() ? NeighbourState::Unknown : it->second.state;
}

TimePoint NeighbourEvidence::since(int ifindex, const Address& router) const {
    const auto it = entries_.find({ifindex, router});
    return it == entries_.end() ? TimePoint{} : it->second.since;
}

void NeighbourEvidence::retain(const std::set<std::pair<int, Address>>& keep) {
    std::erase_if(entries_, [&](const auto& entry) { return !keep.contains(entry.first); });
}

}  // namespace multi6d
