// The differences between the two sdbus-c++ generations multi6d builds
// with, in one place: 1.x (Debian 12: 1.2) and 2.x (Debian 13: 2.1).
//
// 2.0 made names strong types (ServiceName, ObjectPath, InterfaceName,
// MethodName, PropertyName, Error::Name), turned the adaptor's
// registration into addVTable() done by the generated registerAdaptor()
// (1.x registers in the generated constructor and needs
// finishRegistration()), renamed processPendingRequest() to
// processPendingEvent(), added an event fd to the poll data (polled for
// POLLIN next to the bus fd: 2.1 queues large messages through it), made
// the poll timeout a std::chrono::microseconds (max() = none) and
// getCurrentlyProcessedMessage() return a Message by value, and passes an
// async call's error as std::optional<Error> instead of const Error*.
// Everything else multi6d uses is the same in both ("Migrating to
// sdbus-c++ v2" in sdbus-c++'s docs/using-sdbus-c++.md).
#pragma once

#include <sdbus-c++/sdbus-c++.h>
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// VTableItems.h appeared with 2.0 (addVTable); no version macro exists in 1.x.
#if __has_include(<sdbus-c++/VTableItems.h>)
#define MULTI6D_SDBUSCPP_V2 1
#else
#define MULTI6D_SDBUSCPP_V2 0
#endif

namespace multi6d::sdbus_compat {

inline constexpr int generation = MULTI6D_SDBUSCPP_V2 ? 2 : 1;

#if MULTI6D_SDBUSCPP_V2
using ServiceName = sdbus::ServiceName;
using ObjectPath = sdbus::ObjectPath;
using InterfaceName = sdbus::InterfaceName;
using PropertyName = sdbus::PropertyName;
using ErrorName = sdbus::Error::Name;
// The error argument of an async reply callback (uponReplyInvoke).
using AsyncError = std::optional<sdbus::Error>;
// The parameter of a match rule's handler (sdbus::message_handler).
using ReceivedMessage = sdbus::Message;
#else
using ServiceName = std::string;
using ObjectPath = std::string;
using InterfaceName = std::string;
using PropertyName = std::string;
using ErrorName = std::string;
using AsyncError = const sdbus::Error*;
using ReceivedMessage = sdbus::Message&;
#endif

// org.freedesktop.DBus.Properties.PropertiesChanged's arguments, as
// Properties_proxy::onPropertiesChanged() receives them.
using ChangedProperties = std::map<PropertyName, sdbus::Variant>;
using InvalidatedProperties = std::vector<PropertyName>;

inline sdbus::Error make_error(const char* name, std::string message) {
    return sdbus::Error(ErrorName{name}, std::move(message));
}

inline std::unique_ptr<sdbus::IObject> create_object(sdbus::IConnection& bus, std::string path) {
    return sdbus::createObject(bus, ObjectPath{std::move(path)});
}

inline std::unique_ptr<sdbus::IProxy> create_proxy(sdbus::IConnection& bus, std::string service,
                                                   std::string path) {
    return sdbus::createProxy(bus, ServiceName{std::move(service)}, ObjectPath{std::move(path)});
}

inline void request_name(sdbus::IConnection& bus, std::string name) {
    bus.requestName(ServiceName{std::move(name)});
}

// Serves `interface`.`method` on `object` with a typed callable (its
// parameters and return value give the signatures). Call
// finish_registration() after the last one.
template <typename Callable>
void add_method(sdbus::IObject& object, const char* interface, const char* method,
                Callable&& callable) {
#if MULTI6D_SDBUSCPP_V2
    object.addVTable(sdbus::registerMethod(method).implementedAs(std::forward<Callable>(callable)))
        .forInterface(interface);
#else
    object.registerMethod(method).onInterface(interface).implementedAs(
        std::forward<Callable>(callable));
#endif
}

inline void finish_registration([[maybe_unused]] sdbus::IObject& object) {
#if !MULTI6D_SDBUSCPP_V2
    object.finishRegistration();  // 2.x: addVTable() registers at once
#endif
}

// A match rule that lives as long as the connection.
inline void add_floating_match(sdbus::IConnection& bus, const std::string& match,
                               sdbus::message_handler handler) {
#if MULTI6D_SDBUSCPP_V2
    bus.addMatch(match, std::move(handler));
#else
    bus.addMatch(match, std::move(handler), sdbus::floating_slot);
#endif
}

// A match rule that lives as long as the returned slot (1.x returns the
// slot by default, 2.x only when asked with return_slot).
[[nodiscard]] inline sdbus::Slot add_match(sdbus::IConnection& bus, const std::string& match,
                                           sdbus::message_handler handler) {
#if MULTI6D_SDBUSCPP_V2
    return bus.addMatch(match, std::move(handler), sdbus::return_slot);
#else
    return bus.addMatch(match, std::move(handler));
#endif
}

// What an external event loop waits for.
struct PollData {
    int fd = -1;                               // the bus socket
    std::uint32_t events = 0;                  // poll(2) events for fd
    std::uint64_t deadline_usec = UINT64_MAX;  // CLOCK_MONOTONIC; UINT64_MAX: none
    int event_fd = -1;                         // poll for POLLIN too; -1: none (1.x)
};

inline PollData poll_data(const sdbus::IConnection& bus) {
    const sdbus::IConnection::PollData p = bus.getEventLoopPollData();
    PollData out;
    out.fd = p.fd;
    // poll(2) and epoll share the values of IN/OUT/ERR/HUP.
    out.events = static_cast<std::uint32_t>(static_cast<std::uint16_t>(p.events));
#if MULTI6D_SDBUSCPP_V2
    out.deadline_usec = p.timeout == std::chrono::microseconds::max()
                            ? UINT64_MAX
                            : static_cast<std::uint64_t>(p.timeout.count());
    out.event_fd = p.eventFd;
#else
    out.deadline_usec = p.timeout_usec;
#endif
    return out;
}

// One step of sd_bus_process(); false when nothing was pending.
inline bool process_pending(sdbus::IConnection& bus) {
#if MULTI6D_SDBUSCPP_V2
    return bus.processPendingEvent();
#else
    return bus.processPendingRequest();
#endif
}

// The unique name of the sender of the call `object` is handling ("" if none).
inline std::string current_sender(const sdbus::IObject& object) {
#if MULTI6D_SDBUSCPP_V2
    const char* sender = object.getCurrentlyProcessedMessage().getSender();
    return sender != nullptr ? std::string(sender) : std::string();
#else
    const sdbus::Message* message = object.getCurrentlyProcessedMessage();
    return message != nullptr ? message->getSender() : std::string();
#endif
}

// The uid of the sender of the call `object` is handling: one round trip to
// the bus (sd_bus_query_sender_creds). Throws sdbus::Error when the bus
// cannot say, or when no call is being handled.
inline uid_t current_sender_uid(const sdbus::IObject& object) {
#if MULTI6D_SDBUSCPP_V2
    return object.getCurrentlyProcessedMessage().getCredsUid();
#else
    const sdbus::Message* message = object.getCurrentlyProcessedMessage();
    if (message == nullptr) {
        throw make_error("org.freedesktop.DBus.Error.Failed", "no call is being handled");
    }
    return message->getCredsUid();
#endif
}

// The unique name of the sender of the message `proxy` is handling (a
// signal, in a handler), "" if none.
inline std::string current_sender(const sdbus::IProxy& proxy) {
#if MULTI6D_SDBUSCPP_V2
    const char* sender = proxy.getCurrentlyProcessedMessage().getSender();
    return sender != nullptr ? std::string(sender) : std::string();
#else
    const sdbus::Message* message = proxy.getCurrentlyProcessedMessage();
    return message != nullptr ? message->getSender() : std::string();
#endif
}

// A generated adaptor (sdbus-c++-xml2cpp) over `object`; the derived class
// calls register_adaptor() once it can serve calls.
template <typename Generated>
class Adaptor : public Generated {
  protected:
    explicit Adaptor(sdbus::IObject& object) : Generated(object), object_(object) {}
    ~Adaptor() = default;  // protected, as the generated one: never deleted through a base
    Adaptor(const Adaptor&) = delete;
    Adaptor& operator=(const Adaptor&) = delete;

    void register_adaptor() {
#if MULTI6D_SDBUSCPP_V2
        Generated::registerAdaptor();
#else
        object_.finishRegistration();
#endif
    }

  private:
    sdbus::IObject& object_;
};

}  // namespace multi6d::sdbus_compat
