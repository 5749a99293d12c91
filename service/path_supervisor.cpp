#include "path_supervisor.hpp"

#include <algorithm>
#include <set>

namespace multi6d {

namespace {

// The address probes of a path leave from: usable now (not tentative or
// duplicate, or the router's answer could not come back), preferring
// stable (non-temporary) and non-deprecated ones so the probe measures what
// new connections will use.
std::optional<Address> probe_source(const Link& link, const Prefix& prefix) {
    const HostAddress* best = nullptr;
    auto rank = [](const HostAddress& a) {
        return (a.flags.deprecated ? 2 : 0) + (a.flags.temporary ? 1 : 0);
    };
    for (const HostAddress& a : link.addresses) {
        if (!prefix.contains(a.address) || a.flags.tentative || a.flags.dadfailed) {
            continue;
        }
        if (best == nullptr || rank(a) < rank(*best)) {
            best = &a;
        }
    }
    return best != nullptr ? std::optional<Address>(best->address) : std::nullopt;
}

}  // namespace

PathSupervisor::PathSupervisor(EventLoop& loop, const ProbeSettings& settings,
                               const ProbePortFactory& open_prober, TransitionHandler on_transition)
    : loop_(loop),
      settings_(settings),
      on_transition_(std::move(on_transition)),
      random_engine_(std::random_device{}()),
      prober_(open_prober(
          loop,
          Prober::Callbacks{
              [this](const PathKey& key, const Address& target, std::chrono::microseconds rtt) {
                  on_outcome(key, target, rtt);
              },
              [this](const PathKey& key, const Address& target) {
                  on_outcome(key, target, std::nullopt);
              },
              [this](const PathKey& key, const Address& target, const std::string& error) {
                  on_outcome(key, target, std::nullopt, error);
              },
              [this](const PathKey& key, const Address& target, std::chrono::microseconds rtt) {
                  on_late_reply(key, target, rtt);
              }},
          Prober::Options{settings.timeout, std::nullopt, 64})),
      global_cap_(settings.max_rate) {}

PathHealth PathSupervisor::health(const PathKey& key) const {
    const auto it = paths_.find(key);
    return it == paths_.end() ? PathHealth::Unknown : it->second.verdict.health;
}

std::string PathSupervisor::reason(const PathKey& key) const {
    const auto it = paths_.find(key);
    return it == paths_.end() ? std::string() : it->second.verdict.reason;
}

const PathMonitor* PathSupervisor::monitor(const PathKey& key) const {
    const auto it = paths_.find(key);
    return it == paths_.end() ? nullptr : &it->second.monitor;
}

PathCounters PathSupervisor::path_counters(const PathKey& key) const {
    const auto it = paths_.find(key);
    if (it == paths_.end()) {
        return PathCounters{};
    }
    const ProbeCounters probes = prober_->counters(key);
    return PathCounters{probes.probes, probes.losses, it->second.monitor.state_changes()};
}

void PathSupervisor::update(const HostModel& model) {
    const TimePoint now = loop_.now();
    std::set<PathKey> present;
    for (const PathInfo& info : find_paths(model)) {
        const Link* link = model.link(info.key.ifindex);
        const Router* router = link != nullptr ? link->find_router(info.key.router) : nullptr;
        if (router == nullptr) {
            continue;
        }
        present.insert(info.key);
        auto it = paths_.find(info.key);
        if (it == paths_.end()) {
            it = paths_
                     .emplace(info.key, Path(settings_, now,
                                             [this] {
                                                 return std::uniform_real_distribution<double>(
                                                     0.0, 1.0)(random_engine_);
                                             }))
                     .first;
        }
        Path& path = it->second;
        path.source = probe_source(*link, info.key.prefix);
        path.router_targets.clear();
        if (settings_.probe_routers) {
            path.router_targets.push_back(info.key.router);
        }
        path.upstream_targets.clear();
        if (settings_.probe_dns_servers) {
            for (const auto& dns : router->dns_servers) {
                path.upstream_targets.push_back(dns.address);
            }
        }
        for (const auto& target : settings_.targets) {
            if (std::find(path.upstream_targets.begin(), path.upstream_targets.end(), target) ==
                path.upstream_targets.end()) {
                path.upstream_targets.push_back(target);
            }
        }
    }
    for (auto it = paths_.begin(); it != paths_.end();) {
        if (present.count(it->first) == 0) {
            prober_->forget(it->first);
            it = paths_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto& [key, path] : paths_) {
        // A new path may be through a router whose entry failed before its
        // first RA was read (the start-up dump reported it).
        judge(key, path, now);
    }
    rearm();
}

void PathSupervisor::on_neighbour(int ifindex, const Address& router, NeighbourState state) {
    const TimePoint now = loop_.now();
    // Kept for every link-local neighbour, router or not yet: the start-up
    // dump comes before the first RA is read.
    if (!neighbours_.set(ifindex, router, state, now)) {
        return;
    }
    for (auto& [key, path] : paths_) {
        if (key.ifindex == ifindex && key.router == router) {
            judge(key, path, now);
        }
    }
}

bool PathSupervisor::upstream_answered_elsewhere(const PathKey& key, TimePoint now) const {
    for (const auto& [other, path] : paths_) {
        if (other != key && path.last_upstream_reply &&
            now - *path.last_upstream_reply <= kElsewhereWindow) {
            return true;
        }
    }
    return false;
}

void PathSupervisor::judge(const PathKey& key, Path& path, TimePoint now) {
    PathVerdict verdict = path_verdict(path.monitor, path.monitor_reason, path.evidence,
                                       neighbours_.state(key.ifindex, key.router), key.router);
    if (verdict == path.verdict) {
        return;
    }
    const PathHealth before = path.verdict.health;
    path.verdict = std::move(verdict);
    // A new reason with the same health (an unknown path whose probes went
    // unanswered, whose router became reachable) is reported too, so the
    // log and D-Bus say why; reasons hold no counters that move with every
    // probe (policy/path_evidence.hpp).
    on_transition_(key, HealthTransition{before, path.verdict.health, now, path.verdict.reason});
}

void PathSupervisor::reconfigure(const ProbeSettings& settings) {
    settings_ = settings;
    prober_->set_timeout(settings.timeout);
    global_cap_ = RateCap(settings.max_rate);
    const TimePoint now = loop_.now();
    for (auto& [key, path] : paths_) {
        path.monitor.reconfigure(settings);
        path.evidence.reconfigure(settings.down_after);
        path.scheduler = ProbeScheduler(settings, now, [this] {
            return std::uniform_real_distribution<double>(0.0, 1.0)(random_engine_);
        });
    }
    // Targets depend on probe_routers / probe_dns_servers / targets: the
    // daemon calls update() after a reload as well.
    rearm();
}

// Re-probing at once after a loss confirms a suspected failure of a
// working path (probe_schedule.hpp); a down path, or one that never
// answered, is probed at the steady interval.
bool PathSupervisor::reprobes(const Path& path) {
    const PathHealth health = path.monitor.state();
    return health == PathHealth::Up || health == PathHealth::Degraded;
}

bool PathSupervisor::probeable(const Path& path) const {
    return path.source.has_value() &&
           path.scheduler.next_kind(!path.router_targets.empty(), !path.upstream_targets.empty())
               .has_value();
}

void PathSupervisor::rearm() {
    std::optional<TimePoint> earliest;
    for (const auto& [key, path] : paths_) {
        if (!probeable(path)) {
            continue;  // its next_due would stay in the past and spin the loop
        }
        const TimePoint due = path.scheduler.next_due(reprobes(path));
        if (!earliest || due < *earliest) {
            earliest = due;
        }
    }
    if (!earliest) {
        timer_.reset();
        return;
    }
    timer_ = loop_.add_timer(global_cap_.earliest(*earliest), [this] { on_timer(); });
}

void PathSupervisor::on_timer() {
    const TimePoint now = loop_.now();
    for (auto& [key, path] : paths_) {
        if (!probeable(path) || path.scheduler.next_due(reprobes(path)) > now) {
            continue;
        }
        if (global_cap_.earliest(now) > now) {
            break;  // the global cap: rearm() waits for it
        }
        send_probe(key, path, now);
    }
    rearm();
}

void PathSupervisor::send_probe(const PathKey& key, Path& path, TimePoint now) {
    const auto kind =
        path.scheduler.next_kind(!path.router_targets.empty(), !path.upstream_targets.empty());
    if (!kind) {
        return;
    }
    const Address target =
        *kind == ProbeTargetKind::Router
            ? path.router_targets[path.next_router++ % path.router_targets.size()]
            : path.upstream_targets[path.next_upstream++ % path.upstream_targets.size()];
    const std::uint16_t seq = path.seq++;
    path.pending.push_back(Pending{seq, *kind, target});
    const Clock::duration timeout = path.scheduler.record_sent(seq, now, path.monitor.rtt());
    global_cap_.record(now);
    prober_->send(key, *path.source, target, std::chrono::ceil<std::chrono::microseconds>(timeout));
}

void PathSupervisor::on_outcome(const PathKey& key, const Address& target,
                                std::optional<std::chrono::microseconds> rtt,
                                std::optional<std::string> icmp_error) {
    const auto it = paths_.find(key);
    if (it == paths_.end()) {
        return;
    }
    Path& path = it->second;
    // Outcomes for one target arrive in the order sent (each ends at its
    // reply or its deadline, and the scheduler keeps a path's deadlines in
    // send order).
    const auto pending = std::find_if(path.pending.begin(), path.pending.end(),
                                      [&](const Pending& p) { return p.target == target; });
    if (pending == path.pending.end()) {
        return;
    }
    const Pending probe = *pending;
    path.pending.erase(pending);
    const TimePoint now = loop_.now();
    std::optional<HealthTransition> transition;
    if (rtt) {
        path.scheduler.record_reply(probe.seq);
        transition = path.monitor.record_reply(probe.kind, target, *rtt, now);
        path.evidence.record_reply();
        if (probe.kind == ProbeTargetKind::Upstream) {
            path.last_upstream_reply = now;
        }
    } else {
        path.scheduler.record_loss(probe.seq, now);
        transition = path.monitor.record_loss(probe.kind, target, now);
        path.evidence.record_loss(ProbeLoss{probe.kind, target, std::move(icmp_error),
                                            upstream_answered_elsewhere(key, now)});
    }
    if (transition) {
        path.monitor_reason = transition->reason;
    }
    judge(key, path, now);
    rearm();
}

void PathSupervisor::on_late_reply(const PathKey& key, const Address& target,
                                   std::chrono::microseconds rtt) {
    const auto it = paths_.find(key);
    if (it == paths_.end()) {
        return;
    }
    Path& path = it->second;
    const bool router = std::find(path.router_targets.begin(), path.router_targets.end(), target) !=
                        path.router_targets.end();
    const ProbeTargetKind kind = router ? ProbeTargetKind::Router : ProbeTargetKind::Upstream;
    const TimePoint now = loop_.now();
    path.monitor.record_late_reply(kind, rtt);
    path.evidence.record_reply();
    if (kind == ProbeTargetKind::Upstream) {
        path.last_upstream_reply = now;
    }
    judge(key, path, now);
    rearm();
}

}  // namespace multi6d
