// Name resolution that never blocks the event loop (RankHost).
//
// libsystemd 252 does not ship sd-resolve publicly, and getaddrinfo() blocks
// and cannot be cancelled, so each lookup runs on a short-lived worker
// thread of its own (none when there is no work: no idle wake-ups) and its
// result comes back to the loop through an eventfd. Callbacks run on the
// loop thread only; the workers touch nothing but the shared state.
//
// Any local user may call RankHost, so lookups are bounded per caller: a
// user whose names never resolve holds at most `per_caller` pending answers
// and `per_caller_running` threads, while every other caller's lookup gets
// a thread of its own at once (multi6d-dbus(5), RankHost). A lookup that
// takes longer than `timeout` is answered with an error and its slot freed;
// the thread, which cannot be stopped, still counts until getaddrinfo()
// returns. A caller that leaves the bus has its pending answers dropped at
// once (forget_connection()).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "address.hpp"
#include "event_loop.hpp"

namespace multi6d::dbus {

struct ResolveOutcome {
    std::vector<Address> addresses;  // in resolver order, without repeats
    std::string error;               // empty on success (then addresses is not empty)
};

// Runs on a worker thread; must be thread-safe.
using ResolveFunction = std::function<ResolveOutcome(const std::string& host)>;

// getaddrinfo(host, AF_UNSPEC) as the host's NSS configuration says;
// IPv4 results as ::ffff:a.b.c.d; at most `limit` addresses.
ResolveOutcome resolve_with_getaddrinfo(const std::string& host, std::size_t limit = 64);

struct ResolverLimits {
    std::size_t per_caller = 4;          // answers one caller may wait for
    std::size_t per_caller_running = 8;  // threads one caller's lookups may occupy
    std::size_t total_running = 64;      // threads of all callers together
    // Far longer than a name server that answers takes, shorter than the
    // 25 s a D-Bus client waits by default, so the caller gets an answer.
    std::chrono::milliseconds timeout{10000};
};

class HostResolver {
  public:
    using Callback = std::function<void(ResolveOutcome)>;

    explicit HostResolver(EventLoop& loop, ResolveFunction resolve = {},
                          ResolverLimits limits = {});
    // Pending callbacks are dropped; lookups still running finish on their
    // threads and are discarded.
    ~HostResolver();
    HostResolver(const HostResolver&) = delete;
    HostResolver& operator=(const HostResolver&) = delete;

    enum class Queued { yes, caller_busy, all_busy };
    // Queues a lookup for `caller` (the key the limits count by, e.g.
    // "uid 1000") made over bus connection `connection` (its unique name);
    // `done` runs later on the loop thread, never from inside this call, and
    // only if the answer was queued (Queued::yes).
    Queued resolve(std::string host, const std::string& caller, const std::string& connection,
                   Callback done);
    // The connection left the bus: its pending answers are dropped and
    // their slots freed now.
    void forget_connection(const std::string& connection);

    std::size_t pending() const { return pending_.size(); }
    std::size_t pending_for(const std::string& caller) const;

  private:
    struct Shared;
    struct Pending {
        std::string caller;
        std::string connection;
        Callback done;
        EventSource timeout;
    };
    void on_ready();
    void on_timeout(std::uint64_t id);

    EventLoop& loop_;
    ResolverLimits limits_;
    std::shared_ptr<Shared> shared_;
    std::map<std::uint64_t, Pending> pending_;
    std::uint64_t next_id_ = 1;
    EventSource ready_;
};

}  // namespace multi6d::dbus
