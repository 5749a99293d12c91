// Path quality: one path's probe outcomes → its health (DESIGN.md §3.4).
//
// The prober sends ICMPv6 echo requests (RFC 4443 §4.1) on each path (link,
// prefix, router; policy/path.hpp) to the router itself ("router" probes: a
// first-hop check) and to upstream targets (the RDNSS servers that router
// advertised, RFC 8106, and configured targets). It reports each probe's
// outcome here: a reply with its RTT, or a loss once the probe's own
// timeout (probe_timeout.hpp: adaptive, from the RTT estimate kept here)
// has passed without a reply. PathMonitor turns the outcomes into PathHealth
// with hysteresis, an RTT estimate and a loss ratio. Pure: time is injected.
//
// Outcomes are taken in the order they are reported, not sent: a reply
// comes back within an RTT, a loss is known only at the probe's deadline.
// "Lost in a row" therefore means "lost, and no reply arrived meanwhile" —
// what a cut produces, and rarer under random loss. A late reply (after
// the deadline, within timeout_ms; record_late_reply) counts as such a
// reply for the streaks, so a timeout that turned out too short for a slow
// reply does not take a working path down.
//
// State machine (settings from ProbeSettings, policy/config.hpp):
//
// * unknown → up on the first reply. Unknown is already usable (the routing
//   decision ranks it after up), so waiting for more replies would gain no
//   safety, only delay the state clients see. A path that never answers
//   stays unknown here: no answer is no evidence (a router may ignore echo),
//   and policy/path_evidence.hpp takes it down only on evidence (its
//   router's neighbour entry failed, ICMPv6 errors, upstream targets that
//   answer on other paths).
// * up/degraded → down after a streak of lost probes, either
//     - N upstream probes lost in a row (router replies do not break this
//       streak: a live first hop with a dead upstream is down), or
//     - N probes of any kind lost in a row (a dead first hop: any reply,
//       router or upstream, breaks this streak, since an upstream reply
//       proves the first hop forwards).
//   N = down_after, plus one for each loss (any kind, at most down_after of
//   them) in the kLossMemory (60 s) before the streak began. On a clean path
//   a cut is detected after down_after losses; on a path that is already
//   dropping packets at random, a streak of down_after random losses is far
//   more likely, and the bar rises with the evidence (see "False alarms").
// * down → up after up_after replies in a row (any loss breaks the run)
//   whose first and last are at least up_after_duration apart. At the
//   default 4 probes/s that means ~13 replies, no loss, over 3 s. A link that
//   toggles faster than up_after_duration therefore stays down: a link
//   flapping every 500 ms costs at most down and up once (2 changes), plus
//   possibly one up → degraded before the first down. If the loss window or
//   RTT still says degraded (see below), the path comes back degraded
//   instead of up, so a lossy path that was down costs one change, not two.
// * Loss is judged by a sequential test (Wald's SPRT, loss_sprt.hpp) on
//   the upstream outcomes (router outcomes only while no upstream outcome
//   was ever seen): upstream probes cross the first hop too, so they
//   measure its loss as well, while a router that rate-limits or ignores
//   echo to itself would otherwise make a fine path look lossy. H1 is
//   p1 = degraded_loss_percent per probe, H0 p0 = p1 / 4, α = 1e-4,
//   β = 1e-2. The losses of the streak that took the path down (the test
//   is restored to where it was before that streak began), and every
//   outcome while down, stay out of the test, the loss window and the loss
//   memory: an outage is reported as down, it says nothing about the path's
//   quality when it works, and would otherwise slow the detection of the
//   next cut for a minute. The first reply of a new path restarts the test
//   and clears the window (losses before it are set-up: neighbour
//   discovery, DAD).
// * up → degraded at once when the test's verdict is "lossy", or when the
//   smoothed RTT exceeds degraded_rtt (if non-zero) after each of
//   loss_window outcomes in a row.
// * degraded → up when the test's verdict is "acceptable" (27 replies in a
//   row after a lossy verdict at the defaults) and the smoothed RTT is at
//   most 3/4 of degraded_rtt (RTT hysteresis: a path's base RTT may sit
//   close under the threshold, and must not stay degraded forever).
// * The loss window holds the last loss_window outcomes of the same
//   stream, for the loss ratio reported (D-Bus, multi6ctl); it no longer
//   decides.
//
// RTT (RFC 6298 §2 with α = 1/8, β = 1/4): SRTT and RTTVAR are kept per
// target kind, since the router's RTT (~1 ms) and the upstream RTT differ
// and mixing them would make RTTVAR meaningless. The path's RTT is the
// upstream estimate, or the router's if no upstream reply came yet. The
// minimum RTT is the smallest sample since the monitor was created.
//
// Detection time (defaults: interval 250 ms, timeout_ms 300, min_timeout_ms
// 50, down_after 3; probes scheduled by ProbeScheduler, probe_schedule.hpp).
// Cut at 0; the first probe after it leaves at s, uniform in (0, 250 ms].
// With an upstream RTT below ~25 ms its timeout is the 50 ms floor; it is
// lost at s + 50 ms and re-probed at once, and so is the re-probe: down at
// s + 150 ms, 275 ms after the cut on average (the rate cap of 10/s leaves
// room for the 2 re-probes). Add up to 250 ms when only the upstream was cut
// and the first probe after the cut was the 1-in-8 router probe (answered);
// subtract up to one RTT when the cut swallowed the reply to a probe sent
// just before it. Simulated (path_quality_mc, 4000 cuts spread over 4 s,
// RTT 20 ms):
//   first hop dead: mean 259 ms, median 259, p95 373, max 418;
//   upstream dead:  mean 287 ms, median 272, p95 532, max 660.
// At the tuned setting (tests/bench/failover-tuned.toml: interval 50 ms,
// min_timeout_ms 20, RTT 1 ms): first hop dead mean 84 ms, max 114;
// upstream dead mean 91 ms, p95 139, max 168.
//
// False alarms at 2% random loss per packet in each direction (per probe
// p = 1 − 0.98² = 3.96%) for 3 minutes at defaults (~740 probes, counting
// the re-probes after losses):
// * down: with a fixed streak of 3, about 27 losses per run start a streak
//   and each reaches 3 with p² = 1.6e-3: 4.3% of runs would go down. With
//   the loss memory only the first loss after a clean minute needs 3 (p²,
//   once per lossy episode); later streaks need 4 to 6 (≤ 27·p³ = 1.7e-3,
//   then p⁴ and below). Simulated (path_quality_mc 4000 0.02 180, RTT
//   20 ms, re-probing at once after each loss, ~744 probes a run): 8 of
//   4000 runs (0.2%) went down, 1 degraded. Tuned (2000 runs, ~3690
//   probes each): 0.15% down, 0.1% degraded.
// * degraded: the sequential test, see loss_sprt.hpp (14 of 100000 seeded
//   runs of 720 probes at 3.96% per probe saw a lossy verdict).
// At 40% loss per packet in each direction (64% per probe) the test says
// lossy after a median of 12 outcomes (≤ 22 in 99%), ~2 s at most with the
// re-probes that losses cause; the streak rule often says down before.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "address.hpp"
#include "config.hpp"
#include "lifetime.hpp"
#include "loss_sprt.hpp"
#include "path.hpp"

namespace multi6d {

enum class ProbeTargetKind { Router, Upstream };

// "unknown", "up", "degraded", "down": the words the daemon logs and D-Bus shows.
std::string_view health_name(PathHealth health);

// RFC 6298 §2 estimate for one target kind.
struct RttEstimate {
    Clock::duration srtt{};
    Clock::duration rttvar{};
    Clock::duration min{};  // smallest sample seen
    std::uint64_t samples = 0;
};

// A state change, for the log line `path NAME: TO (REASON)` and D-Bus.
struct HealthTransition {
    PathHealth from = PathHealth::Unknown;
    PathHealth to = PathHealth::Unknown;
    TimePoint at{};
    std::string reason;  // one line, says why (counts, times, the last target)
    friend bool operator==(const HealthTransition&, const HealthTransition&) = default;
};

// How long before the streak began a loss is remembered as evidence of
// random loss (raising the streak needed for down, see above).
inline constexpr std::chrono::seconds kLossMemory{60};

class PathMonitor {
  public:
    explicit PathMonitor(const ProbeSettings& settings);

    // A reply to a probe to `target`, `rtt` after it was sent. Replies the
    // prober receives after `timeout` must not be reported (the probe was
    // reported lost). Returns the state change this caused, if any.
    std::optional<HealthTransition> record_reply(ProbeTargetKind kind, const Address& target,
                                                 Clock::duration rtt, TimePoint now);
    // No reply to a probe to `target` within its timeout.
    std::optional<HealthTransition> record_loss(ProbeTargetKind kind, const Address& target,
                                                TimePoint now);
    // A reply, `rtt` after the send, to a probe already reported lost
    // (its adaptive timeout, probe_timeout.hpp, was too short): an RTT
    // sample, and proof that the path forwards, so it ends the streaks of
    // losses that lead to down (of its kind, as a reply would). The loss
    // stays counted, and it is no success towards up: neither changes the
    // state.
    void record_late_reply(ProbeTargetKind kind, Clock::duration rtt);

    // New settings (a reload): state, streaks and RTT are kept, the loss
    // window keeps its newest outcomes up to the new loss_window. Never
    // changes the state by itself; the next outcome applies the new rules.
    void reconfigure(const ProbeSettings& settings);

    PathHealth state() const { return state_; }
    // Every change of state() since the monitor was made (each
    // HealthTransition returned), for monitoring (multi6ctl metrics).
    std::uint64_t state_changes() const { return state_changes_; }
    // The path's RTT: upstream estimate, else the router's; none before a reply.
    std::optional<RttEstimate> rtt() const;
    std::optional<RttEstimate> rtt(ProbeTargetKind kind) const;

    // The loss window (see above; frozen while down).
    unsigned window_samples() const { return static_cast<unsigned>(window().outcomes.size()); }
    unsigned window_losses() const { return window().losses; }
    // window_losses / window_samples; 0 with no samples.
    double loss_ratio() const;

    unsigned consecutive_losses() const { return any_streak_.count; }  // any kind
    unsigned consecutive_upstream_losses() const { return upstream_streak_.count; }
    unsigned consecutive_successes() const { return successes_; }
    // The streak of losses that takes the path down now (down_after plus the
    // remembered losses, see above), for diagnostics.
    unsigned losses_for_down(TimePoint now) const;

  private:
    // The sequential loss test of one outcome stream (loss_sprt.hpp) and
    // its latest verdict.
    struct LossTest {
        LossSprt sprt;
        bool lossy = false;   // the latest verdict was Lossy
        std::string verdict;  // why, for the log line
    };
    struct Streak {
        unsigned count = 0;
        unsigned needed = 0;  // fixed when the streak starts
        TimePoint started{};
        // The loss tests as they were before the streak's first loss: an
        // outage going down restores them (its losses are not quality).
        std::optional<std::array<LossTest, 2>> tests_before;
    };
    struct Outcome {
        TimePoint at;
        bool lost;
    };
    struct LossWindow {
        std::deque<Outcome> outcomes;  // newest at the back
        unsigned losses = 0;
        void push(Outcome outcome, unsigned size);
        void trim(unsigned size);
        void drop_losses_since(TimePoint since);
        void clear() { *this = {}; }
    };
    struct Rules {
        unsigned down_after = 3;
        unsigned up_after = 5;
        Clock::duration up_after_duration{};
        unsigned loss_window = 40;
        unsigned degraded_loss_percent = 20;
        Clock::duration degraded_rtt{};
    };

    const LossWindow& window() const;
    const LossTest& loss_test() const;
    std::size_t memory_size() const;
    void push_outcome(ProbeTargetKind kind, bool lost, TimePoint now);
    void bump(Streak& streak, TimePoint now) const;
    void reset_loss_tests();
    bool loss_bad() const;
    bool loss_good() const;
    bool rtt_bad() const;
    bool rtt_good() const;
    std::optional<HealthTransition> change(PathHealth to, TimePoint now, std::string reason);
    std::string loss_text() const;
    std::string degraded_text() const;
    std::optional<HealthTransition> after_loss(ProbeTargetKind kind, const Address& target,
                                               TimePoint now);
    std::optional<HealthTransition> after_outcome(TimePoint now);
    std::optional<HealthTransition> go_down(const Streak& streak, TimePoint now,
                                            std::string reason);

    Rules rules_;
    PathHealth state_ = PathHealth::Unknown;
    std::uint64_t state_changes_ = 0;
    LossWindow windows_[2];              // indexed by ProbeTargetKind
    std::array<LossTest, 2> tests_;      // indexed by ProbeTargetKind
    std::optional<RttEstimate> rtt_[2];  // indexed by ProbeTargetKind
    Streak upstream_streak_;
    Streak any_streak_;
    unsigned successes_ = 0;
    TimePoint first_success_{};
    std::deque<TimePoint> recent_losses_;  // newest at the back, at most memory_size()
    unsigned degraded_hold_ = 0;           // outcomes in a row with a degraded condition
    bool ever_replied_ = false;
    bool upstream_seen_ = false;  // an upstream outcome was reported
};

}  // namespace multi6d
