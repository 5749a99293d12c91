// What the D-Bus adaptor (manager_adaptor.hpp) asks of the daemon. The daemon
// implements it from its host model, prober and configuration; tests use a
// fake. Every call happens on the daemon's event loop thread and must not
// block (no I/O that waits).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "address.hpp"
#include "application_report.hpp"
#include "daemon_counters.hpp"
#include "path_report.hpp"
#include "ranking.hpp"
#include "ranking_snapshot.hpp"

namespace multi6d::dbus {

struct RankOptions {
    RankPreference preference = RankPreference::Latency;
    // Rank as this [[application]]'s connections would go; "": none.
    std::string application;
    friend bool operator==(const RankOptions&, const RankOptions&) = default;
};

struct ReloadResult {
    bool ok = true;
    // When !ok: why the new configuration was refused (the running one is
    // kept), e.g. "multi6d.toml:3:1: unknown key 'foo'"; one error per line.
    std::string error;
};

// What the daemon answers at the time of a call, never from a copy: Reload,
// and the counters (each read from its owner, policy/daemon_counters.hpp).
struct DaemonHooks {
    std::function<ReloadResult()> reload;                       // empty: Reload fails
    std::function<DaemonCounters()> counters;                   // empty: all zero
    std::function<PathCounters(const PathKey&)> path_counters;  // empty: all zero
};

class ManagerBackend {
  public:
    virtual ~ManagerBackend() = default;

    // Every usable pair for `destinations` (already validated: 1–64
    // addresses), best first: RankingSnapshot::rank() over the current paths
    // and the applied policy table. An options.application that is not in
    // list_applications() throws InvalidArgument (check_rank_application()). The pairs and the
    // paths they point to need to stay valid only until the next backend call. Called for every
    // Rank: keep it cheap (precompute on change, not here).
    virtual std::span<const RankedPairReport> rank(std::span<const Address> destinations,
                                                   const RankOptions& options) = 0;
    // Every path, in path_reports() order; valid until the next backend call.
    virtual std::span<const PathReport> list_paths() = 0;
    // Every application that matches an account, in configuration order
    // (application_reports()); valid until the next backend call.
    virtual std::span<const ApplicationReport> list_applications() = 0;
    // The State property: "starting", "running", "degraded", "no-paths",
    // "stopping" (manager_state() computes the middle three).
    virtual std::string state() = 0;
    // Re-reads the configuration; the caller has been authorized already.
    // On success the adaptor emits PolicyChanged("reload").
    virtual ReloadResult reload() = 0;
    // The daemon's counters and a path's (ListPaths, the Counters property),
    // read live from their owners.
    virtual DaemonCounters counters() = 0;
    virtual PathCounters path_counters(const PathKey& key) = 0;
};

}  // namespace multi6d::dbus
