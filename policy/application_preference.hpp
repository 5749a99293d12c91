// An [[application]]'s `preference` (issue 17; multi6d.toml(5),
// APPLICATIONS): how it orders the candidate paths that share a health
// tier, and how much better another path must be before the application
// leaves the one it uses. Pure: the measurements come as values.
//
// - cost: the lower [[uplink]] cost first (a path of no [[uplink]] costs
//   100, policy/uplink.hpp). Configuration, not measurement: nothing to
//   smooth, so the order applies at once (a cheaper uplink coming back
//   takes the application back, as `uplinks` order does).
// - latency: the lower smoothed RTT (RFC 6298 SRTT, policy/path_quality.hpp)
//   first. An estimate from upstream targets measures the whole path; one
//   from the router alone measures the first hop only (~1 ms), so paths
//   with an upstream estimate come first, then paths with only the
//   router's, then paths with no reply yet (nothing known of them).
// - stability: the fewer health changes first (PathMonitor::state_changes(),
//   the count `multi6ctl metrics` shows as multi6d_path_state_changes_total:
//   every excursion from up costs two), then the lower loss ratio over the
//   loss window; paths with no reply yet last (0 changes and 0 loss would
//   otherwise make an unanswered path look the most stable).
//
// Hysteresis (latency and stability, measured quantities that move): an
// application stays on its current path while that path is in the best
// health tier among its candidates, unless another path there is clearly
// better (move_worthwhile()):
// - latency: the other's SRTT is at most 80 % of the current one's AND at
//   least 5 ms lower (two paths within 20 % or 5 ms of each other are the
//   same to an interactive user and would otherwise swap on every probe's
//   noise); or the other is measured by a better kind (upstream against
//   router-only, anything against no reply);
// - stability: the other has at least 2 health changes fewer (one whole
//   excursion), or no more changes and a loss ratio at least 5 percentage
//   points lower (2 probes of the default 40-probe window); or the current
//   path has no reply yet and the other has.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "config.hpp"
#include "lifetime.hpp"
#include "path_quality.hpp"

namespace multi6d {

// What the prober measured on a path, as the preferences read it.
struct PathMeasurement {
    // SRTT of the upstream targets (upstream = true), else of the router;
    // none before a reply.
    std::optional<Clock::duration> srtt;
    bool upstream = false;
    std::uint64_t health_changes = 0;
    double loss = 0;  // loss window ratio, 0 with no samples
    friend bool operator==(const PathMeasurement&, const PathMeasurement&) = default;
};

// From the path's monitor; null (not measured) gives no reply yet.
PathMeasurement measurement_of(const PathMonitor* monitor);

// What a preference compares of one candidate path.
struct PreferenceFacts {
    unsigned cost = UplinkConfig{}.cost;  // its uplink's
    PathMeasurement measured;
};

// Thresholds of the hysteresis (above).
inline constexpr double kLatencyMoveRatio = 0.8;
inline constexpr std::chrono::milliseconds kLatencyMoveMargin{5};
inline constexpr std::uint64_t kStabilityMoveChanges = 2;
inline constexpr double kStabilityMoveLoss = 0.05;

// Strict weak order: `a` comes before `b` under `preference`.
bool preferred_before(ApplicationPreference preference, const PreferenceFacts& a,
                      const PreferenceFacts& b);

// Whether the preference keeps the application on its current path while
// it stays in the best health tier (latency and stability; cost does not).
bool has_hysteresis(ApplicationPreference preference);

// Whether `other` is clearly better than `current`, so an application on
// `current` moves (only meaningful where has_hysteresis()).
bool move_worthwhile(ApplicationPreference preference, const PreferenceFacts& current,
                     const PreferenceFacts& other);

}  // namespace multi6d
