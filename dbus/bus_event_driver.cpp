#include "bus_event_driver.hpp"

#include <sdbus-c++/Error.h>

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
            if (!bus_.processPendingRequest()) {
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
    sdbus::IConnection::PollData poll{};
    try {
        poll = bus_.getEventLoopPollData();
    } catch (const sdbus::Error& e) {
        fail(e.getMessage());
        return;
    }
    // poll(2) and epoll share the values of IN/OUT/ERR/HUP.
    const auto events = static_cast<std::uint32_t>(static_cast<std::uint16_t>(poll.events));
    if (poll.fd != fd_ || events != events_ || !io_) {
        io_.reset();  // one epoll registration per fd: drop the old one first
        io_ = loop_.add_io(poll.fd, events, [this](std::uint32_t) { process(); });
        fd_ = poll.fd;
        events_ = events;
    }
    if (poll.timeout_usec != deadline_usec_ || (poll.timeout_usec != UINT64_MAX && !timer_)) {
        deadline_usec_ = poll.timeout_usec;
        if (poll.timeout_usec == UINT64_MAX) {
            timer_.reset();
        } else {
            const MonotonicTime deadline{std::chrono::microseconds(poll.timeout_usec)};
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
    timer_.reset();
    const std::string message = "D-Bus connection failed: " + what;
    if (!on_failure_) {
        throw std::runtime_error(message);
    }
    on_failure_(message);
}

}  // namespace multi6d::dbus
