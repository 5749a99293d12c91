// Exponential back-off for retrying what failed: the first retry after
// `first`, each further one after twice the previous delay, never more than
// `max`; a success resets it. The daemon retries a failed kernel apply and
// BusService a lost system bus this way (1 s doubling to 60 s), so a
// persistent failure costs one attempt a minute, not a busy loop.
#pragma once

#include <algorithm>
#include <chrono>

namespace multi6d {

class Backoff {
  public:
    constexpr Backoff(std::chrono::milliseconds first, std::chrono::milliseconds max)
        : first_(first), max_(max) {}

    // One more failure: the delay before the next attempt.
    std::chrono::milliseconds next() {
        delay_ = delay_.count() == 0 ? first_ : std::min(delay_ * 2, max_);
        return delay_;
    }
    // A success: the next failure starts again at `first`.
    void reset() { delay_ = {}; }
    // What next() last returned; zero when there was no failure since the
    // last reset().
    std::chrono::milliseconds current() const { return delay_; }

  private:
    std::chrono::milliseconds first_;
    std::chrono::milliseconds max_;
    std::chrono::milliseconds delay_{0};
};

}  // namespace multi6d
