// An EventLoop with a clock of its own, for unit tests of code that runs on
// the daemon's loop: time moves only when the test says so, io sources run
// when the test says their fd is readable, signals when it raises one.
// Deferred callbacks run before timers, as sd-event runs them when idle.
#pragma once

#include <sys/epoll.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>

#include "event_loop.hpp"

namespace multi6d::test {

class FakeLoop final : public EventLoop {
  public:
    FakeLoop() = default;
    FakeLoop(const FakeLoop&) = delete;
    FakeLoop& operator=(const FakeLoop&) = delete;

    EventSource add_io(int fd, std::uint32_t events,
                       std::function<void(std::uint32_t)> callback) override {
        Entry e;
        e.kind = Kind::Io;
        e.fd = fd;
        e.events = events;
        e.on_io = std::move(callback);
        return add(std::move(e));
    }
    EventSource add_timer(MonotonicTime deadline, std::function<void()> callback) override {
        Entry e;
        e.kind = Kind::Timer;
        e.deadline = deadline;
        e.on_event = std::move(callback);
        return add(std::move(e));
    }
    // Like sd-event's post source plus a backstop timer: due at `latest`,
    // or earlier after any other callback ran at or after `earliest`.
    EventSource add_lazy_timer(MonotonicTime earliest, MonotonicTime latest,
                               std::function<void()> callback) override {
        Entry e;
        e.kind = Kind::Timer;
        e.lazy_from = earliest;
        e.deadline = std::max(latest, earliest);
        e.on_event = std::move(callback);
        return add(std::move(e));
    }
    EventSource add_signal(int signal, std::function<void()> callback) override {
        Entry e;
        e.kind = Kind::Signal;
        e.signal = signal;
        e.on_event = std::move(callback);
        return add(std::move(e));
    }
    EventSource add_defer(std::function<void()> callback) override {
        Entry e;
        e.kind = Kind::Defer;
        e.on_event = std::move(callback);
        return add(std::move(e));
    }
    void enable_watchdog() override {}
    int run() override {
        run_until_idle();
        return exit_code_.value_or(0);
    }
    void exit(int code) override { exit_code_ = code; }
    MonotonicTime now() const override { return now_; }

    // Runs deferred callbacks and timers due now until none is left.
    void run_until_idle() {
        for (int guard = 0; guard < 100000; ++guard) {
            if (!run_one(now_)) {
                return;
            }
        }
        throw std::runtime_error("FakeLoop: callbacks keep re-arming at the same time");
    }
    // Moves the clock forward by `d`, firing every timer due on the way at
    // its own deadline.
    void advance(std::chrono::steady_clock::duration d) {
        const MonotonicTime end = now_ + d;
        run_until_idle();
        while (const auto next = earliest_timer()) {
            if (*next > end) {
                break;
            }
            now_ = std::max(now_, *next);
            run_until_idle();
        }
        now_ = end;
        run_until_idle();
    }
    // The fd's io sources run (EPOLLIN), then whatever they deferred.
    void readable(int fd) {
        for (const std::uint64_t id :
             ids_of(Kind::Io, [&](const Entry& e) { return e.fd == fd; })) {
            call(id, EPOLLIN);
        }
        run_until_idle();
    }
    void raise(int signal) {
        for (const std::uint64_t id :
             ids_of(Kind::Signal, [&](const Entry& e) { return e.signal == signal; })) {
            call(id, 0);
        }
        run_until_idle();
    }

    std::optional<int> exit_code() const { return exit_code_; }
    std::size_t timers() const {
        return ids_of(Kind::Timer, [](const Entry&) { return true; }).size();
    }
    std::optional<MonotonicTime> earliest_timer() const {
        std::optional<MonotonicTime> best;
        for (const auto& [id, e] : entries_) {
            if (e.kind == Kind::Timer && !e.spent && (!best || e.deadline < *best)) {
                best = e.deadline;
            }
        }
        return best;
    }

  private:
    enum class Kind { Io, Timer, Signal, Defer };
    struct Entry {
        Kind kind = Kind::Defer;
        int fd = -1;
        std::uint32_t events = 0;
        MonotonicTime deadline{};
        std::optional<MonotonicTime> lazy_from;  // add_lazy_timer's `earliest`
        int signal = 0;
        std::function<void(std::uint32_t)> on_io;
        std::function<void()> on_event;
        bool spent = false;
    };
    class Handle final : public EventSource::Handle {
      public:
        Handle(FakeLoop& loop, std::uint64_t id) : loop_(loop), id_(id) {}
        ~Handle() override { loop_.entries_.erase(id_); }

      private:
        FakeLoop& loop_;
        std::uint64_t id_;
    };

    EventSource add(Entry e) {
        const std::uint64_t id = next_id_++;
        entries_.emplace(id, std::move(e));
        return EventSource(std::make_unique<Handle>(*this, id));
    }
    template <typename Match>
    std::vector<std::uint64_t> ids_of(Kind kind, Match match) const {
        std::vector<std::uint64_t> ids;
        for (const auto& [id, e] : entries_) {
            if (e.kind == kind && !e.spent && match(e)) {
                ids.push_back(id);
            }
        }
        return ids;
    }
    // Calls a copy: the callback may destroy its own source.
    void call(std::uint64_t id, std::uint32_t revents) {
        const auto it = entries_.find(id);
        if (it == entries_.end()) {
            return;  // removed by an earlier callback of this round
        }
        const bool lazy = it->second.lazy_from.has_value();
        if (it->second.kind == Kind::Io) {
            auto callback = it->second.on_io;
            callback(revents);
        } else {
            auto callback = it->second.on_event;
            // Timers and deferred callbacks are one-shot: a fired one stays
            // registered (its handle removes it) but never fires again.
            it->second.spent = it->second.kind == Kind::Timer || it->second.kind == Kind::Defer;
            callback();
        }
        if (!lazy) {
            run_lazy_due();
        }
    }
    // After a callback other than a lazy timer's: the lazy timers whose
    // `earliest` has come run too (sd-event's post sources).
    void run_lazy_due() {
        for (const std::uint64_t id : ids_of(Kind::Timer, [&](const Entry& e) {
                 return e.lazy_from && *e.lazy_from <= now_;
             })) {
            call(id, 0);
        }
    }
    // One deferred callback (oldest first), else one timer due at `at`.
    bool run_one(MonotonicTime at) {
        for (const auto& [id, e] : entries_) {
            if (e.kind == Kind::Defer && !e.spent) {
                call(id, 0);
                return true;
            }
        }
        std::optional<std::uint64_t> due;
        for (const auto& [id, e] : entries_) {
            if (e.kind == Kind::Timer && !e.spent && e.deadline <= at &&
                (!due || e.deadline < entries_.at(*due).deadline)) {
                due = id;
            }
        }
        if (!due) {
            return false;
        }
        call(*due, 0);
        return true;
    }

    std::map<std::uint64_t, Entry> entries_;
    std::uint64_t next_id_ = 1;
    MonotonicTime now_ = MonotonicTime{} + std::chrono::hours(1000);
    std::optional<int> exit_code_;
};

}  // namespace multi6d::test
