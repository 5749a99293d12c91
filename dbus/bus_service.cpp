#include "bus_service.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "bus_event_driver.hpp"
#include "log.hpp"
#include "manager_adaptor.hpp"
#include "names.hpp"
#include "sdbus_compat.hpp"
#include "snapshot_backend.hpp"

namespace multi6d {

BusService::BusService(EventLoop& loop, Hooks hooks, std::string version)
    : loop_(loop),
      version_(std::move(version)),
      backend_(std::make_unique<dbus::SnapshotBackend>(std::move(hooks))) {}

BusService::~BusService() {
    stop();
}

void BusService::start() {
    stopped_ = false;
    attempt();
}

void BusService::stop() {
    stopped_ = true;
    retry_timer_.reset();
    reconnect_soon_.reset();
    disconnect();
}

void BusService::publish(std::vector<PathReport> paths, PolicyTable policy,
                         std::vector<ApplicationReport> applications,
                         const std::string& policy_reason) {
    const dbus::SnapshotUpdate update =
        backend_->update(std::move(paths), std::move(policy), std::move(applications));
    if (!adaptor_) {
        return;
    }
    if (!update.changes.empty()) {
        adaptor_->publish_path_changes(update.changes);
    }
    if (update.state_changed) {
        adaptor_->publish_state_changed();
    }
    if (!policy_reason.empty()) {
        adaptor_->publish_policy_changed(policy_reason);
    } else if (update.policy_changed) {
        adaptor_->publish_policy_changed("paths");
    }
}

void BusService::set_lifecycle(std::optional<std::string> lifecycle) {
    if (backend_->set_lifecycle(std::move(lifecycle)) && adaptor_) {
        adaptor_->publish_state_changed();
    }
}

bool BusService::connect(std::string& error) {
    try {
        bus_ = sdbus::createSystemBusConnection();
    } catch (const std::exception& e) {
        error = std::string("no system bus (") + e.what() + ")";
        return false;
    }
    driver_ = std::make_unique<dbus::BusEventDriver>(
        loop_, *bus_, [this](const std::string& what) { on_failure(what); });
    adaptor_ =
        std::make_unique<dbus::ManagerAdaptor>(*bus_, loop_, *driver_, *backend_, calls_,
                                               dbus::ManagerAdaptor::Settings{version_, {}, {}});
    try {
        sdbus_compat::request_name(*bus_, dbus::bus_name);
    } catch (const std::exception& e) {
        error = std::string("cannot own ") + dbus::bus_name + " (" + e.what() + ")";
        disconnect();
        return false;
    }
    driver_->refresh();
    return true;
}

void BusService::disconnect() {
    // The adaptor unregisters from the connection; the driver stops
    // watching its fd; then the connection closes (the bus drops the name).
    adaptor_.reset();
    driver_.reset();
    bus_.reset();
}

void BusService::attempt() {
    if (stopped_) {
        return;
    }
    std::string error;
    if (connect(error)) {
        log::info(std::string("D-Bus: serving ") + dbus::bus_name + " on the system bus");
        retry_.reset();
        failure_logged_ = false;
        return;
    }
    const auto delay = std::chrono::duration_cast<std::chrono::seconds>(retry_.next());
    const std::string message =
        "D-Bus: " + error + "; the application interface is off, routing carries on";
    if (failure_logged_) {
        log::debug(message + " (next attempt in " + std::to_string(delay.count()) + " s)");
    } else {
        log::warning(message + "; trying again after 1 s, then less and less often (every 60 s)");
        failure_logged_ = true;
    }
    retry_later();
}

void BusService::retry_later() {
    retry_timer_ = loop_.add_timer(loop_.now() + retry_.current(), [this] {
        retry_timer_.reset();
        attempt();
    });
}

void BusService::on_failure(const std::string& what) {
    // Called from inside the driver: it stopped watching the connection;
    // the objects go once the loop is past this callback.
    log::error(what + "; reconnecting");
    failure_logged_ = true;
    reconnect_soon_ = loop_.add_defer([this] {
        reconnect_soon_.reset();
        disconnect();
        retry_.reset();
        attempt();
    });
}

}  // namespace multi6d
