// A discrete-event simulation of one path's probing on a fake clock: the
// real ProbeScheduler decides when to send and to which kind of target, a
// fake network decides each packet's fate, the real PathMonitor judges.
// Used by the path quality tests and by path_quality_mc.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <vector>

#include "path_quality.hpp"
#include "policy_test_util.hpp"
#include "probe_schedule.hpp"

namespace multi6d::test {

using std::chrono::milliseconds;

inline const Address kRouter = addr("fe80::1");
inline const Address kDns1 = addr("2001:db8:ff::53");
inline const Address kDns2 = addr("2001:db8:ff::54");

class PathSim {
    // First: the scheduler's constructor already draws from these.
    ProbeSettings settings_;
    std::mt19937_64 network_rng_;
    std::mt19937_64 schedule_rng_;
    std::uniform_real_distribution<double> unit_{0.0, 1.0};

  public:
    struct Sent {
        TimePoint at;
        ProbeTargetKind kind;
    };

    PathSim(const ProbeSettings& settings, std::uint64_t seed, TimePoint start = t0)
        : settings_(settings),
          network_rng_(seed),
          schedule_rng_(seed ^ 0x5eed5eed5eedULL),
          monitor(settings),
          scheduler(settings, start, [this] { return unit_(schedule_rng_); }),
          now_(start) {}

    // Whether the path carries a packet of this kind at time t, one
    // direction (default: always). Random loss comes on top.
    std::function<bool(TimePoint, ProbeTargetKind)> carries = [](TimePoint, ProbeTargetKind) {
        return true;
    };
    double loss_per_direction = 0.0;
    Clock::duration router_rtt = milliseconds(1);
    Clock::duration upstream_rtt = milliseconds(20);
    bool have_router = true;
    bool have_upstream = true;

    PathMonitor monitor;
    ProbeScheduler scheduler;
    std::vector<HealthTransition> transitions;
    std::vector<Sent> sent;
    std::size_t replies = 0;
    std::size_t losses = 0;

    TimePoint now() const { return now_; }

    // Runs every event up to and including `end`.
    void run_until(TimePoint end) {
        for (;;) {
            const TimePoint send_at = std::max(now_, scheduler.next_due(reprobes()));
            const auto outcome = std::min_element(
                pending_.begin(), pending_.end(),
                [](const Pending& a, const Pending& b) { return a.outcome_at < b.outcome_at; });
            const bool outcome_first = outcome != pending_.end() && outcome->outcome_at <= send_at;
            const TimePoint at = outcome_first ? outcome->outcome_at : send_at;
            if (at > end) {
                now_ = end;
                return;
            }
            now_ = at;
            if (outcome_first) {
                const Pending p = *outcome;
                pending_.erase(outcome);
                deliver(p);
            } else {
                send();
            }
        }
    }

  private:
    // As PathSupervisor: re-probe at once only while the path works.
    bool reprobes() const {
        return monitor.state() == PathHealth::Up || monitor.state() == PathHealth::Degraded;
    }

    struct Pending {
        std::uint16_t seq;
        ProbeTargetKind kind;
        Address target;
        TimePoint sent_at;
        bool replied;
        TimePoint outcome_at;
    };

    bool passes(TimePoint t, ProbeTargetKind kind) {
        const bool random_ok = unit_(network_rng_) >= loss_per_direction;
        return carries(t, kind) && random_ok;
    }

    void send() {
        const auto kind = scheduler.next_kind(have_router, have_upstream);
        ++seq_;
        const Clock::duration timeout = scheduler.record_sent(seq_, now_, monitor.rtt());
        if (!kind) {
            return;
        }
        const bool router = *kind == ProbeTargetKind::Router;
        const Address target = router ? kRouter : (seq_ % 2 ? kDns1 : kDns2);
        const Clock::duration rtt = router ? router_rtt : upstream_rtt;
        const bool request_ok = passes(now_, *kind);
        const bool reply_ok = passes(now_ + rtt, *kind);
        const bool replied = request_ok && reply_ok && rtt <= timeout;
        pending_.push_back(
            Pending{seq_, *kind, target, now_, replied, now_ + (replied ? rtt : timeout)});
        sent.push_back(Sent{now_, *kind});
    }

    void deliver(const Pending& p) {
        std::optional<HealthTransition> t;
        ++(p.replied ? replies : losses);
        if (p.replied) {
            scheduler.record_reply(p.seq);
            t = monitor.record_reply(p.kind, p.target, now_ - p.sent_at, now_);
        } else {
            scheduler.record_loss(p.seq, now_);
            t = monitor.record_loss(p.kind, p.target, now_);
        }
        if (t) {
            transitions.push_back(*t);
        }
    }

    TimePoint now_;
    std::uint16_t seq_ = 0;
    std::vector<Pending> pending_;
};

}  // namespace multi6d::test
