#include "snapshot_backend.hpp"

#include <algorithm>
#include <utility>

#include "wire.hpp"

namespace multi6d::dbus {

SnapshotBackend::SnapshotBackend(DaemonHooks hooks) : hooks_(std::move(hooks)) {}

SnapshotUpdate SnapshotBackend::update(std::vector<PathReport> paths, PolicyTable policy,
                                       std::vector<ApplicationReport> applications) {
    const std::vector<PathReport> before(snapshot_.paths().begin(), snapshot_.paths().end());
    const bool table_changed = !(policy == snapshot_.policy());
    const bool applications_changed = !std::ranges::equal(applications, snapshot_.applications());
    const std::string old_state = state();
    snapshot_.update(std::move(paths), std::move(policy), std::move(applications));
    SnapshotUpdate u;
    u.changes = path_state_changes(before, snapshot_.paths());
    u.state_changed = state() != old_state;
    u.policy_changed = table_changed || applications_changed || !u.changes.empty();
    return u;
}

bool SnapshotBackend::set_lifecycle(std::optional<std::string> lifecycle) {
    const std::string old_state = state();
    lifecycle_ = std::move(lifecycle);
    return state() != old_state;
}

std::span<const RankedPairReport> SnapshotBackend::rank(std::span<const Address> destinations,
                                                        const RankOptions& options) {
    check_rank_application(options, snapshot_.applications());
    return snapshot_.rank(destinations, options.preference, options.application);
}

std::span<const PathReport> SnapshotBackend::list_paths() {
    return snapshot_.paths();
}

std::span<const ApplicationReport> SnapshotBackend::list_applications() {
    return snapshot_.applications();
}

std::string SnapshotBackend::state() {
    return lifecycle_ ? *lifecycle_ : manager_state(snapshot_.paths());
}

ReloadResult SnapshotBackend::reload() {
    return hooks_.reload ? hooks_.reload() : ReloadResult{false, "reload is not available"};
}

DaemonCounters SnapshotBackend::counters() {
    return hooks_.counters ? hooks_.counters() : DaemonCounters{};
}

PathCounters SnapshotBackend::path_counters(const PathKey& key) {
    return hooks_.path_counters ? hooks_.path_counters(key) : PathCounters{};
}

void publish(ManagerAdaptor& adaptor, const SnapshotUpdate& update) {
    if (!update.changes.empty()) {
        adaptor.publish_path_changes(update.changes);
    }
    if (update.state_changed) {
        adaptor.publish_state_changed();
    }
    if (update.policy_changed) {
        adaptor.publish_policy_changed("paths");
    }
}

}  // namespace multi6d::dbus
