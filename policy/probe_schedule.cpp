#include "probe_schedule.hpp"

#include <algorithm>

namespace multi6d {

namespace {

using std::chrono::milliseconds;

// Every kRouterEvery-th steady probe goes to the router.
constexpr std::uint64_t kRouterEvery = 8;
// Steady gaps are interval · (1 ± kJitter); the first probe within interval · kJitter.
constexpr double kJitter = 0.1;

Clock::duration scaled(Clock::duration d, double factor) {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double, Clock::period>(d.count() * factor));
}

}  // namespace

RateCap::RateCap(unsigned limit, Clock::duration span) : limit_(limit), span_(span) {}

TimePoint RateCap::earliest(TimePoint desired) const {
    if (limit_ == 0) {
        return TimePoint::max();
    }
    if (recent_.size() < limit_) {
        return desired;
    }
    // Once the oldest of the last `limit` events is a full span back, a new
    // event makes a window [t, t + span) hold at most `limit` of them.
    return std::max(desired, recent_.front() + span_);
}

void RateCap::record(TimePoint when) {
    if (limit_ == 0) {
        return;
    }
    recent_.push_back(when);
    while (recent_.size() > limit_) {
        recent_.pop_front();
    }
}

ProbeScheduler::ProbeScheduler(const ProbeSettings& settings, TimePoint start, Random random)
    : settings_(settings),
      interval_(std::max<Clock::duration>(settings.interval, milliseconds(1))),
      random_(std::move(random)),
      cap_(settings.max_rate_per_path) {
    start_due_ = start + scaled(interval_, kJitter * random_());
}

Clock::duration ProbeScheduler::draw_gap() {
    return scaled(interval_, 1.0 - kJitter + 2 * kJitter * random_());
}

TimePoint ProbeScheduler::next_due(bool reprobe) const {
    if (sent_ == 0) {
        return cap_.earliest(start_due_);
    }
    TimePoint due = last_sent_ + gap_;
    if (reprobe && !answered_) {
        due = std::min(due, deadline_);
    }
    return cap_.earliest(due);
}

std::optional<ProbeTargetKind> ProbeScheduler::next_kind(bool have_router,
                                                         bool have_upstream) const {
    if (!have_upstream) {
        return have_router ? std::optional(ProbeTargetKind::Router) : std::nullopt;
    }
    if (!have_router || suspicious()) {
        return ProbeTargetKind::Upstream;
    }
    return steady_sent_ % kRouterEvery == kRouterEvery - 1 ? ProbeTargetKind::Router
                                                           : ProbeTargetKind::Upstream;
}

Clock::duration ProbeScheduler::record_sent(std::uint16_t seq, TimePoint now,
                                            const std::optional<RttEstimate>& rtt) {
    Clock::duration timeout = probe_timeout(settings_, rtt);
    if (sent_ > 0 && deadline_ > now + timeout) {
        timeout = deadline_ - now;  // deadlines in send order (see the header)
    }
    if (!suspicious()) {
        ++steady_sent_;
    }
    ++sent_;
    last_sent_ = now;
    last_seq_ = seq;
    answered_ = false;
    deadline_ = now + timeout;
    gap_ = draw_gap();
    cap_.record(now);
    return timeout;
}

void ProbeScheduler::record_reply(std::uint16_t seq) {
    if (sent_ > 0 && seq == last_seq_) {
        answered_ = true;
    }
}

void ProbeScheduler::record_loss(std::uint16_t seq, TimePoint now) {
    if (sent_ > 0 && seq == last_seq_ && !answered_) {
        deadline_ = std::min(deadline_, now);
    }
}

}  // namespace multi6d
