#include "idle_trim.hpp"

#include <malloc.h>

#include <utility>

namespace multi6d {

IdleTrim::IdleTrim(EventLoop& loop, Counter work_done, std::chrono::milliseconds period, Trim trim)
    : loop_(loop),
      work_done_(std::move(work_done)),
      period_(period),
      trim_(trim ? std::move(trim) : Trim([] { malloc_trim(0); })) {
    seen_ = work_done_();
    arm();
}

void IdleTrim::arm() {
    // Up to 10 periods late when nothing else wakes the loop: trimming is
    // never urgent, and a wake-up of its own would cost more than it saves.
    timer_ =
        loop_.add_lazy_timer(loop_.now() + period_, loop_.now() + 10 * period_, [this] { look(); });
}

void IdleTrim::look() {
    const std::uint64_t now = work_done_();
    if (now != seen_) {
        seen_ = now;
        busy_ = true;
    } else if (busy_) {
        busy_ = false;
        ++trims_;
        trim_();
    }
    arm();
}

}  // namespace multi6d
