// Gives the memory a burst of work needed back to the system once the burst
// is over (issue 14: no lasting growth after D-Bus bursts).
//
// glibc's free() keeps freed memory in the heap for the next malloc(); only
// a free block at the very top of the heap larger than M_TRIM_THRESHOLD
// (128 KiB) is returned by itself. After a burst of D-Bus calls the freed
// message buffers, reply vectors and resolver results sit inside the heap
// as free, dirty pages. malloc_trim(0) returns them (the top with brk, the
// free pages inside with MADV_DONTNEED): the process's resident set goes
// back to what it was before the burst.
//
// IdleTrim looks at a counter of work done (e.g. D-Bus calls answered)
// every `period` on a lazy timer, so it adds no wake-ups while the daemon
// probes, and trims once when the counter has moved since the look before
// the last one but not since the last one: the burst ended at least one
// period ago. A daemon that is never called never trims.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "event_loop.hpp"

namespace multi6d {

class IdleTrim {
  public:
    using Counter = std::function<std::uint64_t()>;
    using Trim = std::function<void()>;  // malloc_trim(0) unless a test says otherwise

    IdleTrim(EventLoop& loop, Counter work_done, std::chrono::milliseconds period, Trim trim = {});
    IdleTrim(const IdleTrim&) = delete;
    IdleTrim& operator=(const IdleTrim&) = delete;

    std::uint64_t trims() const { return trims_; }

  private:
    void arm();
    void look();

    EventLoop& loop_;
    Counter work_done_;
    std::chrono::milliseconds period_;
    Trim trim_;
    std::uint64_t seen_ = 0;
    bool busy_ = false;  // the counter moved since the last trim
    std::uint64_t trims_ = 0;
    EventSource timer_;
};

}  // namespace multi6d
