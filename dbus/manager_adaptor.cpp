#include "manager_adaptor.hpp"

#include "log.hpp"
#include "names.hpp"

namespace multi6d::dbus {

namespace detail {

ManagerObject::ManagerObject(sdbus::IConnection& bus)
    : object(sdbus_compat::create_object(bus, object_path)) {}

}  // namespace detail

ManagerAdaptor::ManagerAdaptor(sdbus::IConnection& bus, EventLoop& loop, BusEventDriver& driver,
                               ManagerBackend& backend, Settings settings)
    : ManagerObject(bus),
      Adaptor(*object),
      driver_(driver),
      backend_(backend),
      settings_(std::move(settings)),
      authorizer_(bus),
      resolver_(loop, settings_.resolve) {
    register_adaptor();
}

ManagerAdaptor::~ManagerAdaptor() {
    object->unregister();
}

// Validation only: reading is open to everyone, so no credentials are
// fetched (that would cost a bus round trip per call). An sdbus::Error
// thrown here becomes the error reply.
ManagerAdaptor::PairList ManagerAdaptor::Rank(const std::vector<std::string>& destinations,
                                              const Details& options) {
    const std::vector<Address> parsed = parse_destinations(destinations);
    return pairs_.values(backend_.rank(parsed, parse_rank_options(options)));
}

void ManagerAdaptor::RankHost(sdbus::Result<PairList>&& result, std::string host, Details options) {
    check_host(host);
    const RankOptions parsed_options = parse_rank_options(options);
    log::debug("D-Bus: RankHost from " + current_sender() + ": resolving '" + host + "'");
    // sdbus::Result is move-only; std::function needs a copyable callable.
    auto shared_result = std::make_shared<sdbus::Result<PairList>>(std::move(result));
    const bool queued = resolver_.resolve(
        host, [this, host, parsed_options, shared_result](ResolveOutcome outcome) {
            if (!outcome.error.empty()) {
                shared_result->returnError(sdbus_compat::make_error(
                    error::resolve_failed, "cannot resolve '" + host + "': " + outcome.error));
            } else {
                try {
                    shared_result->returnResults(
                        pairs_.values(backend_.rank(outcome.addresses, parsed_options)));
                } catch (const sdbus::Error& e) {
                    shared_result->returnError(e);
                }
            }
            driver_.refresh();  // the reply was sent from outside bus processing
        });
    if (!queued) {
        shared_result->returnError(sdbus_compat::make_error(
            error::limits_exceeded, "too many name lookups in progress; try again later"));
    }
}

std::vector<PathStruct> ManagerAdaptor::ListPaths() {
    std::vector<PathStruct> out;
    for (const PathReport& p : backend_.list_paths()) {
        out.emplace_back(p.id, path_details(p));
    }
    return out;
}

std::string ManagerAdaptor::current_sender() const {
    return sdbus_compat::current_sender(*object);
}

void ManagerAdaptor::Reload(sdbus::Result<>&& result) {
    // Reload takes no arguments, so there is nothing to validate first; a
    // future method that changes state validates its arguments here, before
    // authorizer_.check(), so a malformed call never reaches polkit.
    const std::string sender = current_sender();
    auto shared_result = std::make_shared<sdbus::Result<>>(std::move(result));
    authorizer_.check(sender, reload_action, [this, sender, shared_result](AuthDecision d) {
        if (!d.allowed) {
            log::notice("D-Bus: Reload from " + sender + " refused: " + d.reason);
            shared_result->returnError(sdbus_compat::make_error(
                error::not_authorized, "Reload needs root or polkit authorization for " +
                                           std::string(reload_action) + ": " + d.reason));
            return;
        }
        log::info("D-Bus: Reload from " + sender + " (" + d.reason + ")");
        const ReloadResult r = backend_.reload();
        if (r.ok) {
            shared_result->returnResults();
            publish_policy_changed("reload");
        } else {
            shared_result->returnError(sdbus_compat::make_error(error::reload_failed, r.error));
        }
    });
}

std::string ManagerAdaptor::Version() {
    return settings_.version;
}

std::string ManagerAdaptor::State() {
    return backend_.state();
}

void ManagerAdaptor::publish_path_changes(std::span<const PathStateChange> changes) {
    for (const PathStateChange& c : changes) {
        emitPathStateChanged(c.id, c.state, c.path != nullptr ? path_details(*c.path) : Details{});
    }
    driver_.refresh();
}

void ManagerAdaptor::publish_policy_changed(const std::string& reason) {
    emitPolicyChanged(reason);
    driver_.refresh();
}

void ManagerAdaptor::publish_state_changed() {
    object->emitPropertiesChangedSignal(manager_interface, {sdbus_compat::PropertyName{"State"}});
    driver_.refresh();
}

}  // namespace multi6d::dbus
