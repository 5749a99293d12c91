// The daemon's one event loop: a thin RAII layer over sd-event (sd-event(3)),
// which drives netlink, the ICMPv6 socket, D-Bus, timers and signals, and
// sends the systemd watchdog keep-alive when WATCHDOG_USEC is set.
#pragma once

#include <systemd/sd-event.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace multi6d {

using MonotonicTime = std::chrono::steady_clock::time_point;

// An event source; removing it from the loop is destroying the handle.
class EventSource {
  public:
    EventSource() = default;
    ~EventSource();
    EventSource(EventSource&& other) noexcept;
    EventSource& operator=(EventSource&& other) noexcept;
    EventSource(const EventSource&) = delete;
    EventSource& operator=(const EventSource&) = delete;

    explicit operator bool() const { return source_ != nullptr; }
    void reset();

    // What the loop calls; kept alive by the handle.
    struct Callback {
        std::function<void(std::uint32_t)> on_io;
        std::function<void()> on_event;
    };

  private:
    friend class EventLoop;
    EventSource(sd_event_source* source, std::unique_ptr<Callback> callback);
    sd_event_source* source_ = nullptr;
    std::unique_ptr<Callback> callback_;
};

class EventLoop {
  public:
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // `callback(revents)` runs while fd has any of `events` (EPOLLIN, ...).
    EventSource add_io(int fd, std::uint32_t events, std::function<void(std::uint32_t)> callback);
    // One-shot timer on CLOCK_MONOTONIC (same clock as steady_clock on Linux).
    EventSource add_timer(MonotonicTime deadline, std::function<void()> callback);
    // Blocks the signal and delivers it through the loop (signalfd).
    EventSource add_signal(int signal, std::function<void()> callback);
    // Runs once when the loop is next idle (coalesces bursts of changes).
    EventSource add_defer(std::function<void()> callback);

    // Ask sd-event to send WATCHDOG=1 at half of WATCHDOG_USEC, if set.
    void enable_watchdog();

    int run();  // until exit(); returns the exit code
    void exit(int code);
    MonotonicTime now() const;  // the loop's cached time for this iteration

    sd_event* raw() const { return event_; }

  private:
    sd_event* event_ = nullptr;
};

}  // namespace multi6d
