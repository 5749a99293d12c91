// What the daemon asks of its application interface on the bus:
// BusService (dbus/bus_service.hpp) is the D-Bus one; the daemon's unit tests
// substitute one that records what was published.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "application_report.hpp"
#include "manager_backend.hpp"
#include "path_report.hpp"
#include "policy_table.hpp"

namespace multi6d {

class BusPort {
  public:
    // Reload and the live counters, called at the time of a bus call.
    using Hooks = dbus::DaemonHooks;
    virtual ~BusPort() = default;
    // The first attempt to connect; later ones are the port's own business.
    virtual void start() = 0;
    // Leaves the bus and stops trying.
    virtual void stop() = 0;
    // The daemon's paths, applied policy table and applications' choices
    // now; `policy_reason` says why the policy changed (empty: it did not).
    virtual void publish(std::vector<PathReport> paths, PolicyTable policy,
                         std::vector<ApplicationReport> applications,
                         const std::string& policy_reason) = 0;
    // The State property's override ("starting", "stopping"); nullopt: the
    // paths decide.
    virtual void set_lifecycle(std::optional<std::string> lifecycle) = 0;
};

}  // namespace multi6d
