#include "ranking_snapshot.hpp"

#include <algorithm>
#include <utility>

namespace multi6d {

RankingSnapshot::RankingSnapshot(std::vector<PathReport> paths, PolicyTable policy,
                                 std::vector<ApplicationReport> applications)
    : paths_(std::move(paths)),
      policy_(std::move(policy)),
      applications_(std::move(applications)) {}

void RankingSnapshot::update(std::vector<PathReport> paths, PolicyTable policy,
                             std::vector<ApplicationReport> applications) {
    memo_.clear();
    paths_ = std::move(paths);
    policy_ = std::move(policy);
    applications_ = std::move(applications);
}

const ApplicationReport* RankingSnapshot::application(const std::string& name) const {
    const auto it = std::ranges::find(applications_, name, &ApplicationReport::name);
    return it == applications_.end() ? nullptr : &*it;
}

std::span<const RankedPairReport> RankingSnapshot::rank(std::span<const Address> destinations,
                                                        RankPreference preference,
                                                        const std::string& application_name) {
    const ApplicationReport* app = application(application_name);
    const std::string key = app != nullptr ? app->name : std::string();
    const auto same = [&](const Memo& m) {
        return m.preference == preference && m.application == key &&
               std::ranges::equal(m.destinations, destinations);
    };
    if (const auto it = std::find_if(memo_.begin(), memo_.end(), same); it != memo_.end()) {
        ++hits_;
        std::rotate(memo_.begin(), it, it + 1);  // most recently used first
        return memo_.front().pairs;
    }
    Memo m;
    m.destinations.assign(destinations.begin(), destinations.end());
    m.preference = preference;
    m.application = key;
    m.pairs = rank_paths(paths_, destinations, policy_, preference, app);
    if (memo_.size() >= memo_size) {
        memo_.pop_back();
    }
    memo_.insert(memo_.begin(), std::move(m));
    return memo_.front().pairs;
}

}  // namespace multi6d
