#include "event_loop.hpp"

#include <time.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>
#include "log.hpp"

namespace multi6d {

namespace {

[[noreturn]] void fail(const char* what, int r) {
    throw std::runtime_error(std::string("event loop: ") + what + ": " + std::strerror(-r));
}

// An exception must not unwind through sd-event's C frames: log it and end
// the loop with a failure, so the daemon's cleanup still runs.
template <typename Call>
int guarded(sd_event_source* source, Call call) {
    try {
        call();
        return 0;
    } catch (const std::exception& e) {
        log::error(std::string("internal error: ") + e.what());
    } catch (...) {
        log::error("internal error: unknown exception");
    }
    sd_event_exit(sd_event_source_get_event(source), 1);
    return 0;
}

// Handlers call a copy of the callback: a callback may replace or destroy its
// own EventSource (re-arming a timer does), which frees the original.
int io_handler(sd_event_source* source, int, std::uint32_t revents, void* userdata) {
    auto callback = static_cast<EventSource::Callback*>(userdata)->on_io;
    return guarded(source, [&] { callback(revents); });
}

int time_handler(sd_event_source* source, std::uint64_t, void* userdata) {
    auto callback = static_cast<EventSource::Callback*>(userdata)->on_event;
    return guarded(source, [&] { callback(); });
}

int signal_handler(sd_event_source* source, const signalfd_siginfo*, void* userdata) {
    auto callback = static_cast<EventSource::Callback*>(userdata)->on_event;
    return guarded(source, [&] { callback(); });
}

int defer_handler(sd_event_source* source, void* userdata) {
    auto callback = static_cast<EventSource::Callback*>(userdata)->on_event;
    return guarded(source, [&] { callback(); });
}

std::uint64_t to_usec(MonotonicTime t) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch());
    return us.count() < 0 ? 0 : static_cast<std::uint64_t>(us.count());
}

}  // namespace

EventSource::EventSource(sd_event_source* source, std::unique_ptr<Callback> callback)
    : source_(source), callback_(std::move(callback)) {}

EventSource::~EventSource() {
    reset();
}

EventSource::EventSource(EventSource&& other) noexcept
    : source_(other.source_), callback_(std::move(other.callback_)) {
    other.source_ = nullptr;
}

EventSource& EventSource::operator=(EventSource&& other) noexcept {
    if (this != &other) {
        reset();
        source_ = other.source_;
        callback_ = std::move(other.callback_);
        other.source_ = nullptr;
    }
    return *this;
}

void EventSource::reset() {
    if (source_ != nullptr) {
        // Disable first: a source may be reset from inside its own callback.
        sd_event_source_set_enabled(source_, SD_EVENT_OFF);
        sd_event_source_unref(source_);
        source_ = nullptr;
    }
    callback_.reset();
}

EventLoop::EventLoop() {
    if (const int r = sd_event_new(&event_); r < 0) {
        fail("sd_event_new", r);
    }
}

EventLoop::~EventLoop() {
    sd_event_unref(event_);
}

EventSource EventLoop::add_io(int fd, std::uint32_t events,
                              std::function<void(std::uint32_t)> callback) {
    auto cb = std::make_unique<EventSource::Callback>();
    cb->on_io = std::move(callback);
    sd_event_source* s = nullptr;
    if (const int r = sd_event_add_io(event_, &s, fd, events, io_handler, cb.get()); r < 0) {
        fail("add io source", r);
    }
    return EventSource(s, std::move(cb));
}

EventSource EventLoop::add_timer(MonotonicTime deadline, std::function<void()> callback) {
    auto cb = std::make_unique<EventSource::Callback>();
    cb->on_event = std::move(callback);
    sd_event_source* s = nullptr;
    // 1 ms accuracy: timers here are lifetimes and probe schedules; sd-event
    // may coalesce wake-ups within that window.
    if (const int r = sd_event_add_time(event_, &s, CLOCK_MONOTONIC, to_usec(deadline), 1000,
                                        time_handler, cb.get());
        r < 0) {
        fail("add timer", r);
    }
    return EventSource(s, std::move(cb));
}

EventSource EventLoop::add_signal(int signal, std::function<void()> callback) {
    auto cb = std::make_unique<EventSource::Callback>();
    cb->on_event = std::move(callback);
    sd_event_source* s = nullptr;
    if (const int r = sd_event_add_signal(event_, &s, signal | SD_EVENT_SIGNAL_PROCMASK,
                                          signal_handler, cb.get());
        r < 0) {
        fail("add signal", r);
    }
    return EventSource(s, std::move(cb));
}

EventSource EventLoop::add_defer(std::function<void()> callback) {
    auto cb = std::make_unique<EventSource::Callback>();
    cb->on_event = std::move(callback);
    sd_event_source* s = nullptr;
    if (const int r = sd_event_add_defer(event_, &s, defer_handler, cb.get()); r < 0) {
        fail("add defer", r);
    }
    sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
    return EventSource(s, std::move(cb));
}

void EventLoop::enable_watchdog() {
    sd_event_set_watchdog(event_, 1);
}

int EventLoop::run() {
    const int r = sd_event_loop(event_);
    if (r < 0) {
        fail("run", r);
    }
    return r;
}

void EventLoop::exit(int code) {
    sd_event_exit(event_, code);
}

MonotonicTime EventLoop::now() const {
    std::uint64_t usec = 0;
    sd_event_now(event_, CLOCK_MONOTONIC, &usec);
    return MonotonicTime(std::chrono::microseconds(usec));
}

}  // namespace multi6d
