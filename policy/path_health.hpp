// Read access to path health (DESIGN.md §3.4). Each path's health has one
// owner, the PathMonitor that the prober's supervisor keeps for it
// (service/path_supervisor.hpp); the decision, the reports and D-Bus read it
// through this const view and keep no copy of their own.
#pragma once

#include <map>
#include <string>

#include "path.hpp"
#include "path_quality.hpp"

namespace multi6d {

class PathHealthView {
  public:
    virtual ~PathHealthView() = default;
    // The path's health; Unknown (usable) for a path not measured yet.
    virtual PathHealth health(const PathKey& key) const = 0;
    // Why the path has that health (one line, policy/path_evidence.hpp);
    // "" when there is nothing to say.
    virtual std::string reason(const PathKey&) const { return {}; }
    // Its measurements (RTT, loss window); null for a path not measured.
    virtual const PathMonitor* monitor(const PathKey& key) const = 0;
};

// A view with health set by hand and no measurements: for callers that
// have no prober (unit tests, tools).
class FixedPathHealth : public PathHealthView {
  public:
    PathHealth& operator[](const PathKey& key) { return health_[key]; }
    void clear() { health_.clear(); }
    PathHealth health(const PathKey& key) const override {
        const auto it = health_.find(key);
        return it == health_.end() ? PathHealth::Unknown : it->second;
    }
    const PathMonitor* monitor(const PathKey&) const override { return nullptr; }

  private:
    std::map<PathKey, PathHealth> health_;
};

}  // namespace multi6d
