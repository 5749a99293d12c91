// The org.multi6d.Manager1 object (/org/multi6d1) on the daemon's bus
// connection: the generated adaptor glue (sdbus-c++-xml2cpp, from
// org.multi6d.Manager1.xml) implemented over a ManagerBackend.
//
// Threading: everything runs on the event loop thread that BusEventDriver
// drives; nothing here blocks. Rank and ListPaths answer at once from the
// backend; RankHost answers when its lookup completes (HostResolver); Reload
// answers when authorization completes (Authorizer). The differences between
// sdbus-c++ 1.x and 2.x are in sdbus_compat.hpp.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "authorizer.hpp"
#include "bus_event_driver.hpp"
#include "call_counters.hpp"
#include "host_resolver.hpp"
#include "log.hpp"
#include "manager1_adaptor.h"
#include "manager_backend.hpp"
#include "sdbus_compat.hpp"
#include "wire.hpp"

namespace multi6d::dbus {

namespace detail {
// The object the generated adaptor registers on. A base class, so it exists
// before the generated base class uses it.
struct ManagerObject {
    explicit ManagerObject(sdbus::IConnection& bus);
    std::unique_ptr<sdbus::IObject> object;
};
}  // namespace detail

class ManagerAdaptor final : private detail::ManagerObject,
                             public sdbus_compat::Adaptor<org::multi6d::Manager1_adaptor> {
  public:
    struct Settings {
        std::string version;  // the Version property
        // Worker-thread lookups for RankHost; empty: getaddrinfo().
        ResolveFunction resolve;
        ResolverLimits resolver_limits;
    };

    // Registers /org/multi6d1 on `bus`. The caller requests the bus name
    // afterwards (so the object is there before anyone can call it) and
    // keeps backend, driver, calls and bus alive longer than this object.
    // Every method call and error reply is counted in `calls`.
    ManagerAdaptor(sdbus::IConnection& bus, EventLoop& loop, BusEventDriver& driver,
                   ManagerBackend& backend, CallCounters& calls, Settings settings);
    ~ManagerAdaptor();
    ManagerAdaptor(const ManagerAdaptor&) = delete;
    ManagerAdaptor& operator=(const ManagerAdaptor&) = delete;

    // Signals, for the daemon to call when its state changes. Each flushes
    // the connection (BusEventDriver::refresh()).
    // PathStateChanged for each change (path_state_changes()).
    void publish_path_changes(std::span<const PathStateChange> changes);
    void publish_policy_changed(const std::string& reason);
    // PropertiesChanged for State; call when backend.state() changed.
    void publish_state_changed();

  private:
    log::RateLimit refused_reload_log_{"refused D-Bus Reload"};
    using PairList = std::vector<PairStruct>;

    PairList Rank(const std::vector<std::string>& destinations, const Details& options) override;
    void RankHost(sdbus::Result<PairList>&& result, std::string host, Details options) override;
    std::vector<PathStruct> ListPaths() override;
    void Reload(sdbus::Result<>&& result) override;
    std::string Version() override;
    std::string State() override;
    std::map<std::string, sdbus::Variant> Counters() override;
    std::vector<ApplicationStruct> Applications() override;
    // Parses Rank's options and checks the application it names.
    RankOptions rank_options(const Details& options);
    Details details_of(const PathReport& path);

    // Runs a method's synchronous part, counting the call, and an error if
    // it throws one (the error reply).
    template <typename Body>
    auto counted(Method method, Body&& body) {
        calls_.call(method);
        try {
            return body();
        } catch (const sdbus::Error&) {
            calls_.error(method);
            throw;
        }
    }
    // An asynchronous method's error reply.
    template <typename Result>
    void reply_error(Method method, Result& result, const sdbus::Error& error) {
        calls_.error(method);
        result.returnError(error);
    }

    std::string current_sender() const;
    // "uid N" of the current call's sender: what RankHost's limits count by.
    std::string caller_key() const;

    BusEventDriver& driver_;
    ManagerBackend& backend_;
    CallCounters& calls_;
    Settings settings_;
    PairWriter pairs_;
    Authorizer authorizer_;
    HostResolver resolver_;
    sdbus::Slot callers_gone_;
};

}  // namespace multi6d::dbus
