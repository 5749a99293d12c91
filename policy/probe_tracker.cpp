#include "probe_tracker.hpp"

#include <algorithm>
#include <stdexcept>

namespace multi6d {

EchoFields ProbeTracker::add(const ProbeRequest& request, ProbeKind kind, const ProbeNonce& nonce,
                             ProbeTime now, ProbeTime deadline, bool held,
                             std::optional<ProbeTime> late_until) {
    if (entries_.size() > 0xffff) {
        throw std::length_error("probe tracker: every sequence number is outstanding");
    }
    std::uint16_t sequence = last_sequence_;
    do {
        ++sequence;  // wraps 65535 -> 0
    } while (entries_.contains(sequence));
    last_sequence_ = sequence;
    entries_.emplace(sequence, Entry{request, kind, nonce, now, deadline, held,
                                     std::max(deadline, late_until.value_or(deadline)), false});
    return EchoFields{identifier_, sequence, nonce};
}

void ProbeTracker::transmitted(std::uint16_t sequence, ProbeTime now) {
    const auto it = entries_.find(sequence);
    if (it != entries_.end() && it->second.held) {
        it->second.held = false;
        it->second.sent = now;
    }
}

std::optional<ProbeOutcome> ProbeTracker::take(std::map<std::uint16_t, Entry>::iterator it,
                                               std::optional<std::chrono::microseconds> rtt) {
    ProbeOutcome outcome{it->first, it->second.request, it->second.kind,
                         rtt,       it->second.lost,    std::nullopt};
    entries_.erase(it);
    return outcome;
}

std::optional<ProbeOutcome> ProbeTracker::on_reply(int ifindex, const Address& from,
                                                   const Address& to, const EchoFields& fields,
                                                   ProbeTime now) {
    if (fields.identifier != identifier_) {
        return std::nullopt;
    }
    const auto it = entries_.find(fields.sequence);
    if (it == entries_.end()) {
        return std::nullopt;
    }
    const Entry& e = it->second;
    if (e.held || e.nonce != fields.nonce || e.request.path.ifindex != ifindex ||
        e.request.target != from || e.request.source != to) {
        return std::nullopt;
    }
    const auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(now - e.sent);
    if (e.lost) {
        return now <= e.late_until ? take(it, rtt) : std::nullopt;  // late reply
    }
    if (now > e.deadline) {
        return take(it, std::nullopt);  // "a reply later than the timeout is a loss"
    }
    return take(it, rtt);
}

std::optional<ProbeOutcome> ProbeTracker::on_unreachable(int ifindex, const Address& to,
                                                         const QuotedProbe& quoted) {
    if (quoted.fields.identifier != identifier_) {
        return std::nullopt;
    }
    const auto it = entries_.find(quoted.fields.sequence);
    if (it == entries_.end()) {
        return std::nullopt;
    }
    const Entry& e = it->second;
    if (e.lost) {
        return std::nullopt;  // already reported
    }
    if (e.held || e.nonce != quoted.fields.nonce || e.request.path.ifindex != ifindex ||
        e.request.source != to || e.request.source != quoted.source ||
        e.request.target != quoted.destination) {
        return std::nullopt;
    }
    return take(it, std::nullopt);
}

std::vector<ProbeOutcome> ProbeTracker::expire(ProbeTime now) {
    std::erase_if(entries_, [&](const auto& item) {
        return item.second.lost && item.second.late_until < now;
    });
    std::vector<std::pair<ProbeTime, std::uint16_t>> due;
    for (const auto& [sequence, e] : entries_) {
        if (!e.lost && e.deadline < now) {
            due.emplace_back(e.deadline, sequence);
        }
    }
    std::sort(due.begin(), due.end());
    std::vector<ProbeOutcome> lost;
    lost.reserve(due.size());
    for (const auto& [deadline, sequence] : due) {
        const auto it = entries_.find(sequence);
        Entry& e = it->second;
        if (!e.held && e.late_until >= now) {
            lost.push_back(
                ProbeOutcome{sequence, e.request, e.kind, std::nullopt, false, std::nullopt});
            e.lost = true;  // kept for a late reply
        } else {
            lost.push_back(*take(it, std::nullopt));
        }
    }
    return lost;
}

std::optional<ProbeTime> ProbeTracker::next_deadline() const {
    std::optional<ProbeTime> next;
    // Probes kept only for a late reply need no wake-up of their own: the
    // next expire() removes those past late_until.
    for (const auto& [sequence, e] : entries_) {
        if (!e.lost && (!next || e.deadline < *next)) {
            next = e.deadline;
        }
    }
    return next;
}

std::size_t ProbeTracker::size() const {
    return static_cast<std::size_t>(std::count_if(
        entries_.begin(), entries_.end(), [](const auto& item) { return !item.second.lost; }));
}

std::size_t ProbeTracker::forget(const PathKey& path) {
    return std::erase_if(entries_,
                         [&](const auto& item) { return item.second.request.path == path; });
}

std::vector<std::uint16_t> ProbeTracker::held_for(int ifindex, const Address& router) const {
    std::vector<std::uint16_t> held;
    for (const auto& [sequence, e] : entries_) {
        if (e.held && e.request.path.ifindex == ifindex && e.request.path.router == router) {
            held.push_back(sequence);
        }
    }
    return held;
}

bool ProbeTracker::kick_outstanding(int ifindex, const Address& router) const {
    return std::any_of(entries_.begin(), entries_.end(), [&](const auto& item) {
        const Entry& e = item.second;
        return !e.lost && e.kind == ProbeKind::NeighbourKick && e.request.path.ifindex == ifindex &&
               e.request.path.router == router;
    });
}

const ProbeTracker::Entry* ProbeTracker::find(std::uint16_t sequence) const {
    const auto it = entries_.find(sequence);
    return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace multi6d
