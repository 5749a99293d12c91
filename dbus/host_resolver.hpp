// Name resolution that never blocks the event loop (RankHost).
//
// libsystemd 252 does not ship sd-resolve publicly, and getaddrinfo() blocks,
// so lookups run on at most `max_threads` short-lived worker threads (started
// when there is work, gone when there is none: no idle wake-ups) and results
// come back to the loop through an eventfd. Callbacks run on the loop thread
// only; the workers touch nothing but the shared queue.
#pragma once

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

class HostResolver {
  public:
    using Callback = std::function<void(ResolveOutcome)>;

    explicit HostResolver(EventLoop& loop, ResolveFunction resolve = {},
                          std::size_t max_pending = 16, std::size_t max_threads = 2);
    // Pending callbacks are dropped; lookups still running finish on their
    // threads and are discarded.
    ~HostResolver();
    HostResolver(const HostResolver&) = delete;
    HostResolver& operator=(const HostResolver&) = delete;

    // Queues a lookup; `done` runs later on the loop thread, never from
    // inside this call. False (and `done` never runs) when max_pending
    // lookups are in flight already.
    bool resolve(std::string host, Callback done);
    std::size_t pending() const { return callbacks_.size(); }

  private:
    struct Shared;
    void on_ready();

    std::shared_ptr<Shared> shared_;
    std::map<std::uint64_t, Callback> callbacks_;
    std::uint64_t next_id_ = 1;
    std::size_t max_pending_;
    EventSource ready_;
};

}  // namespace multi6d::dbus
