#include "repair_tracker.hpp"

#include <algorithm>

namespace multi6d {

void RepairTracker::forget_old(RepairClock::time_point now) {
    for (auto it = objects_.begin(); it != objects_.end();) {
        History& h = it->second;
        while (!h.removals.empty() && now - h.removals.front() >= fight_window) {
            h.removals.pop_front();
        }
        // Forgiven once it stayed in place for a whole window after its
        // last hold-off ended.
        const bool quiet = h.removals.empty() && (!h.fighting || now - h.hold_end >= fight_window);
        it = quiet ? objects_.erase(it) : std::next(it);
    }
}

RepairVerdict RepairTracker::removed(const std::string& key, const std::string& what,
                                     const std::string& verb, const std::string& other_party,
                                     RepairClock::time_point now) {
    forget_old(now);
    History& h = objects_[key];
    h.removals.push_back(now);
    RepairVerdict verdict;
    if (!h.fighting && static_cast<int>(h.removals.size()) <= fight_removals) {
        verdict.log_line = what + " " + verb + " by someone else; restored";
        return verdict;
    }
    if (!h.fighting) {
        h.fighting = true;
        h.hold = first_hold;
        verdict.conflict = true;
        verdict.log_line = "conflict: " + what + " " + verb + " " +
                           std::to_string(h.removals.size()) + " times within " +
                           std::to_string(fight_window.count()) + " s by someone else (" +
                           other_party + ")" + "; restoring it with back-off (from " +
                           std::to_string(first_hold.count()) + " s up to " +
                           std::to_string(max_hold.count()) + " s)";
    } else {
        // Each removal in a fight doubles the hold-off; nothing is logged
        // (the conflict line said it all).
        h.hold = std::min<std::chrono::seconds>(h.hold * 2, max_hold);
    }
    h.hold_end = now + h.hold;
    verdict.restore_now = false;
    return verdict;
}

bool RepairTracker::held(const std::string& key, RepairClock::time_point now) const {
    const auto it = objects_.find(key);
    return it != objects_.end() && it->second.fighting && now < it->second.hold_end;
}

std::optional<RepairClock::time_point> RepairTracker::next_hold_end(
    RepairClock::time_point now) const {
    std::optional<RepairClock::time_point> next;
    for (const auto& [key, h] : objects_) {
        if (h.fighting && h.hold_end > now && (!next || h.hold_end < *next)) {
            next = h.hold_end;
        }
    }
    return next;
}

std::size_t RepairTracker::fights() const {
    return static_cast<std::size_t>(
        std::ranges::count_if(objects_, [](const auto& entry) { return entry.second.fighting; }));
}

}  // namespace multi6d
