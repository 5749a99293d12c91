#include "probe_schedule.hpp"

#include <algorithm>

namespace multi6d {

namespace {

using std::chrono::milliseconds;

// Every kRouterEvery-th steady probe goes to the router.
constexpr std::uint64_t kRouterEvery = 8;
// Steady gaps are interval · (1 ± kJitter); the first probe within interval · kJitter.
constexpr double kJitter = 0.1;
// RFC 6298 §2.3: RTO = SRTT + max(G, K·RTTVAR); G, the clock granularity,
// taken as 10 ms so a very steady RTT does not make every late reply suspect.
constexpr Clock::duration kGranularity = milliseconds(10);
constexpr Clock::duration kFastestReprobe = milliseconds(100);

Clock::duration reprobe_delay(Clock::duration interval, Clock::duration timeout,
                              const std::optional<RttEstimate>& rtt) {
    const Clock::duration high = timeout;
    const Clock::duration low = std::min({interval, kFastestReprobe, high});
    if (!rtt) {
        return low;
    }
    const Clock::duration rto = rtt->srtt + std::max(kGranularity, 4 * rtt->rttvar);
    return std::clamp(rto, low, high);
}

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

Clock::duration reprobe_after(const ProbeSettings& settings,
                              const std::optional<RttEstimate>& rtt) {
    return reprobe_delay(settings.interval, settings.timeout, rtt);
}

ProbeScheduler::ProbeScheduler(const ProbeSettings& settings, TimePoint start, Random random)
    : interval_(std::max<Clock::duration>(settings.interval, milliseconds(1))),
      timeout_(settings.timeout),
      random_(std::move(random)),
      cap_(settings.max_rate_per_path) {
    start_due_ = start + scaled(interval_, kJitter * random_());
}

Clock::duration ProbeScheduler::reprobe_after(const std::optional<RttEstimate>& rtt) const {
    return reprobe_delay(interval_, timeout_, rtt);
}

Clock::duration ProbeScheduler::draw_gap() {
    return scaled(interval_, 1.0 - kJitter + 2 * kJitter * random_());
}

TimePoint ProbeScheduler::next_due(const std::optional<RttEstimate>& rtt) const {
    if (sent_ == 0) {
        return cap_.earliest(start_due_);
    }
    TimePoint due = last_sent_ + gap_;
    if (!answered_) {
        due = std::min(due, last_sent_ + reprobe_after(rtt));
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

void ProbeScheduler::record_sent(std::uint16_t seq, TimePoint now) {
    if (!suspicious()) {
        ++steady_sent_;
    }
    ++sent_;
    last_sent_ = now;
    last_seq_ = seq;
    answered_ = false;
    gap_ = draw_gap();
    cap_.record(now);
}

void ProbeScheduler::record_reply(std::uint16_t seq) {
    if (sent_ > 0 && seq == last_seq_) {
        answered_ = true;
    }
}

}  // namespace multi6d
