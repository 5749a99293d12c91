#include "authorizer.hpp"

#include <cstdint>
#include <map>

#include "sdbus_compat.hpp"

namespace multi6d::dbus {

namespace {

// polkit's CheckAuthorization flags: let polkit ask an authentication agent
// of the caller's session, if there is one.
constexpr std::uint32_t allow_user_interaction = 1;

using PolkitSubject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
using PolkitResult = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;

}  // namespace

Authorizer::Authorizer(sdbus::IConnection& bus)
    : bus_daemon_(sdbus_compat::create_proxy(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus")),
      polkit_(sdbus_compat::create_proxy(bus, "org.freedesktop.PolicyKit1",
                                         "/org/freedesktop/PolicyKit1/Authority")) {}

void Authorizer::check(const std::string& sender, const std::string& action,
                       std::function<void(AuthDecision)> done) {
    bus_daemon_->callMethodAsync("GetConnectionUnixUser")
        .onInterface("org.freedesktop.DBus")
        .withArguments(sender)
        .uponReplyInvoke([this, sender, action, done = std::move(done)](
                             sdbus_compat::AsyncError error, std::uint32_t uid) {
            if (error) {
                done(AuthDecision{false, "cannot identify the caller: " + error->getMessage()});
                return;
            }
            if (uid == 0) {
                done(AuthDecision{true, "root"});
                return;
            }
            ask_polkit(sender, action, done);
        });
}

void Authorizer::ask_polkit(const std::string& sender, const std::string& action,
                            std::function<void(AuthDecision)> done) {
    // Subject "system-bus-name": polkit looks the name up itself, so the
    // decision is about the process that really sent the call.
    const PolkitSubject subject{"system-bus-name", {{"name", sdbus::Variant(sender)}}};
    const std::map<std::string, std::string> details;
    polkit_->callMethodAsync("CheckAuthorization")
        .onInterface("org.freedesktop.PolicyKit1.Authority")
        .withTimeout(polkit_timeout)
        .withArguments(subject, action, details, allow_user_interaction, std::string())
        .uponReplyInvoke([action, done = std::move(done)](sdbus_compat::AsyncError error,
                                                          const PolkitResult& result) {
            if (error) {
                done(AuthDecision{false, "polkit is not available (" + error->getName() + ": " +
                                             error->getMessage() + ")"});
                return;
            }
            if (std::get<0>(result)) {
                done(AuthDecision{true, "polkit"});
                return;
            }
            done(AuthDecision{false, std::get<1>(result) ? "polkit needs authentication for " +
                                                               action + " and none was given"
                                                         : "polkit denies " + action});
        });
}

}  // namespace multi6d::dbus
