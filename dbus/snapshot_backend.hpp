// A ManagerBackend that serves a RankingSnapshot: everything the daemon
// needs except reloading and the counters, which it passes in (DaemonHooks). The daemon calls
// update() after every decision (with path_reports() of its host model and prober, and
// applied_policy_table() of the labels it applies) and publish()es what changed; Rank and ListPaths
// are then answered from the snapshot.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "manager_adaptor.hpp"
#include "manager_backend.hpp"
#include "ranking_snapshot.hpp"

namespace multi6d::dbus {

// What one update() changed, for publish().
struct SnapshotUpdate {
    std::vector<PathStateChange> changes;  // point into the backend's paths until the next update()
    bool state_changed = false;            // the State property
    // paths came, went or changed state, or the table or an application's
    // choice changed
    bool policy_changed = false;
};

class SnapshotBackend final : public ManagerBackend {
  public:
    explicit SnapshotBackend(DaemonHooks hooks);

    // Replaces what Rank, ListPaths and Applications serve.
    SnapshotUpdate update(std::vector<PathReport> paths, PolicyTable policy,
                          std::vector<ApplicationReport> applications = {});
    // "starting" or "stopping" override the State computed from the paths
    // (manager_state()); nullopt ends the override. True if State changed.
    bool set_lifecycle(std::optional<std::string> state);

    std::span<const RankedPairReport> rank(std::span<const Address> destinations,
                                           const RankOptions& options) override;
    std::span<const PathReport> list_paths() override;
    std::span<const ApplicationReport> list_applications() override;
    std::string state() override;
    ReloadResult reload() override;
    DaemonCounters counters() override;
    PathCounters path_counters(const PathKey& key) override;

  private:
    DaemonHooks hooks_;
    RankingSnapshot snapshot_;
    std::optional<std::string> lifecycle_ = std::string("starting");
};

// Emits PathStateChanged for each change, PropertiesChanged for State, and
// PolicyChanged("paths"), as `update` says.
void publish(ManagerAdaptor& adaptor, const SnapshotUpdate& update);

}  // namespace multi6d::dbus
