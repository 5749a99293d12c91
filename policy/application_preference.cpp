#include "application_preference.hpp"

#include <tuple>

namespace multi6d {

namespace {

// 0: upstream estimate, 1: the router's only, 2: no reply yet.
int rtt_kind(const PathMeasurement& m) {
    return !m.srtt ? 2 : m.upstream ? 0 : 1;
}

auto latency_key(const PathMeasurement& m) {
    return std::tuple(rtt_kind(m), m.srtt.value_or(Clock::duration::zero()));
}

auto stability_key(const PathMeasurement& m) {
    return std::tuple(m.srtt ? 0 : 1, m.health_changes, m.loss);
}

}  // namespace

PathMeasurement measurement_of(const PathMonitor* monitor) {
    PathMeasurement m;
    if (monitor == nullptr) {
        return m;
    }
    if (const auto upstream = monitor->rtt(ProbeTargetKind::Upstream)) {
        m.srtt = upstream->srtt;
        m.upstream = true;
    } else if (const auto router = monitor->rtt(ProbeTargetKind::Router)) {
        m.srtt = router->srtt;
    }
    m.health_changes = monitor->state_changes();
    m.loss = monitor->loss_ratio();
    return m;
}

bool preferred_before(ApplicationPreference preference, const PreferenceFacts& a,
                      const PreferenceFacts& b) {
    switch (preference) {
        case ApplicationPreference::Cost:
            return a.cost < b.cost;
        case ApplicationPreference::Latency:
            return latency_key(a.measured) < latency_key(b.measured);
        case ApplicationPreference::Stability:
            break;
    }
    return stability_key(a.measured) < stability_key(b.measured);
}

bool has_hysteresis(ApplicationPreference preference) {
    return preference != ApplicationPreference::Cost;
}

bool move_worthwhile(ApplicationPreference preference, const PreferenceFacts& current,
                     const PreferenceFacts& other) {
    const PathMeasurement& c = current.measured;
    const PathMeasurement& o = other.measured;
    switch (preference) {
        case ApplicationPreference::Cost:
            return other.cost < current.cost;
        case ApplicationPreference::Latency: {
            if (rtt_kind(o) != rtt_kind(c)) {
                return rtt_kind(o) < rtt_kind(c);
            }
            if (!c.srtt) {
                return false;  // neither has a reply: nothing says move
            }
            const auto margin = std::chrono::duration_cast<Clock::duration>(kLatencyMoveMargin);
            return static_cast<double>(o.srtt->count()) <=
                       kLatencyMoveRatio * static_cast<double>(c.srtt->count()) &&
                   *c.srtt - *o.srtt >= margin;
        }
        case ApplicationPreference::Stability:
            break;
    }
    if (!o.srtt || !c.srtt) {
        return o.srtt && !c.srtt;
    }
    return o.health_changes + kStabilityMoveChanges <= c.health_changes ||
           (o.health_changes <= c.health_changes && o.loss + kStabilityMoveLoss <= c.loss);
}

}  // namespace multi6d
