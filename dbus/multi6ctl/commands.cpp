#include "commands.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <memory>

#include "ctl_format.hpp"
#include "manager1_proxy.h"
#include "metrics_format.hpp"
#include "names.hpp"
#include "output_file.hpp"
#include "sdbus_compat.hpp"

namespace multi6d::ctl {

namespace {

// Method calls that may wait for polkit's authentication dialog.
constexpr auto reload_timeout = std::chrono::seconds(150);

class ManagerProxy final
    : public sdbus::ProxyInterfaces<org::multi6d::Manager1_proxy, sdbus::Properties_proxy> {
  public:
    std::function<void(const std::string&, const std::string&, const Details&)> on_path_state;
    std::function<void(const std::string&)> on_policy;
    std::function<void(const std::string&)> on_state;

    explicit ManagerProxy(sdbus::IConnection& bus)
        : ProxyInterfaces(bus, sdbus_compat::ServiceName{dbus::bus_name},
                          sdbus_compat::ObjectPath{dbus::object_path}) {}
    ~ManagerProxy() { unregisterProxy(); }
    ManagerProxy(const ManagerProxy&) = delete;
    ManagerProxy& operator=(const ManagerProxy&) = delete;

    // Subscribes to the signals (bus match rules); only monitor needs it.
    void subscribe() { registerProxy(); }

    // The daemon's current unique name ("" while it has none). A match rule
    // with sender='org.multi6d1' is applied by the bus to broadcasts only:
    // a unicast signal sent straight to this connection by anyone reaches
    // the handlers all the same, so each handler checks the sender itself.
    std::string daemon_owner;

    // Reload with a timeout that leaves room for an authentication dialog.
    void reload() {
        getProxy()
            .callMethod("Reload")
            .onInterface(org::multi6d::Manager1_proxy::INTERFACE_NAME)
            .withTimeout(reload_timeout);
    }

  private:
    bool from_daemon() const {
        return !daemon_owner.empty() && sdbus_compat::current_sender(getProxy()) == daemon_owner;
    }

    void onPathStateChanged(const std::string& path, const std::string& state,
                            const Details& details) override {
        if (on_path_state && from_daemon()) {
            on_path_state(path, state, details);
        }
    }
    void onPolicyChanged(const std::string& reason) override {
        if (on_policy && from_daemon()) {
            on_policy(reason);
        }
    }
    void onPropertiesChanged(const sdbus_compat::InterfaceName& interface,
                             const sdbus_compat::ChangedProperties& changed,
                             const sdbus_compat::InvalidatedProperties&) override {
        const auto it = changed.find(sdbus_compat::PropertyName{"State"});
        if (interface == dbus::manager_interface && it != changed.end() &&
            it->second.containsValueOfType<std::string>() && on_state && from_daemon()) {
            on_state(it->second.get<std::string>());
        }
    }
};

// poll(2)'s timeout for the bus's absolute deadline: -1 for none, rounded
// up so a deadline is never polled for early.
int poll_timeout_ms(const sdbus_compat::PollData& poll_data) {
    if (poll_data.deadline_usec == UINT64_MAX) {
        return -1;
    }
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const std::uint64_t now_usec = static_cast<std::uint64_t>(now.tv_sec) * 1000000U +
                                   static_cast<std::uint64_t>(now.tv_nsec) / 1000U;
    if (poll_data.deadline_usec <= now_usec) {
        return 0;
    }
    const std::uint64_t ms = (poll_data.deadline_usec - now_usec + 999U) / 1000U;
    return ms > INT32_MAX ? INT32_MAX : static_cast<int>(ms);
}

void print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

Details rank_options(const Invocation& inv) {
    Details options;
    if (inv.preference) {
        options.emplace("preference", sdbus::Variant(*inv.preference));
    }
    if (inv.application) {
        options.emplace("application", sdbus::Variant(*inv.application));
    }
    return options;
}

// The Applications property; none from a daemon older than it.
std::vector<Application> applications(ManagerProxy& manager) {
    try {
        return manager.Applications();
    } catch (const sdbus::Error& e) {
        if (e.getName() == "org.freedesktop.DBus.Error.UnknownProperty" ||
            e.getName() == "org.freedesktop.DBus.Error.InvalidArgs") {
            return {};
        }
        throw;
    }
}

constexpr const char* bus_driver_name = "org.freedesktop.DBus";

// The unique name that owns `name` now, "" when none does.
std::string name_owner(sdbus::IConnection& bus, const std::string& name) {
    auto driver = sdbus_compat::create_proxy(bus, bus_driver_name, "/org/freedesktop/DBus");
    std::string owner;
    try {
        driver->callMethod("GetNameOwner")
            .onInterface(bus_driver_name)
            .withArguments(name)
            .storeResultsTo(owner);
    } catch (const sdbus::Error& e) {
        if (e.getName() != "org.freedesktop.DBus.Error.NameHasNoOwner") {
            throw;
        }
    }
    return owner;
}

int monitor(sdbus::IConnection& bus, ManagerProxy& manager, bool json) {
    // SIGINT/SIGTERM end the monitor cleanly (exit 0) through a signalfd
    // polled next to the bus.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    const int signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
    if (signal_fd < 0) {
        std::perror("multi6ctl: signalfd");
        return exit_code::failure;
    }

    manager.on_path_state = [json](const std::string& p, const std::string& s, const Details& d) {
        print(format_path_event(p, s, d, json));
    };
    manager.on_policy = [json](const std::string& r) { print(format_policy_event(r, json)); };
    manager.on_state = [json](const std::string& s) { print(format_state_event(s, json)); };
    // Follow the daemon coming and going, first: so no change of owner falls
    // between the lookup of the owner below and the subscription. Only the
    // bus itself (sender org.freedesktop.DBus) can say who owns the name.
    sdbus_compat::add_floating_match(
        bus,
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg0='" +
            std::string(dbus::bus_name) + "'",
        [json, &manager](sdbus_compat::ReceivedMessage m) {
            // std::string(): sdbus-c++ 2.x gives the sender as const char*.
            if (std::string(m.getSender()) != bus_driver_name) {
                return;  // a forgery sent straight to this connection
            }
            std::string name, old_owner, new_owner;
            m >> name >> old_owner >> new_owner;
            if (name != dbus::bus_name) {
                return;
            }
            manager.daemon_owner = new_owner;
            print(format_daemon_event(!new_owner.empty(), json));
        });
    manager.daemon_owner = name_owner(bus, dbus::bus_name);
    manager.subscribe();

    // The starting point, printed once the subscriptions are in place.
    try {
        print(format_state_event(manager.State(), json));
    } catch (const sdbus::Error& e) {
        if (exit_code_for(e.getName()) != exit_code::unreachable) {
            throw;
        }
        print(format_daemon_event(false, json));
    }

    for (;;) {
        while (sdbus_compat::process_pending(bus)) {
        }
        const sdbus_compat::PollData poll_data = sdbus_compat::poll_data(bus);
        // fds[2] is sdbus-c++ 2.x's event fd (poll(2) ignores a negative fd).
        pollfd fds[3] = {{poll_data.fd, static_cast<short>(poll_data.events), 0},
                         {signal_fd, POLLIN, 0},
                         {poll_data.event_fd, POLLIN, 0}};
        if (poll(fds, 3, poll_timeout_ms(poll_data)) < 0 && errno != EINTR) {
            std::perror("multi6ctl: poll");
            close(signal_fd);
            return exit_code::failure;
        }
        if ((fds[1].revents & POLLIN) != 0) {
            close(signal_fd);
            return exit_code::ok;
        }
    }
}

int run_command(sdbus::IConnection& bus, const Invocation& inv) {
    ManagerProxy manager(bus);
    if (inv.command == "status") {
        Status status;
        status.version = manager.Version();
        status.state = manager.State();
        status.paths = manager.ListPaths();
        status.applications = applications(manager);
        print(format_status(status, inv.json));
    } else if (inv.command == "paths") {
        print(format_paths(manager.ListPaths(), inv.json));
    } else if (inv.command == "rank") {
        const auto pairs = inv.host ? manager.RankHost(*inv.host, rank_options(inv))
                                    : manager.Rank(inv.args, rank_options(inv));
        // Uplink and router of each pair's path (Rank's reply names the path).
        print(format_pairs(pairs, manager.ListPaths(), inv.json));
    } else if (inv.command == "reload") {
        manager.reload();
    } else if (inv.command == "monitor") {
        return monitor(bus, manager, inv.json);
    } else if (inv.command == "metrics") {
        const MetricsInput input{manager.Version(), manager.State(), manager.ListPaths(),
                                 manager.Counters(), applications(manager)};
        const std::string text = exposition::render(metric_families(input));
        if (!inv.output) {
            print(text);
            return exit_code::ok;
        }
        try {
            replace_file(*inv.output, text);
        } catch (const std::runtime_error& e) {
            std::cerr << "multi6ctl: " << e.what() << "\n";
            return exit_code::failure;
        }
    } else {
        std::cerr << "multi6ctl: unknown command '" << inv.command << "'\n";
        return exit_code::usage;
    }
    return exit_code::ok;
}

}  // namespace

int exit_code_for(const std::string& name) {
    if (name == dbus::error::not_authorized || name == "org.freedesktop.DBus.Error.AccessDenied" ||
        name == "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") {
        return exit_code::not_authorized;
    }
    if (name == dbus::error::invalid_argument || name == "org.freedesktop.DBus.Error.InvalidArgs") {
        return exit_code::invalid_argument;
    }
    if (name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
        name == "org.freedesktop.DBus.Error.NameHasNoOwner" ||
        name == "org.freedesktop.DBus.Error.NoServer" ||
        name == "org.freedesktop.DBus.Error.Disconnected" ||
        name == "org.freedesktop.DBus.Error.FileNotFound" ||
        name == "org.freedesktop.DBus.Error.UnknownObject") {
        return exit_code::unreachable;
    }
    return exit_code::failure;
}

int run(const Invocation& inv) {
    std::unique_ptr<sdbus::IConnection> bus;
    try {
        bus = sdbus::createSystemBusConnection();
    } catch (const sdbus::Error& e) {
        std::cerr << "multi6ctl: cannot connect to the system bus: " << e.getMessage() << "\n";
        return exit_code::unreachable;
    }
    try {
        return run_command(*bus, inv);
    } catch (const sdbus::Error& e) {
        const int code = exit_code_for(e.getName());
        if (code == exit_code::unreachable) {
            std::cerr << "multi6ctl: multi6d is not running (" << e.getName() << ")\n";
        } else {
            std::cerr << "multi6ctl: " << e.getMessage() << " (" << e.getName() << ")\n";
        }
        return code;
    }
}

}  // namespace multi6d::ctl
