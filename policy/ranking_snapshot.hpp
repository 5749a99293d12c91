// The paths and policy table that Rank reads, with recent rankings
// remembered until they change: Rank is called far more often than paths
// change (a probe round updates metrics a few times a second), and D-Bus
// callers tend to repeat the same destinations (DESIGN.md §6: a Rank call
// must cost next to nothing next to the bus round trip).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "application_report.hpp"
#include "path_report.hpp"
#include "policy_table.hpp"
#include "ranking.hpp"

namespace multi6d {

class RankingSnapshot {
  public:
    // How many distinct (destinations, preference, application) requests
    // are remembered.
    static constexpr std::size_t memo_size = 8;

    RankingSnapshot() = default;
    RankingSnapshot(std::vector<PathReport> paths, PolicyTable policy,
                    std::vector<ApplicationReport> applications = {});
    // Not copyable: remembered pairs point into paths_.
    RankingSnapshot(const RankingSnapshot&) = delete;
    RankingSnapshot& operator=(const RankingSnapshot&) = delete;

    // Replaces paths, table and applications and forgets every remembered
    // ranking.
    void update(std::vector<PathReport> paths, PolicyTable policy,
                std::vector<ApplicationReport> applications = {});

    std::span<const PathReport> paths() const { return paths_; }
    const PolicyTable& policy() const { return policy_; }
    std::span<const ApplicationReport> applications() const { return applications_; }
    // The application of that name; nullptr if there is none.
    const ApplicationReport* application(const std::string& name) const;

    // rank_paths(paths(), destinations, policy(), preference, application)
    // with the application of that name ("": none; one not in
    // applications() ranks as none). The result is valid until the next
    // rank() or update().
    std::span<const RankedPairReport> rank(std::span<const Address> destinations,
                                           RankPreference preference,
                                           const std::string& application = {});

    // Requests answered from memory so far (tests, statistics).
    std::size_t memo_hits() const { return hits_; }

  private:
    struct Memo {
        std::vector<Address> destinations;
        RankPreference preference = RankPreference::Latency;
        std::string application;
        std::vector<RankedPairReport> pairs;
    };

    std::vector<PathReport> paths_;
    PolicyTable policy_ = PolicyTable::rfc6724_update_default();
    std::vector<ApplicationReport> applications_;
    std::vector<Memo> memo_;  // most recently used first
    std::size_t hits_ = 0;
};

}  // namespace multi6d
