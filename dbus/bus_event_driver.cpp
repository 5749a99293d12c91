#include "bus_event_driver.hpp"

#include "sdbus_compat.hpp"

#include <sdbus-c++/Error.h>

#include <sys/epoll.h>

#include <chrono>
#include <stdexcept>

namespace multi6d::dbus {

namespace {

// Messages handled per wake-up before the loop's other sources get a turn.
constexpr int process_budget = 64;

}  // namespace

BusEventDriver::BusEventDriver(EventLoop& loop, sdbus::IConnection& bus, FailureHandler on_failure)
    : loop_(loop), bus_(bus), on_failure_(std::move(on_failure)) {
    refresh();
}

void BusEventDriver::process() {
    try {
        for (int budget = process_budget; budget > 0; --budget) {
            if (!sdbus_compat::process_pending(bus_)) {
                break;
            }
            ++processed_;
        }
    } catch (const sdbus::Error& e) {
        fail(e.getMessage());
        return;
    }
    refresh();
}

void BusEventDriver::refresh() {
    if (failed_) {
        return;
    }
    sdbus_compat::PollData poll;
    try {
        poll = sdbus_compat::poll_data(bus_);
    } catch (const sdbus::Error& e) {
        fail(e.getMessage());
        return;
    }
    if (poll.fd != fd_ || poll.events != events_ || !io_) {
        io_.reset();  // one epoll registration per fd: drop the old one first
        io_ = loop_.add_io(poll.fd, poll.events, [this](std::uint32_t) { process(); });
        fd_ = poll.fd;
        events_ = poll.events;
    }
    // sdbus-c++ 2.x: work queued for the connection from elsewhere (2.1:
    // large messages) is signalled on an event fd of its own.
    if (poll.event_fd != event_fd_ || (poll.event_fd >= 0 && !event_io_)) {
        event_io_.reset();
        if (poll.event_fd >= 0) {
            event_io_ = loop_.add_io(poll.event_fd, EPOLLIN, [this](std::uint32_t) { process(); });
        }
        event_fd_ = poll.event_fd;
    }
    if (poll.deadline_usec != deadline_usec_ || (poll.deadline_usec != UINT64_MAX && !timer_)) {
        deadline_usec_ = poll.deadline_usec;
        if (poll.deadline_usec == UINT64_MAX) {
            timer_.reset();
        } else {
            const MonotonicTime deadline{std::chrono::microseconds(poll.deadline_usec)};
            timer_ = loop_.add_timer(deadline, [this] {
                timer_.reset();
                deadline_usec_ = UINT64_MAX;
                process();
            });
        }
    }
}

void BusEventDriver::fail(const std::string& what) {
    failed_ = true;
    io_.reset();
    event_io_.reset();
    timer_.reset();
    const std::string message = "D-Bus connection failed: " + what;
    if (!on_failure_) {
        throw std::runtime_error(message);
    }
    on_failure_(message);
}

}  // namespace multi6d::dbus
