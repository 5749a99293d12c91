// m6-dbus-server: multi6d's D-Bus adaptor (dbus/manager_adaptor.hpp) on an
// sd-event loop, exactly as the daemon runs it, over a fake backend that
// serves three fixed paths. For the D-Bus integration tests and the Rank
// benchmark, against a private dbus-daemon (DBUS_SYSTEM_BUS_ADDRESS).
//
// Paths (all with one host address ADDR = prefix::100):
//   eth0/2001:db8:a::/64/fe80::a  uplink isp-a  up    rtt 20 ms  loss 0%   cost 10
//   eth1/2001:db8:b::/64/fe80::b  uplink isp-b  up    rtt  5 ms  loss 2%   cost 100
//   eth2/2001:db8:c::/64/fe80::c  uplink isp-c  down
// SIGUSR1 toggles isp-b between up and down (PathStateChanged, State if it
// changes, PolicyChanged "paths"). Reload emits PolicyChanged "reload", or
// fails with --fail-reload. --debug logs every RankHost lookup. Prints
// "READY" once it owns org.multi6d1.
//
// For the Rank benchmark it also serves org.multi6d.Test.Reference(as, a{sv})
// -> Rank's reply type on /org/multi6d1/reference: Rank's reply for
// 2001:db8:ffff::1 with both paths up, made by Rank's own PairWriter from
// pairs ranked once at start, through the same typed sdbus-c++ glue as Rank
// but without validating the arguments or ranking. Rank against it is what
// validation and ranking cost; it against Ping is what the reply and the
// glue cost.
// Exits 0 on SIGTERM/SIGINT, 1 on errors, 2 on usage errors.
#include <sdbus-c++/sdbus-c++.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "build_info.hpp"
#include "bus_event_driver.hpp"
#include "event_loop.hpp"
#include "log.hpp"
#include "manager_adaptor.hpp"
#include "names.hpp"
#include "path_report.hpp"
#include "sdbus_compat.hpp"
#include "snapshot_backend.hpp"
#include "wire.hpp"

namespace multi6d::tools {
namespace {

using std::chrono::microseconds;

PathReport fake_path(int ifindex, const char* uplink, char letter, PathHealth state, int rtt_usec,
                     double loss, unsigned cost) {
    const std::string p = std::string("2001:db8:") + letter + "::";
    PathReport r;
    r.interface = "eth" + std::to_string(ifindex);
    r.key = PathKey{ifindex + 2, *Prefix::parse(p + "/64"),
                    *Address::parse(std::string("fe80::") + letter)};
    r.id = path_id(r.interface, r.key);
    r.uplink = uplink;
    r.default_router = true;
    SourceCandidate c;
    c.address = *Address::parse(p + "100");
    c.prefix_length = 64;
    c.interface = r.key.ifindex;
    r.addresses.push_back(c);
    r.metrics.state = state;
    if (state != PathHealth::Down) {
        r.metrics.rtt = microseconds(rtt_usec);
        r.metrics.rtt_variation = microseconds(rtt_usec / 10);
        r.metrics.loss = loss;
    }
    r.metrics.cost = cost;
    return r;
}

std::vector<PathReport> fake_paths(bool isp_b_up) {
    return {fake_path(0, "isp-a", 'a', PathHealth::Up, 20000, 0.0, 10),
            isp_b_up ? fake_path(1, "isp-b", 'b', PathHealth::Up, 5000, 0.02, 100)
                     : fake_path(1, "isp-b", 'b', PathHealth::Down, 0, 0.0, 100),
            fake_path(2, "isp-c", 'c', PathHealth::Down, 0, 0.0, 100)};
}

int serve(bool fail_reload) {
    SdEventLoop loop;
    std::unique_ptr<sdbus::IConnection> bus = sdbus::createSystemBusConnection();
    dbus::BusEventDriver driver(loop, *bus);
    // Fixed counters: dbus_api.sh reads them back through Counters and
    // ListPaths.
    dbus::SnapshotBackend backend(
        dbus::DaemonHooks{[fail_reload]() -> dbus::ReloadResult {
                              if (fail_reload) {
                                  return {false, "test.toml:1:1: unknown key 'bogus'"};
                              }
                              return {};
                          },
                          [] { return DaemonCounters{3, 1, 2, 10, 1, {}}; },
                          [](const PathKey& key) {
                              return PathCounters{100U + static_cast<unsigned>(key.ifindex), 7, 2};
                          }});
    bool isp_b_up = true;
    backend.update(fake_paths(isp_b_up), PolicyTable::rfc6724_default());
    backend.set_lifecycle(std::nullopt);
    dbus::CallCounters calls;
    dbus::ManagerAdaptor adaptor(*bus, loop, driver, backend, calls,
                                 dbus::ManagerAdaptor::Settings{build_info::version, {}, {}});
    // The benchmark's reference method (see the file comment). The pairs
    // point into reference_paths, which lives as long as the loop.
    const std::vector<PathReport> reference_paths = fake_paths(true);
    const std::vector<Address> reference_destination = {*Address::parse("2001:db8:ffff::1")};
    const std::vector<RankedPairReport> reference_pairs =
        rank_paths(reference_paths, reference_destination, PolicyTable::rfc6724_default(),
                   RankPreference::Latency);
    dbus::PairWriter reference_writer;
    std::unique_ptr<sdbus::IObject> reference =
        sdbus_compat::create_object(*bus, std::string(dbus::object_path) + "/reference");
    sdbus_compat::add_method(*reference, "org.multi6d.Test", "Reference",
                             [&](const std::vector<std::string>&, const dbus::Details&) {
                                 return reference_writer.values(reference_pairs);
                             });
    sdbus_compat::finish_registration(*reference);

    sdbus_compat::request_name(*bus, dbus::bus_name);
    driver.refresh();

    // SIGUSR1: isp-b goes down, or comes back up.
    const auto toggle = [&] {
        isp_b_up = !isp_b_up;
        log::notice(std::string("isp-b is now ") + (isp_b_up ? "up" : "down"));
        dbus::publish(adaptor,
                      backend.update(fake_paths(isp_b_up), PolicyTable::rfc6724_default()));
    };
    EventSource term = loop.add_signal(SIGTERM, [&loop] { loop.exit(0); });
    EventSource intr = loop.add_signal(SIGINT, [&loop] { loop.exit(0); });
    EventSource usr1 = loop.add_signal(SIGUSR1, toggle);
    std::cout << "READY" << std::endl;
    return loop.run();
}

}  // namespace
}  // namespace multi6d::tools

int main(int argc, char** argv) {
    bool fail_reload = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--fail-reload") == 0) {
            fail_reload = true;
        } else if (std::strcmp(argv[i], "--debug") == 0) {
            multi6d::log::set_level(multi6d::log::Level::Debug);
        } else {
            std::fprintf(stderr, "usage: m6-dbus-server [--fail-reload] [--debug]\n");
            return 2;
        }
    }
    try {
        return multi6d::tools::serve(fail_reload);
    } catch (const sdbus::Error& e) {
        std::fprintf(stderr, "m6-dbus-server: %s (%s)\n", e.getMessage().c_str(),
                     e.getName().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "m6-dbus-server: %s\n", e.what());
    }
    return 1;
}
