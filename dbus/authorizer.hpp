// Authorization of privileged calls (Reload and any future change):
// root, or the polkit action, decided without blocking the loop.
//
// The caller's uid costs a bus round trip (dbus-daemon does not attach
// credentials to messages, DESIGN.md §2), and polkit another one, so only
// privileged calls pay them; reads are open to every local user and never
// come here. Both queries are asynchronous calls on the daemon's own
// connection, answered from its event loop.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace multi6d::dbus {

struct AuthDecision {
    bool allowed = false;
    // Allowed: "root" or "polkit". Refused: why, for the caller's error message.
    std::string reason;
};

class Authorizer {
  public:
    // Time polkit may take, including an authentication dialog
    // (AllowUserInteraction) where the caller has an agent.
    static constexpr std::chrono::seconds polkit_timeout{120};

    explicit Authorizer(sdbus::IConnection& bus);

    // Decides whether the bus client `sender` (unique name) may perform
    // polkit `action`; calls done() once, later, from the bus processing.
    // uid 0 is allowed without asking polkit; any other uid needs polkit's
    // "authorized". polkit being unreachable means refused.
    void check(const std::string& sender, const std::string& action,
               std::function<void(AuthDecision)> done);

  private:
    void ask_polkit(const std::string& sender, const std::string& action,
                    std::function<void(AuthDecision)> done);

    std::unique_ptr<sdbus::IProxy> bus_daemon_;
    std::unique_ptr<sdbus::IProxy> polkit_;
};

}  // namespace multi6d::dbus
