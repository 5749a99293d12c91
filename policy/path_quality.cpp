#include "path_quality.hpp"

#include <algorithm>
#include <cstdio>

namespace multi6d {

namespace {

std::size_t index_of(ProbeTargetKind kind) {
    return kind == ProbeTargetKind::Router ? 0 : 1;
}

// "12.3 ms"
std::string format_ms(Clock::duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f ms",
                  std::chrono::duration<double, std::milli>(d).count());
    return text;
}

// "5%", "0.25%"
std::string format_percent(double ratio) {
    char text[32];
    std::snprintf(text, sizeof text, "%g%%", ratio * 100);
    return text;
}

// "3.2 s"
std::string format_s(Clock::duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(d).count());
    return text;
}

// Rounded to the nearest whole percent.
unsigned percent(unsigned part, unsigned whole) {
    return whole == 0 ? 0 : (part * 200 + whole) / (2 * whole);
}

// RFC 6298 §2.2 (first sample) and §2.3 (later samples), α = 1/8, β = 1/4.
void add_sample(std::optional<RttEstimate>& estimate, Clock::duration rtt) {
    if (rtt < Clock::duration::zero()) {
        rtt = Clock::duration::zero();
    }
    if (!estimate) {
        estimate = RttEstimate{rtt, rtt / 2, rtt, 1};
        return;
    }
    RttEstimate& e = *estimate;
    const Clock::duration error = e.srtt > rtt ? e.srtt - rtt : rtt - e.srtt;
    e.rttvar = e.rttvar - e.rttvar / 4 + error / 4;
    e.srtt = e.srtt - e.srtt / 8 + rtt / 8;
    e.min = std::min(e.min, rtt);
    ++e.samples;
}

}  // namespace

std::string_view health_name(PathHealth health) {
    switch (health) {
        case PathHealth::Unknown:
            return "unknown";
        case PathHealth::Up:
            return "up";
        case PathHealth::Degraded:
            return "degraded";
        case PathHealth::Down:
            return "down";
    }
    return "unknown";
}

void PathMonitor::LossWindow::push(Outcome outcome, unsigned size) {
    outcomes.push_back(outcome);
    losses += outcome.lost ? 1 : 0;
    trim(size);
}

void PathMonitor::LossWindow::trim(unsigned size) {
    while (outcomes.size() > size) {
        losses -= outcomes.front().lost ? 1 : 0;
        outcomes.pop_front();
    }
}

void PathMonitor::LossWindow::drop_losses_since(TimePoint since) {
    std::erase_if(outcomes, [&](const Outcome& o) { return o.lost && o.at >= since; });
    losses = static_cast<unsigned>(
        std::count_if(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.lost; }));
}

PathMonitor::PathMonitor(const ProbeSettings& settings) {
    reconfigure(settings);
}

void PathMonitor::reconfigure(const ProbeSettings& settings) {
    rules_.down_after = std::max(1U, settings.down_after);
    rules_.up_after = std::max(1U, settings.up_after);
    rules_.up_after_duration = settings.up_after_duration;
    rules_.loss_window = std::max(1U, settings.loss_window);
    rules_.degraded_loss_percent = settings.degraded_loss_percent;
    rules_.degraded_rtt = settings.degraded_rtt;
    if (tests_[0].sprt.parameters().p1 != loss_test_parameters(rules_.degraded_loss_percent).p1) {
        reset_loss_tests();  // new hypotheses: the old sums mean nothing
    }
    for (auto& w : windows_) {
        w.trim(rules_.loss_window);
    }
    while (recent_losses_.size() > memory_size()) {
        recent_losses_.pop_front();
    }
}

std::optional<RttEstimate> PathMonitor::rtt() const {
    const auto& upstream = rtt_[index_of(ProbeTargetKind::Upstream)];
    return upstream ? upstream : rtt_[index_of(ProbeTargetKind::Router)];
}

std::optional<RttEstimate> PathMonitor::rtt(ProbeTargetKind kind) const {
    return rtt_[index_of(kind)];
}

// Enough for down_after remembered losses besides a streak that is still
// short of down (at most 2·down_after).
std::size_t PathMonitor::memory_size() const {
    return 3 * std::size_t{rules_.down_after};
}

void PathMonitor::reset_loss_tests() {
    for (auto& t : tests_) {
        t = LossTest{LossSprt(loss_test_parameters(rules_.degraded_loss_percent)), false, {}};
    }
}

const PathMonitor::LossTest& PathMonitor::loss_test() const {
    return tests_[index_of(upstream_seen_ ? ProbeTargetKind::Upstream : ProbeTargetKind::Router)];
}

const PathMonitor::LossWindow& PathMonitor::window() const {
    return windows_[index_of(upstream_seen_ ? ProbeTargetKind::Upstream : ProbeTargetKind::Router)];
}

double PathMonitor::loss_ratio() const {
    const auto& w = window();
    return w.outcomes.empty() ? 0.0 : static_cast<double>(w.losses) / w.outcomes.size();
}

unsigned PathMonitor::losses_for_down(TimePoint now) const {
    const auto since = now - kLossMemory;
    const auto remembered = std::count_if(recent_losses_.begin(), recent_losses_.end(),
                                          [&](TimePoint t) { return t > since; });
    return rules_.down_after + std::min(static_cast<unsigned>(remembered), rules_.down_after);
}

void PathMonitor::push_outcome(ProbeTargetKind kind, bool lost, TimePoint now) {
    upstream_seen_ = upstream_seen_ || kind == ProbeTargetKind::Upstream;
    if (state_ == PathHealth::Down) {
        return;  // frozen: an outage is not the path's quality
    }
    windows_[index_of(kind)].push(Outcome{now, lost}, rules_.loss_window);
    LossTest& test = tests_[index_of(kind)];
    const unsigned samples = test.sprt.samples() + 1;
    const unsigned losses = test.sprt.losses() + (lost ? 1 : 0);
    switch (test.sprt.add(lost)) {
        case LossSprt::Verdict::Lossy:
            test.lossy = true;
            test.verdict = std::to_string(losses) + " of " + std::to_string(samples) +
                           " probes lost: sequential test says loss ≥ " +
                           std::to_string(rules_.degraded_loss_percent) + "%";
            break;
        case LossSprt::Verdict::Acceptable:
            test.lossy = false;
            test.verdict = std::to_string(losses) + " of " + std::to_string(samples) +
                           " probes lost: sequential test says loss ≤ " +
                           format_percent(test.sprt.parameters().p0);
            break;
        case LossSprt::Verdict::Continue:
            break;
    }
    if (lost) {
        recent_losses_.push_back(now);
        if (recent_losses_.size() > memory_size()) {
            recent_losses_.pop_front();
        }
    }
}

void PathMonitor::bump(Streak& streak, TimePoint now) const {
    if (streak.count == 0) {
        streak.needed = losses_for_down(now);
        streak.started = now;
        streak.tests_before = tests_;
    }
    ++streak.count;
}

// Loss over the window at or above the threshold; the denominator is the
// full window (unseen outcomes count as replies).
bool PathMonitor::loss_bad() const {
    return loss_test().lossy;
}

// Strictly below half the threshold.
bool PathMonitor::loss_good() const {
    return !loss_test().lossy;
}

bool PathMonitor::rtt_bad() const {
    const auto estimate = rtt();
    return rules_.degraded_rtt > Clock::duration::zero() && estimate &&
           estimate->srtt > rules_.degraded_rtt;
}

bool PathMonitor::rtt_good() const {
    const auto estimate = rtt();
    return rules_.degraded_rtt <= Clock::duration::zero() || !estimate ||
           estimate->srtt * 4 <= rules_.degraded_rtt * 3;
}

std::optional<HealthTransition> PathMonitor::change(PathHealth to, TimePoint now,
                                                    std::string reason) {
    HealthTransition t{state_, to, now, std::move(reason)};
    state_ = to;
    ++state_changes_;
    degraded_hold_ = 0;
    return t;
}

std::string PathMonitor::loss_text() const {
    return "loss " + std::to_string(percent(window().losses, rules_.loss_window)) +
           "% over the last " + std::to_string(rules_.loss_window) + " probes";
}

std::string PathMonitor::degraded_text() const {
    std::string reason;
    if (loss_bad()) {
        reason = loss_test().verdict;
    }
    if (rtt_bad()) {
        reason += (reason.empty() ? "" : ", ") + std::string("smoothed RTT ") +
                  format_ms(rtt()->srtt) + " > " + format_ms(rules_.degraded_rtt);
    }
    return reason;
}

std::optional<HealthTransition> PathMonitor::record_reply(ProbeTargetKind kind,
                                                          const Address& target,
                                                          Clock::duration rtt, TimePoint now) {
    add_sample(rtt_[index_of(kind)], rtt);
    if (!ever_replied_ && state_ == PathHealth::Unknown) {
        // Losses before a new path's first reply are set-up, not quality.
        for (auto& w : windows_) {
            w.clear();
        }
        reset_loss_tests();
        recent_losses_.clear();
    }
    push_outcome(kind, false, now);
    any_streak_ = {};
    if (kind == ProbeTargetKind::Upstream) {
        upstream_streak_ = {};
    }
    if (successes_ == 0) {
        first_success_ = now;
    }
    ++successes_;
    if (!ever_replied_) {
        ever_replied_ = true;
        if (state_ == PathHealth::Unknown) {
            return change(PathHealth::Up, now,
                          "first reply, from " + target.to_string() + " in " + format_ms(rtt));
        }
    }
    if (state_ == PathHealth::Down && successes_ >= rules_.up_after &&
        now - first_success_ >= rules_.up_after_duration) {
        upstream_streak_ = {};
        std::string reason =
            std::to_string(successes_) + " replies in a row over " + format_s(now - first_success_);
        if (loss_bad() || rtt_bad()) {
            return change(PathHealth::Degraded, now, reason + ", but " + degraded_text());
        }
        return change(PathHealth::Up, now, reason);
    }
    return after_outcome(now);
}

void PathMonitor::record_late_reply(ProbeTargetKind kind, Clock::duration rtt) {
    add_sample(rtt_[index_of(kind)], rtt);
    if (state_ == PathHealth::Down) {
        return;
    }
    any_streak_ = {};
    if (kind == ProbeTargetKind::Upstream) {
        upstream_streak_ = {};
    }
}

std::optional<HealthTransition> PathMonitor::record_loss(ProbeTargetKind kind,
                                                         const Address& target, TimePoint now) {
    successes_ = 0;
    bump(any_streak_, now);
    if (kind == ProbeTargetKind::Upstream) {
        bump(upstream_streak_, now);
    }
    push_outcome(kind, true, now);
    if (auto t = after_loss(kind, target, now)) {
        return t;
    }
    return after_outcome(now);
}

std::optional<HealthTransition> PathMonitor::go_down(const Streak& streak, TimePoint now,
                                                     std::string reason) {
    // The streak's losses are the outage, not the path's quality.
    for (auto& w : windows_) {
        w.drop_losses_since(streak.started);
    }
    std::erase_if(recent_losses_, [&](TimePoint t) { return t >= streak.started; });
    if (streak.tests_before) {
        tests_ = *streak.tests_before;
    }
    return change(PathHealth::Down, now, std::move(reason));
}

std::optional<HealthTransition> PathMonitor::after_loss(ProbeTargetKind kind, const Address& target,
                                                        TimePoint now) {
    if (state_ == PathHealth::Down) {
        return std::nullopt;
    }
    const std::string last = " (last to " + target.to_string() + ")";
    if (!ever_replied_) {
        // Down needs evidence: timeouts alone never take a path that has
        // not answered yet down (policy/path_evidence.hpp judges it).
        return std::nullopt;
    }
    if (kind == ProbeTargetKind::Upstream && upstream_streak_.count >= upstream_streak_.needed) {
        return go_down(
            upstream_streak_, now,
            std::to_string(upstream_streak_.count) + " upstream probes lost in a row" + last);
    }
    if (any_streak_.count >= any_streak_.needed) {
        return go_down(
            any_streak_, now,
            std::to_string(any_streak_.count) + " probes lost in a row, none answered" + last);
    }
    return std::nullopt;
}

// The up ↔ degraded rules, after every outcome.
std::optional<HealthTransition> PathMonitor::after_outcome(TimePoint now) {
    if (state_ == PathHealth::Up) {
        // The loss test decides at once (its error rates are its own);
        // the RTT condition must hold for loss_window outcomes in a row.
        degraded_hold_ = rtt_bad() ? degraded_hold_ + 1 : 0;
        if (!loss_bad() && degraded_hold_ < rules_.loss_window) {
            return std::nullopt;
        }
        return change(PathHealth::Degraded, now, degraded_text());
    }
    if (state_ == PathHealth::Degraded && loss_good() && rtt_good()) {
        std::string reason = loss_test().verdict.empty() ? loss_text() : loss_test().verdict;
        if (rules_.degraded_rtt > Clock::duration::zero() && rtt()) {
            reason += ", smoothed RTT " + format_ms(rtt()->srtt) + " ≤ " +
                      format_ms(rules_.degraded_rtt * 3 / 4);
        }
        return change(PathHealth::Up, now, reason);
    }
    return std::nullopt;
}

}  // namespace multi6d
