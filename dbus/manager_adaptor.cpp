#include "manager_adaptor.hpp"

#include "log.hpp"
#include "names.hpp"

namespace multi6d::dbus {

namespace detail {

ManagerObject::ManagerObject(sdbus::IConnection& bus)
    : object(sdbus_compat::create_object(bus, object_path)) {}

}  // namespace detail

ManagerAdaptor::ManagerAdaptor(sdbus::IConnection& bus, EventLoop& loop, BusEventDriver& driver,
                               ManagerBackend& backend, CallCounters& calls, Settings settings)
    : ManagerObject(bus),
      Adaptor(*object),
      driver_(driver),
      backend_(backend),
      calls_(calls),
      settings_(std::move(settings)),
      authorizer_(bus),
      resolver_(loop, settings_.resolve, settings_.resolver_limits) {
    register_adaptor();
    // A caller that leaves the bus gets no answer: free its lookup slots now
    // rather than when its lookups end. Only the bus itself says so
    // (a NameOwnerChanged from anyone else is a forgery).
    callers_gone_ = sdbus_compat::add_match(
        bus,
        "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg2=''",
        [this](auto&& message) {
            // std::string(): sdbus-c++ 2.x gives the sender as const char*.
            if (std::string(message.getSender()) != "org.freedesktop.DBus") {
                return;
            }
            std::string name, old_owner, new_owner;
            message >> name >> old_owner >> new_owner;
            if (!name.empty() && name[0] == ':' && new_owner.empty()) {
                resolver_.forget_connection(name);
            }
        });
}

ManagerAdaptor::~ManagerAdaptor() {
    object->unregister();
}

// Validation only: reading is open to everyone, so no credentials are
// fetched (that would cost a bus round trip per call). An sdbus::Error
// thrown here becomes the error reply.
ManagerAdaptor::PairList ManagerAdaptor::Rank(const std::vector<std::string>& destinations,
                                              const Details& options) {
    return counted(Method::Rank, [&] {
        const std::vector<Address> parsed = parse_destinations(destinations);
        return pairs_.values(backend_.rank(parsed, rank_options(options)));
    });
}

void ManagerAdaptor::RankHost(sdbus::Result<PairList>&& result, std::string host, Details options) {
    const RankOptions parsed_options = counted(Method::RankHost, [&] {
        check_host(host);
        return rank_options(options);
    });
    // A literal needs no lookup: answered now, validated as Rank validates,
    // whatever lookups are pending.
    if (Address::parse(host)) {
        try {
            result.returnResults(
                pairs_.values(backend_.rank(parse_destinations({host}), parsed_options)));
        } catch (const sdbus::Error&) {
            calls_.error(Method::RankHost);
            throw;
        }
        return;
    }
    const std::string sender = current_sender();
    const std::string caller = caller_key();
    // sdbus::Result is move-only; std::function needs a copyable callable.
    auto shared_result = std::make_shared<sdbus::Result<PairList>>(std::move(result));
    const HostResolver::Queued queued = resolver_.resolve(
        host, caller, sender, [this, host, parsed_options, shared_result](ResolveOutcome outcome) {
            if (!outcome.error.empty()) {
                reply_error(Method::RankHost, *shared_result,
                            sdbus_compat::make_error(
                                error::resolve_failed,
                                "cannot resolve " + quoted(host) + ": " + outcome.error));
            } else {
                // What Rank would refuse as a destination gives no pair here
                // (a name may well resolve to ::1 among others).
                std::vector<Address> destinations;
                for (const Address& a : outcome.addresses) {
                    if (destination_problem(a).empty()) {
                        destinations.push_back(a);
                    }
                }
                try {
                    shared_result->returnResults(
                        pairs_.values(backend_.rank(destinations, parsed_options)));
                } catch (const sdbus::Error& e) {
                    reply_error(Method::RankHost, *shared_result, e);
                }
            }
            driver_.refresh();  // the reply was sent from outside bus processing
        });
    if (queued == HostResolver::Queued::yes) {
        log::debug("D-Bus: RankHost from " + sender + " (" + caller + "): resolving '" + host +
                   "'");
    } else if (queued == HostResolver::Queued::caller_busy) {
        reply_error(Method::RankHost, *shared_result,
                    sdbus_compat::make_error(error::limits_exceeded,
                                             "too many name lookups of yours in progress (" +
                                                 caller + "); try again later"));
    } else if (queued == HostResolver::Queued::all_busy) {
        reply_error(Method::RankHost, *shared_result,
                    sdbus_compat::make_error(error::limits_exceeded,
                                             "too many name lookups in progress; try again later"));
    }
}

std::string ManagerAdaptor::caller_key() const {
    // The limits count per user, not per connection: a user can open any
    // number of connections. One round trip to the bus, paid only for a
    // name that needs a lookup; the unique name when the bus cannot say.
    try {
        return "uid " + std::to_string(sdbus_compat::current_sender_uid(*object));
    } catch (const sdbus::Error&) {
        return "connection " + current_sender();
    }
}

std::vector<PathStruct> ManagerAdaptor::ListPaths() {
    return counted(Method::ListPaths, [&] {
        std::vector<PathStruct> out;
        for (const PathReport& p : backend_.list_paths()) {
            out.emplace_back(p.id, details_of(p));
        }
        return out;
    });
}

RankOptions ManagerAdaptor::rank_options(const Details& options) {
    RankOptions parsed = parse_rank_options(options);
    check_rank_application(parsed, backend_.list_applications());
    return parsed;
}

Details ManagerAdaptor::details_of(const PathReport& path) {
    return path_details(path, backend_.path_counters(path.key),
                        applications_on(backend_.list_applications(), path.id));
}

std::vector<ApplicationStruct> ManagerAdaptor::Applications() {
    const DaemonCounters counters = backend_.counters();
    std::vector<ApplicationStruct> out;
    for (const ApplicationReport& a : backend_.list_applications()) {
        const auto moves = counters.application_moves.find(a.name);
        out.emplace_back(
            a.name,
            application_details(a, moves != counters.application_moves.end() ? moves->second : 0));
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
    calls_.call(Method::Reload);
    const std::string sender = current_sender();
    auto shared_result = std::make_shared<sdbus::Result<>>(std::move(result));
    authorizer_.check(sender, reload_action, [this, sender, shared_result](AuthDecision d) {
        if (!d.allowed) {
            // Any local user can call Reload: rate-limited (multi6d(8), LOGGING).
            refused_reload_log_.write(log::Level::Notice,
                                      "D-Bus: Reload from " + sender + " refused: " + d.reason);
            reply_error(Method::Reload, *shared_result,
                        sdbus_compat::make_error(error::not_authorized,
                                                 "Reload needs root or polkit authorization for " +
                                                     std::string(reload_action) + ": " + d.reason));
            return;
        }
        log::info("D-Bus: Reload from " + sender + " (" + d.reason + ")");
        const ReloadResult r = backend_.reload();
        if (r.ok) {
            shared_result->returnResults();
            publish_policy_changed("reload");
        } else {
            reply_error(Method::Reload, *shared_result,
                        sdbus_compat::make_error(error::reload_failed, r.error));
        }
    });
}

std::string ManagerAdaptor::Version() {
    return settings_.version;
}

std::string ManagerAdaptor::State() {
    return backend_.state();
}

std::map<std::string, sdbus::Variant> ManagerAdaptor::Counters() {
    return counter_details(backend_.counters(), calls_);
}

void ManagerAdaptor::publish_path_changes(std::span<const PathStateChange> changes) {
    for (const PathStateChange& c : changes) {
        emitPathStateChanged(c.id, c.state, c.path != nullptr ? details_of(*c.path) : Details{});
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
