// When to probe a path, and which kind of target (DESIGN.md §3.4, §6).
//
// ProbeScheduler is pure: the prober asks next_due(), arms its timer for
// that time, sends when it fires and reports record_sent()/record_reply().
// Rules:
// * Steady state: one probe per `interval`, each gap drawn uniformly from
//   interval ± 10% so that paths (and hosts) started together drift apart
//   (chrony's sched.c does the same for its timeouts). The first probe of a
//   new path goes within interval/10 of its creation: a new path's state
//   matters for failover (PathMonitor, path_quality.hpp).
// * Deadlines and re-probes: each probe has its own deadline, sent + its
//   timeout (probe_timeout.hpp: RFC 6298's RTO from the path's SRTT and
//   RTTVAR, clamped to [min_timeout, timeout]). A probe with no reply at
//   its deadline is lost, and while the path is up or degraded the next
//   probe goes at once rather than at the next interval: a cut path
//   reaches down_after losses in a row after about down_after timeouts,
//   not down_after intervals. The same holds for a probe reported lost
//   before its deadline (an ICMPv6 error quoting it). Each re-probe that is
//   also lost re-arms the same way, so the streak is probed as fast as the
//   rate cap allows. A path that is down or has never answered is probed at
//   the steady interval only: re-probing confirms a suspected failure of a
//   working path, and would otherwise spend the cap forever on a dead one.
//   Deadlines of one path stay in send order (a probe's timeout is raised
//   to the previous one's remaining time if need be): the supervisor
//   matches outcomes to probes in that order.
// * Rate cap: never more than max_rate_per_path probes in any window of 1 s
//   (RateCap below, exact over every window, not only on average). At the
//   default interval of 250 ms the steady state uses 4 of the 10 slots;
//   the others go to re-probes after losses, which a working path rarely
//   needs (the ≤ 5 probes/s/path budget of DESIGN §6 is the steady state).
// * Target kind: Upstream, except every 8th steady probe goes to the router
//   (when the path has both). Upstream replies already prove the first hop
//   (PathMonitor counts them so), so router probes only keep the router's
//   RTT and tell a dead first hop from a dead upstream; each one delays the
//   next upstream probe, which is what detects an upstream-only cut (1 in 4
//   measured 718 ms mean / 983 ms p95 detection, 1 in 8: 686 / 934).
//   Re-probes after a loss always go upstream: an upstream loss takes a
//   path down when only the upstream is cut, and counts for a dead first hop
//   as well.
// Detection time at defaults: see path_quality.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

#include "config.hpp"
#include "lifetime.hpp"
#include "path_quality.hpp"
#include "probe_timeout.hpp"

namespace multi6d {

// At most `limit` events in any half-open window [t, t + span). Also fits
// the prober's global cap (max_rate over all paths): one RateCap shared by
// every path, consulted before each send.
class RateCap {
  public:
    explicit RateCap(unsigned limit, Clock::duration span = std::chrono::seconds(1));
    // The first time at or after `desired` when one more event is allowed;
    // TimePoint::max() if limit is 0.
    TimePoint earliest(TimePoint desired) const;
    // An event at `when` (not earlier than the previous one).
    void record(TimePoint when);

  private:
    unsigned limit_;
    Clock::duration span_;
    std::deque<TimePoint> recent_;  // the last `limit` events, oldest first
};

class ProbeScheduler {
  public:
    // Uniform in [0, 1); in the daemon a seeded std::mt19937_64, in tests a fixed seed.
    using Random = std::function<double()>;

    ProbeScheduler(const ProbeSettings& settings, TimePoint start, Random random);

    // When the next probe is due (may be in the past: send at once).
    // `reprobe`: the path is up or degraded, so a late or lost newest probe
    // is re-probed at once (see above).
    TimePoint next_due(bool reprobe) const;

    // Which kind the next probe should go to, given which the path has
    // (have_router: probe_routers is set and the router is known;
    // have_upstream: an RDNSS server or a configured target exists).
    // nullopt: nothing to probe.
    std::optional<ProbeTargetKind> next_kind(bool have_router, bool have_upstream) const;

    // A probe went out at `now` (ICMPv6 echo sequence `seq`) on a path
    // whose estimate is `rtt` (PathMonitor::rtt()). Returns its timeout,
    // for the prober: probe_timeout(), raised if need be so that its
    // deadline is not before the previous probe's.
    Clock::duration record_sent(std::uint16_t seq, TimePoint now,
                                const std::optional<RttEstimate>& rtt);
    // A reply to probe `seq` arrived (in time). Only the newest probe's reply
    // ends suspicion; older ones are ignored here.
    void record_reply(std::uint16_t seq);
    // Probe `seq` was reported lost at `now`; for the newest one before its
    // deadline (an ICMPv6 error), the re-probe is due from now.
    void record_loss(std::uint16_t seq, TimePoint now);

    // The newest probe is still unanswered.
    bool suspicious() const { return sent_ > 0 && !answered_; }
    // The newest probe's deadline (meaningless before the first probe).
    TimePoint deadline() const { return deadline_; }

  private:
    Clock::duration draw_gap();

    ProbeSettings settings_;
    Clock::duration interval_;
    Random random_;
    RateCap cap_;
    TimePoint start_due_;
    TimePoint last_sent_{};
    TimePoint deadline_{};   // of the newest probe, or when it was reported lost
    Clock::duration gap_{};  // the steady gap after last_sent_
    std::uint64_t sent_ = 0;
    std::uint64_t steady_sent_ = 0;  // probes sent while not suspicious
    std::uint16_t last_seq_ = 0;
    bool answered_ = false;
};

}  // namespace multi6d
