// The daemon's reports (daemon.hpp): each path change logged once with its
// effect, the paths and policy on D-Bus, sd_notify's STATUS. All read the
// last decision and the supervisor's health; none decides anything.
#include "application_report.hpp"
#include "daemon.hpp"
#include "interface_name.hpp"
#include "link_managers.hpp"
#include "log.hpp"
#include "path_report.hpp"
#include "path_supervisor.hpp"
#include "ranking.hpp"

namespace multi6d {

namespace {

// A manager started or stopped after multi6d is seen within this.
constexpr auto link_manager_refresh = std::chrono::seconds(3);
// Waits for a wake-up the loop has anyway up to this long (a lazy timer).
constexpr auto link_manager_refresh_latest = std::chrono::seconds(4);

// "PREFIX via ROUTER on LINK" for the path whose label the generic
// destinations (2000::/3) carry.
std::string describe(const GenericChoice& choice) {
    if (!choice.label) {
        return "no usable path (kernel defaults)";
    }
    if (choice.path) {
        return choice.path->source.to_string() + " via " + choice.path->router.to_string() +
               " on " + interface_text(choice.path->ifindex);
    }
    return "label " + to_string(*choice.label);
}

// "uplink isp-b: 2001:db8:b::10 via fe80::b on eth1", "blocked (fallback =
// false: no preferred uplink is usable)" or "generic policy (fallback: no
// preferred uplink is usable)".
std::string describe(const ApplicationChoice& choice) {
    if (choice.path) {
        return "uplink " + choice.uplink + ": " + choice.source.to_string() + " via " +
               choice.path->router.to_string() + " on " + interface_text(choice.path->ifindex);
    }
    return choice.blocked ? "blocked (fallback = false: no preferred uplink is usable)"
                          : "generic policy (fallback: no preferred uplink is usable)";
}

}  // namespace

const PathHealthView& Daemon::health() const {
    static const FixedPathHealth none;  // before start(): every path Unknown
    return paths_ ? static_cast<const PathHealthView&>(*paths_) : none;
}

void Daemon::on_path_transition(const PathKey& key, const HealthTransition& transition) {
    pending_reasons_.push_back("path " + path_name(key) + ": " +
                               std::string(health_name(transition.to)) + " (" + transition.reason +
                               ")");
    schedule_reconcile();
}

void Daemon::report_decision() {
    // Each path change is logged once, on one line with its effect: e.g.
    // "path 2001:db8:a::/64 via fe80::a: down (3 probes lost in a row ...)
    // -> generic destinations: 2001:db8:b::/64 via fe80::b on eth0".
    std::string reasons;
    for (const auto& reason : pending_reasons_) {
        reasons += (reasons.empty() ? "" : "; ") + reason;
    }
    pending_reasons_.clear();
    const std::string generic = describe(decision_.generic);
    std::string policy_reason;
    if (generic != last_generic_choice_) {
        policy_reason =
            (reasons.empty() ? "" : reasons + " -> ") + "generic destinations: " + generic;
        log::notice(policy_reason);
        count_policy_change();
        last_generic_choice_ = generic;
    } else if (!reasons.empty()) {
        log::notice(reasons);
    }
    // Each [[application]] whose choice changed, one line each; the change
    // is a policy change (PolicyChanged) like the generic one.
    std::map<std::string, std::string> applications;
    for (const ApplicationChoice& choice : decision_.applications) {
        applications[choice.application] = describe(choice);
        count_application_move(choice);
    }
    for (const auto& [name, text] : applications) {
        const auto last = last_application_choices_.find(name);
        if (last == last_application_choices_.end() || last->second != text) {
            const std::string line = "application " + name + ": " + text;
            log::notice(line);
            policy_reason += (policy_reason.empty() ? "" : "; ") + line;
        }
    }
    last_application_choices_ = std::move(applications);
    refresh_link_managers();
    publish_dbus(policy_reason);
    notify_status();
}

void Daemon::count_policy_change() {
    // A failover moves generic destinations off a path that failed (down,
    // or gone with its router or prefix); a move back after recovery, or
    // to a better path, is a policy change only.
    ++counters_.policy_changes;
    if (last_generic_path_) {
        bool gone = true;
        for (const PathInfo& path : find_paths(model_)) {
            gone = gone && path.key != *last_generic_path_;
        }
        if (gone || health().health(*last_generic_path_) == PathHealth::Down) {
            ++counters_.failovers;
        }
    }
    last_generic_path_.reset();
    if (const auto& p = decision_.generic.path) {
        last_generic_path_ = PathKey{p->ifindex, p->source, p->router};
    }
}

void Daemon::count_application_move(const ApplicationChoice& choice) {
    // A move: the path the application's new connections use changed
    // (another path, none: the generic policy or blocked, or back), counted
    // from the first path it got on (so start-up, before the routers have
    // answered, is not counted); a new source on the same path is not one.
    const auto last = last_application_paths_.find(choice.application);
    if (last == last_application_paths_.end()) {
        if (choice.path) {
            last_application_paths_.emplace(choice.application, choice.path);
        }
    } else if (last->second != choice.path) {
        ++counters_.application_moves[choice.application];
        last->second = choice.path;
    }
}

void Daemon::publish_dbus(const std::string& policy_reason) {
    if (!bus_) {
        return;
    }
    std::map<PathKey, PathFacts> facts;
    const PathHealthView& view = health();
    for (const PathInfo& path : find_paths(model_)) {
        PathFacts& f = facts[path.key];
        const PathUplink uplink = uplink_of(config_.uplinks, path.key);
        f.uplink = uplink.name;
        const LinkManager manager = link_managers_->of(path.key.ifindex);
        f.link_manager = link_manager_name(manager);
        f.link_manager_note = link_manager_note(manager);
        f.metrics.cost = uplink.cost;
        f.metrics.state = view.health(path.key);
        f.state_reason = view.reason(path.key);
        if (const PathMonitor* monitor = view.monitor(path.key)) {
            if (const auto rtt = monitor->rtt()) {
                f.metrics.rtt = std::chrono::duration_cast<std::chrono::microseconds>(rtt->srtt);
                f.metrics.rtt_variation =
                    std::chrono::duration_cast<std::chrono::microseconds>(rtt->rttvar);
            }
            if (monitor->window_samples() > 0) {
                f.metrics.loss = monitor->loss_ratio();
            }
        }
    }
    // Kept up to date while the bus is away too: a reconnect serves it.
    std::vector<PathReport> reports = path_reports(model_, facts);
    std::vector<ApplicationReport> applications =
        application_reports(decision_.applications, config_.applications, reports);
    for (ApplicationReport& a : applications) {
        for (const ApplicationConfig& c : config_.applications) {
            if (c.name == a.name) {
                a.mptcp = application_mptcp_state(c, mptcpify_ != nullptr);
            }
        }
    }
    bus_->publish(std::move(reports),
                  applied_policy_table(decision_.policy, decision_.kernel.labels),
                  std::move(applications), policy_reason);
}

bool Daemon::refresh_link_managers() {
    const bool changed = link_managers_->refresh(LinkManagers::links_with_paths(model_));
    const MonotonicTime now = loop_.now();
    link_manager_timer_ =
        loop_.add_lazy_timer(now + link_manager_refresh, now + link_manager_refresh_latest, [this] {
            if (refresh_link_managers()) {
                schedule_reconcile();
            }
        });
    return changed;
}

std::string Daemon::path_name(const PathKey& key) const {
    // The id multi6ctl and the D-Bus interface show (LINK/PREFIX/ROUTER),
    // after the [[uplink]] name when the administrator gave one.
    const Link* link = model_.link(key.ifindex);
    const std::string id = path_id(link != nullptr ? link->name : interface_text(key.ifindex), key);
    const PathUplink uplink = uplink_of(config_.uplinks, key);
    return uplink.configured ? uplink.name + " (" + id + ")" : id;
}

void Daemon::notify_status() {
    std::size_t paths = 0;
    for (const SourceRule& rule : reconciler_->applied().rules) {
        paths += rule.priority != owned::unbound_rule_priority ? 1 : 0;
    }
    const std::string status = std::to_string(paths) + " path(s); generic destinations: " +
                               (last_generic_choice_.empty() ? "none" : last_generic_choice_);
    ports_.notify("STATUS=" + status);
}

}  // namespace multi6d
