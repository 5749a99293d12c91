#include "ranking_snapshot.hpp"

#include <algorithm>
#include <utility>

namespace multi6d {

RankingSnapshot::RankingSnapshot(std::vector<PathReport> paths, PolicyTable policy)
    : paths_(std::move(paths)), policy_(std::move(policy)) {}

void RankingSnapshot::update(std::vector<PathReport> paths, PolicyTable policy) {
    memo_.clear();
    paths_ = std::move(paths);
    policy_ = std::move(policy);
}

std::span<const RankedPairReport> RankingSnapshot::rank(std::span<const Address> destinations,
                                                        RankPreference preference) {
    const auto same = [&](const Memo& m) {
        return m.preference == preference && std::ranges::equal(m.destinations, destinations);
    };
    if (const auto it = std::find_if(memo_.begin(), memo_.end(), same); it != memo_.end()) {
        ++hits_;
        std::rotate(memo_.begin(), it, it + 1);  // most recently used first
        return memo_.front().pairs;
    }
    Memo m;
    m.destinations.assign(destinations.begin(), destinations.end());
    m.preference = preference;
    m.pairs = rank_paths(paths_, destinations, policy_, preference);
    if (memo_.size() >= memo_size) {
        memo_.pop_back();
    }
    memo_.insert(memo_.begin(), std::move(m));
    return memo_.front().pairs;
}

}  // namespace multi6d
