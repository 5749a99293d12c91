// Runs an sdbus-c++ connection inside the daemon's one sd-event loop
// (style.md "One event loop"), with no thread of its own.
//
// sdbus-c++ 1.2 has no sd-event attach; both generations offer
// getEventLoopPollData() (the sd-bus fd, the poll events it waits for, an
// absolute CLOCK_MONOTONIC deadline and, in 2.x, an event fd) and one
// sd_bus_process step (sdbus_compat.hpp). So: io sources on the fds and a timer at the deadline
// both run process(), which handles up to a budget of messages and then re-reads the poll data and
// re-arms both sources. A deadline of "now" (sd-bus still has queued messages after the budget)
// makes the timer fire on the next loop iteration, after the loop's other sources had their turn.
#pragma once

#include <sdbus-c++/IConnection.h>

#include <cstdint>
#include <functional>
#include <string>

#include "event_loop.hpp"

namespace multi6d::dbus {

class BusEventDriver {
  public:
    // Called when sd-bus fails (e.g. the bus daemon went away); the driver
    // has stopped watching the connection by then. Empty: the error is
    // rethrown, which ends the loop (event_loop.cpp logs it).
    using FailureHandler = std::function<void(const std::string& what)>;

    BusEventDriver(EventLoop& loop, sdbus::IConnection& bus, FailureHandler on_failure = {});
    BusEventDriver(const BusEventDriver&) = delete;
    BusEventDriver& operator=(const BusEventDriver&) = delete;

    // Re-reads what sd-bus waits for and re-arms the loop's sources. process()
    // does this itself; call it after sending on the connection from outside
    // a bus callback (a signal emitted from a netlink handler, a reply
    // completed by another event source), since sd-bus may then have
    // queued output (POLLOUT) or a new method-call deadline.
    void refresh();

    // Messages handled so far (for tests and statistics).
    std::uint64_t processed() const { return processed_; }

  private:
    void process();
    void fail(const std::string& what);

    EventLoop& loop_;
    sdbus::IConnection& bus_;
    FailureHandler on_failure_;
    EventSource io_;
    EventSource event_io_;  // sdbus-c++ 2.x's event fd
    EventSource timer_;
    int fd_ = -1;
    int event_fd_ = -1;
    std::uint32_t events_ = 0;
    std::uint64_t deadline_usec_ = UINT64_MAX;  // what timer_ is armed for
    std::uint64_t processed_ = 0;
    bool failed_ = false;
};

}  // namespace multi6d::dbus
