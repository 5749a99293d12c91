// The daemon's one event loop: an interface (what the daemon and its parts
// ask of a loop) and its production implementation, a thin RAII layer over
// sd-event (sd-event(3)), which drives netlink, the ICMPv6 socket, D-Bus,
// timers and signals, and sends the systemd watchdog keep-alive when
// WATCHDOG_USEC is set. Unit tests of the daemon substitute a loop with a
// clock of their own (tests/unit/fake_loop.hpp).
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
    // What a loop keeps for one source; destroying it removes the source
    // (also from inside the source's own callback).
    class Handle {
      public:
        virtual ~Handle() = default;
    };

    EventSource() = default;
    explicit EventSource(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}

    explicit operator bool() const { return handle_ != nullptr; }
    void reset() { handle_.reset(); }

  private:
    std::unique_ptr<Handle> handle_;
};

class EventLoop {
  public:
    virtual ~EventLoop() = default;

    // `callback(revents)` runs while fd has any of `events` (EPOLLIN, ...).
    virtual EventSource add_io(int fd, std::uint32_t events,
                               std::function<void(std::uint32_t)> callback) = 0;
    // One-shot timer on CLOCK_MONOTONIC (same clock as steady_clock on Linux).
    virtual EventSource add_timer(MonotonicTime deadline, std::function<void()> callback) = 0;
    // One-shot timer that does not wake the process by itself unless it
    // must: `callback` runs at the first wake-up of the loop at or after
    // `earliest` (whatever woke it: a probe's timer, a reply, netlink), and
    // at `latest` if nothing woke it before. For periodic housekeeping,
    // which then rides on the probe schedule's wake-ups (issue 14: no
    // wake-ups beyond the probe schedule). `latest` before `earliest` is
    // taken as `earliest`.
    virtual EventSource add_lazy_timer(MonotonicTime earliest, MonotonicTime latest,
                                       std::function<void()> callback) = 0;
    // Blocks the signal and delivers it through the loop (signalfd).
    virtual EventSource add_signal(int signal, std::function<void()> callback) = 0;
    // Runs once when the loop is next idle (coalesces bursts of changes).
    virtual EventSource add_defer(std::function<void()> callback) = 0;

    // Ask the loop to send WATCHDOG=1 at half of WATCHDOG_USEC, if set.
    virtual void enable_watchdog() = 0;

    virtual int run() = 0;  // until exit(); returns the exit code
    virtual void exit(int code) = 0;
    virtual MonotonicTime now() const = 0;  // the loop's cached time for this iteration
};

class SdEventLoop final : public EventLoop {
  public:
    SdEventLoop();
    ~SdEventLoop() override;
    SdEventLoop(const SdEventLoop&) = delete;
    SdEventLoop& operator=(const SdEventLoop&) = delete;

    EventSource add_io(int fd, std::uint32_t events,
                       std::function<void(std::uint32_t)> callback) override;
    EventSource add_timer(MonotonicTime deadline, std::function<void()> callback) override;
    EventSource add_lazy_timer(MonotonicTime earliest, MonotonicTime latest,
                               std::function<void()> callback) override;
    EventSource add_signal(int signal, std::function<void()> callback) override;
    EventSource add_defer(std::function<void()> callback) override;
    void enable_watchdog() override;
    int run() override;
    void exit(int code) override;
    MonotonicTime now() const override;

    sd_event* raw() const { return event_; }

  private:
    sd_event* event_ = nullptr;
};

}  // namespace multi6d
