// The application interface's life on the system bus: connects, owns
// org.multi6d1 and serves it on the daemon's loop. When there is no bus, or
// the name is taken, or the connection breaks (dbus-daemon restarted), it
// tries again with back-off (1 s, doubling to 60 s) and logs the first
// failure only, so a host whose bus comes up late, or comes back, gets the
// interface back without restarting multi6d. Routing never waits for it.
//
// The snapshot Rank and ListPaths read lives here, not in the connection:
// a new connection serves the latest state at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sdbus-c++/IConnection.h>

#include "backoff.hpp"
#include "bus_port.hpp"
#include "call_counters.hpp"
#include "event_loop.hpp"
#include "path_report.hpp"
#include "policy_table.hpp"

namespace multi6d {

namespace dbus {
class BusEventDriver;
class ManagerAdaptor;
class SnapshotBackend;
}  // namespace dbus

class BusService final : public BusPort {
  public:
    // `hooks` serve the Reload method and the counters; `version` the
    // Version property.
    BusService(EventLoop& loop, Hooks hooks, std::string version);
    ~BusService() override;
    BusService(const BusService&) = delete;
    BusService& operator=(const BusService&) = delete;

    // The first attempt; later ones are scheduled by the service itself.
    void start() override;
    // Leaves the bus and stops trying.
    void stop() override;
    bool serving() const { return adaptor_ != nullptr; }

    // The daemon's paths and applied policy table now. Signals what changed
    // (PathStateChanged, State, PolicyChanged with `policy_reason`, or
    // "paths" when only paths changed) while serving.
    void publish(std::vector<PathReport> paths, PolicyTable policy,
                 std::vector<ApplicationReport> applications,
                 const std::string& policy_reason) override;
    // The State property's override ("starting", "stopping"); nullopt: the
    // paths decide.
    void set_lifecycle(std::optional<std::string> lifecycle) override;

  private:
    bool connect(std::string& error);
    void disconnect();
    void attempt();
    void retry_later();
    void on_failure(const std::string& what);

    EventLoop& loop_;
    std::string version_;
    std::unique_ptr<dbus::SnapshotBackend> backend_;
    dbus::CallCounters calls_;  // across connections
    std::unique_ptr<sdbus::IConnection> bus_;
    std::unique_ptr<dbus::BusEventDriver> driver_;
    std::unique_ptr<dbus::ManagerAdaptor> adaptor_;
    EventSource retry_timer_;
    EventSource reconnect_soon_;  // leaves a broken connection outside its own callbacks
    Backoff retry_{std::chrono::seconds(1), std::chrono::seconds(60)};
    bool failure_logged_ = false;  // since the last time it served
    bool stopped_ = false;
};

}  // namespace multi6d
