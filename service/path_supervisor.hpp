// Measures every (prefix, router) path (DESIGN §3.4): keeps one PathMonitor
// and ProbeScheduler per path found in the host model, sends the probes the
// schedulers ask for through the Prober, feeds the outcomes back, and
// reports every health change. Decisions live in policy/ (path_quality,
// probe_schedule); this class moves facts between them and the sockets.
// Each path's health has one owner, its PathMonitor here; everyone else
// reads it through PathHealthView (policy/path_health.hpp).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "config.hpp"
#include "daemon_counters.hpp"
#include "event_loop.hpp"
#include "host_model.hpp"
#include "neighbour_evidence.hpp"
#include "path.hpp"
#include "path_evidence.hpp"
#include "path_health.hpp"
#include "path_quality.hpp"
#include "probe_schedule.hpp"
#include "prober.hpp"

namespace multi6d {

class PathSupervisor : public PathHealthView {
  public:
    using TransitionHandler = std::function<void(const PathKey&, const HealthTransition&)>;

    // The probe sockets come from `open_prober` (Prober on Linux).
    PathSupervisor(EventLoop& loop, const ProbeSettings& settings,
                   const ProbePortFactory& open_prober, TransitionHandler on_transition);

    // Follows the model: new paths start Unknown (usable) and are probed at
    // once; paths that vanished are forgotten; sources and targets are
    // refreshed (the router, its RDNSS servers, the configured targets).
    void update(const HostModel& model);
    // New settings after a reload: monitors keep their state.
    void reconfigure(const ProbeSettings& settings);

    // The kernel's neighbour state of a router changed (rtnetlink
    // RTM_NEWNEIGH/RTM_DELNEIGH): evidence about every path through it
    // (policy/path_evidence.hpp); reports the health changes it causes.
    void on_neighbour(int ifindex, const Address& router, NeighbourState state);

    // A known path's health is its verdict (policy/path_evidence.hpp: the
    // monitor's state, or the evidence; Unknown until there is some); a
    // path not known is Unknown.
    PathHealth health(const PathKey& key) const override;
    std::string reason(const PathKey& key) const override;
    const PathMonitor* monitor(const PathKey& key) const override;
    ProbeCounters counters(const PathKey& key) const { return prober_->counters(key); }
    // For monitoring, read from their owners now: probes from the prober,
    // state changes from the path's monitor (zero for a path not known).
    PathCounters path_counters(const PathKey& key) const;

  private:
    struct Pending {
        std::uint16_t seq;
        ProbeTargetKind kind;
        Address target;
    };
    struct Path {
        Path(const ProbeSettings& settings, TimePoint now, ProbeScheduler::Random random)
            : monitor(settings),
              scheduler(settings, now, std::move(random)),
              evidence(settings.down_after) {}
        PathMonitor monitor;
        ProbeScheduler scheduler;
        PathEvidence evidence;
        std::string monitor_reason;  // of the monitor's last transition
        PathVerdict verdict{PathHealth::Unknown, "no probe answered yet"};
        std::optional<TimePoint> last_upstream_reply;
        std::optional<Address> source;          // none: no usable address yet, not probed
        std::vector<Address> router_targets;    // the router itself
        std::vector<Address> upstream_targets;  // its RDNSS servers, configured targets
        std::size_t next_router = 0;
        std::size_t next_upstream = 0;
        std::uint16_t seq = 0;
        std::deque<Pending> pending;
    };

    static bool reprobes(const Path& path);
    bool probeable(const Path& path) const;
    void on_outcome(const PathKey& key, const Address& target,
                    std::optional<std::chrono::microseconds> rtt,
                    std::optional<std::string> icmp_error = std::nullopt);
    // A reply after the probe's own timeout, already reported lost
    // (Prober::Callbacks::on_late_reply).
    void on_late_reply(const PathKey& key, const Address& target, std::chrono::microseconds rtt);
    bool upstream_answered_elsewhere(const PathKey& key, TimePoint now) const;
    // Recomputes the path's verdict; reports a change of health.
    void judge(const PathKey& key, Path& path, TimePoint now);
    void on_timer();
    void send_probe(const PathKey& key, Path& path, TimePoint now);
    void rearm();

    EventLoop& loop_;
    ProbeSettings settings_;
    TransitionHandler on_transition_;
    std::mt19937_64 random_engine_;
    std::unique_ptr<ProbePort> prober_;
    RateCap global_cap_;
    std::map<PathKey, Path> paths_;
    NeighbourEvidence neighbours_;
    EventSource timer_;
};

}  // namespace multi6d
