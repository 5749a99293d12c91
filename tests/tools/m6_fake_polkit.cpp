// m6-fake-polkit: a stand-in for polkitd on a private test bus. Owns
// org.freedesktop.PolicyKit1 and answers
// org.freedesktop.PolicyKit1.Authority.CheckAuthorization like polkit does
// for a "system-bus-name" subject: it looks up the subject's uid on the bus
// and authorizes only uid ALLOW_UID for action org.multi6d.reload. Every
// decision is printed ("check UID ACTION yes|no"), so tests can see that
// polkit was (or was not) asked. Prints "READY" once it owns the name.
//   usage: m6-fake-polkit ALLOW_UID
#include <sdbus-c++/sdbus-c++.h>

#include "sdbus_compat.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

namespace {

using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
using Result = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: m6-fake-polkit ALLOW_UID\n");
        return 2;
    }
    const auto allow_uid = static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10));
    try {
        auto bus = sdbus::createSystemBusConnection();
        // A second connection for the uid lookups made while a call is handled.
        auto lookups = sdbus::createSystemBusConnection();
        auto bus_daemon = multi6d::sdbus_compat::create_proxy(*lookups, "org.freedesktop.DBus",
                                                              "/org/freedesktop/DBus");
        auto authority =
            multi6d::sdbus_compat::create_object(*bus, "/org/freedesktop/PolicyKit1/Authority");
        multi6d::sdbus_compat::add_method(
            *authority, "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
            [&](const Subject& subject, const std::string& action,
                const std::map<std::string, std::string>&, std::uint32_t, const std::string&) {
                if (std::get<0>(subject) != "system-bus-name") {
                    throw multi6d::sdbus_compat::make_error(
                        "org.freedesktop.PolicyKit1.Error.Failed",
                        "unsupported subject " + std::get<0>(subject));
                }
                const std::string name = std::get<1>(subject).at("name").get<std::string>();
                std::uint32_t uid = 0;
                bus_daemon->callMethod("GetConnectionUnixUser")
                    .onInterface("org.freedesktop.DBus")
                    .withArguments(name)
                    .storeResultsTo(uid);
                const bool yes = uid == allow_uid && action == "org.multi6d.reload";
                std::cout << "check " << uid << " " << action << " " << (yes ? "yes" : "no")
                          << std::endl;
                return Result{yes, false, {}};
            });
        multi6d::sdbus_compat::finish_registration(*authority);
        multi6d::sdbus_compat::request_name(*bus, "org.freedesktop.PolicyKit1");
        std::cout << "READY" << std::endl;
        bus->enterEventLoop();
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "m6-fake-polkit: %s (%s)\n", e.getMessage().c_str(),
                     e.getName().c_str());
        return 1;
    }
    return 0;
}
