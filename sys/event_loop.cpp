#include "event_loop.hpp"

#include <time.h>

#include <algorithm>
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

// One sd-event source and the callback it runs; destroying it removes the
// source. Heap-allocated, so sd-event's userdata pointer stays valid while
// the EventSource that owns it moves.
struct SdSource final : EventSource::Handle {
    sd_event_source* source = nullptr;
    std::function<void(std::uint32_t)> on_io;
    std::function<void()> on_event;
    ~SdSource() override {
        if (source != nullptr) {
            // Disable first: a source may be reset from inside its own callback.
            sd_event_source_set_enabled(source, SD_EVENT_OFF);
            sd_event_source_unref(source);
        }
    }
};

// A lazy timer (EventLoop::add_lazy_timer): a post source, which sd-event
// dispatches after any other source was dispatched in an iteration, runs
// the callback once the iteration's time has reached `earliest`; a timer at
// `latest` is the backstop when nothing else wakes the loop. One-shot: the
// first of the two to run disables both.
struct SdLazySource final : EventSource::Handle {
    sd_event_source* post = nullptr;
    sd_event_source* backstop = nullptr;
    std::uint64_t earliest_usec = 0;
    std::function<void()> on_event;
    ~SdLazySource() override {
        for (sd_event_source* s : {post, backstop}) {
            if (s != nullptr) {
                sd_event_source_set_enabled(s, SD_EVENT_OFF);
                sd_event_source_unref(s);
            }
        }
    }
    void disable() const {
        sd_event_source_set_enabled(post, SD_EVENT_OFF);
        sd_event_source_set_enabled(backstop, SD_EVENT_OFF);
    }
};

// Handlers call a copy of the callback: a callback may replace or destroy its
// own EventSource (re-arming a timer does), which frees the original.
int io_handler(sd_event_source* source, int, std::uint32_t revents, void* userdata) {
    auto callback = static_cast<SdSource*>(userdata)->on_io;
    return guarded(source, [&] { callback(revents); });
}

int time_handler(sd_event_source* source, std::uint64_t, void* userdata) {
    auto callback = static_cast<SdSource*>(userdata)->on_event;
    return guarded(source, [&] { callback(); });
}

int signal_handler(sd_event_source* source, const signalfd_siginfo*, void* userdata) {
    auto callback = static_cast<SdSource*>(userdata)->on_event;
    return guarded(source, [&] { callback(); });
}

int defer_handler(sd_event_source* source, void* userdata) {
    auto callback = static_cast<SdSource*>(userdata)->on_event;
    return guarded(source, [&] { callback(); });
}

int lazy_post_handler(sd_event_source* source, void* userdata) {
    auto* lazy = static_cast<SdLazySource*>(userdata);
    std::uint64_t now = 0;
    sd_event_now(sd_event_source_get_event(source), CLOCK_MONOTONIC, &now);
    if (now < lazy->earliest_usec) {
        return 0;
    }
    lazy->disable();
    auto callback = lazy->on_event;
    return guarded(source, [&] { callback(); });
}

int lazy_backstop_handler(sd_event_source* source, std::uint64_t, void* userdata) {
    auto* lazy = static_cast<SdLazySource*>(userdata);
    lazy->disable();
    auto callback = lazy->on_event;
    return guarded(source, [&] { callback(); });
}

std::uint64_t to_usec(MonotonicTime t) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch());
    return us.count() < 0 ? 0 : static_cast<std::uint64_t>(us.count());
}

}  // namespace

SdEventLoop::SdEventLoop() {
    if (const int r = sd_event_new(&event_); r < 0) {
        fail("sd_event_new", r);
    }
}

SdEventLoop::~SdEventLoop() {
    sd_event_unref(event_);
}

EventSource SdEventLoop::add_io(int fd, std::uint32_t events,
                                std::function<void(std::uint32_t)> callback) {
    auto cb = std::make_unique<SdSource>();
    cb->on_io = std::move(callback);
    if (const int r = sd_event_add_io(event_, &cb->source, fd, events, io_handler, cb.get());
        r < 0) {
        fail("add io source", r);
    }
    return EventSource(std::move(cb));
}

EventSource SdEventLoop::add_timer(MonotonicTime deadline, std::function<void()> callback) {
    auto cb = std::make_unique<SdSource>();
    cb->on_event = std::move(callback);
    // 1 ms accuracy: timers here are lifetimes and probe schedules; sd-event
    // may coalesce wake-ups within that window.
    if (const int r = sd_event_add_time(event_, &cb->source, CLOCK_MONOTONIC, to_usec(deadline),
                                        1000, time_handler, cb.get());
        r < 0) {
        fail("add timer", r);
    }
    return EventSource(std::move(cb));
}

EventSource SdEventLoop::add_lazy_timer(MonotonicTime earliest, MonotonicTime latest,
                                        std::function<void()> callback) {
    auto cb = std::make_unique<SdLazySource>();
    cb->on_event = std::move(callback);
    cb->earliest_usec = to_usec(earliest);
    if (const int r = sd_event_add_post(event_, &cb->post, lazy_post_handler, cb.get()); r < 0) {
        fail("add lazy timer", r);
    }
    if (const int r = sd_event_add_time(event_, &cb->backstop, CLOCK_MONOTONIC,
                                        std::max(to_usec(latest), cb->earliest_usec), 1000,
                                        lazy_backstop_handler, cb.get());
        r < 0) {
        fail("add lazy timer", r);
    }
    return EventSource(std::move(cb));
}

EventSource SdEventLoop::add_signal(int signal, std::function<void()> callback) {
    auto cb = std::make_unique<SdSource>();
    cb->on_event = std::move(callback);
    if (const int r = sd_event_add_signal(event_, &cb->source, signal | SD_EVENT_SIGNAL_PROCMASK,
                                          signal_handler, cb.get());
        r < 0) {
        fail("add signal", r);
    }
    return EventSource(std::move(cb));
}

EventSource SdEventLoop::add_defer(std::function<void()> callback) {
    auto cb = std::make_unique<SdSource>();
    cb->on_event = std::move(callback);
    if (const int r = sd_event_add_defer(event_, &cb->source, defer_handler, cb.get()); r < 0) {
        fail("add defer", r);
    }
    sd_event_source_set_enabled(cb->source, SD_EVENT_ONESHOT);
    return EventSource(std::move(cb));
}

void SdEventLoop::enable_watchdog() {
    sd_event_set_watchdog(event_, 1);
}

int SdEventLoop::run() {
    const int r = sd_event_loop(event_);
    if (r < 0) {
        fail("run", r);
    }
    return r;
}

void SdEventLoop::exit(int code) {
    sd_event_exit(event_, code);
}

MonotonicTime SdEventLoop::now() const {
    std::uint64_t usec = 0;
    sd_event_now(event_, CLOCK_MONOTONIC, &usec);
    return MonotonicTime(std::chrono::microseconds(usec));
}

}  // namespace multi6d
