#include "metrics_format.hpp"

#include <cstdint>
#include <map>
#include <optional>

namespace multi6d::ctl {

namespace {

using exposition::Family;
using exposition::Label;
using exposition::Sample;
using exposition::Type;

template <typename T>
std::optional<T> get(const Details& details, const std::string& key) {
    const auto it = details.find(key);
    if (it == details.end() || !it->second.containsValueOfType<T>()) {
        return std::nullopt;
    }
    return it->second.get<T>();
}

std::vector<Label> path_labels(const std::string& id, const Details& d) {
    return {{"path", id},
            {"link", get<std::string>(d, "interface").value_or("")},
            {"prefix", get<std::string>(d, "prefix").value_or("")},
            {"router", get<std::string>(d, "router").value_or("")},
            {"uplink", get<std::string>(d, "uplink").value_or("")}};
}

Family family(std::string name, std::string help, Type type) {
    return Family{std::move(name), std::move(help), type, {}};
}

// A daemon counter: one sample, 0 when the daemon does not give it.
Family daemon_counter(const Details& counters, const std::string& key, std::string name,
                      std::string help) {
    Family f = family(std::move(name), std::move(help), Type::Counter);
    f.samples.push_back(Sample{{}, get<std::uint64_t>(counters, key).value_or(0)});
    return f;
}

Family by_method(const Details& counters, const std::string& key, std::string name,
                 std::string help) {
    Family f = family(std::move(name), std::move(help), Type::Counter);
    using ByMethod = std::map<std::string, std::uint64_t>;
    for (const auto& [method, count] : get<ByMethod>(counters, key).value_or(ByMethod{})) {
        f.samples.push_back(Sample{{{"method", method}}, count});
    }
    return f;
}

}  // namespace

std::vector<Family> metric_families(const MetricsInput& input) {
    Family info = family("multi6d_info", "The daemon's version and state (always 1)", Type::Gauge);
    info.samples.push_back(
        Sample{{{"version", input.version}, {"state", input.state}}, std::uint64_t{1}});

    Family up =
        family("multi6d_path_up",
               "1 if the path is usable (state unknown, up or degraded), 0 if down", Type::Gauge);
    Family rtt = family("multi6d_path_rtt_seconds", "Smoothed round-trip time of the path's probes",
                        Type::Gauge);
    Family rttvar = family("multi6d_path_rtt_variation_seconds",
                           "Mean deviation of the path's round-trip time", Type::Gauge);
    Family loss =
        family("multi6d_path_loss_ratio",
               "Fraction of the path's recent probes that were lost (0 to 1)", Type::Gauge);
    Family sent = family("multi6d_path_probes_sent_total",
                         "Probes sent on the path since the daemon found it", Type::Counter);
    Family lost = family("multi6d_path_probes_lost_total",
                         "Probes on the path that got no valid reply in time", Type::Counter);
    Family changes = family("multi6d_path_state_changes_total",
                            "Changes of the path's state since the daemon found it", Type::Counter);
    for (const Path& path : input.paths) {
        const std::string& id = path.get<0>();
        const Details& d = path.get<1>();
        const std::vector<Label> labels = path_labels(id, d);
        const std::string state = get<std::string>(d, "state").value_or("unknown");
        std::vector<Label> up_labels = labels;
        up_labels.push_back({"state", state});
        up.samples.push_back(Sample{up_labels, std::uint64_t{state == "down" ? 0U : 1U}});
        if (const auto v = get<std::uint64_t>(d, "rtt_usec")) {
            rtt.samples.push_back(Sample{labels, static_cast<double>(*v) / 1e6});
        }
        if (const auto v = get<std::uint64_t>(d, "rtt_variation_usec")) {
            rttvar.samples.push_back(Sample{labels, static_cast<double>(*v) / 1e6});
        }
        if (const auto v = get<double>(d, "loss")) {
            loss.samples.push_back(Sample{labels, *v});
        }
        sent.samples.push_back(Sample{labels, get<std::uint64_t>(d, "probes_sent").value_or(0)});
        lost.samples.push_back(Sample{labels, get<std::uint64_t>(d, "probes_lost").value_or(0)});
        changes.samples.push_back(
            Sample{labels, get<std::uint64_t>(d, "state_changes").value_or(0)});
    }

    Family moves = family("multi6d_application_moves_total",
                          "Changes of the path an application's new connections use, from the "
                          "first path it got",
                          Type::Counter);
    Family blocked = family("multi6d_application_blocked",
                            "1 while an application's new connections fail (fallback = false and "
                            "no preferred uplink usable)",
                            Type::Gauge);
    for (const Application& a : input.applications) {
        const std::vector<Label> labels = {{"application", a.get<0>()}};
        const Details& d = a.get<1>();
        moves.samples.push_back(Sample{labels, get<std::uint64_t>(d, "moves").value_or(0)});
        blocked.samples.push_back(
            Sample{labels, std::uint64_t{get<bool>(d, "blocked").value_or(false) ? 1U : 0U}});
    }

    const Details& c = input.counters;
    return {
        info,
        up,
        rtt,
        rttvar,
        loss,
        sent,
        lost,
        changes,
        daemon_counter(c, "policy_changes", "multi6d_policy_changes_total",
                       "Changes of the path carrying generic destinations, the first choice "
                       "included"),
        daemon_counter(c, "failovers", "multi6d_failovers_total",
                       "Policy changes that moved generic destinations off a failed path"),
        daemon_counter(c, "repairs", "multi6d_repairs_total",
                       "Owned kernel state put back after someone else removed it"),
        daemon_counter(c, "router_advertisements_received",
                       "multi6d_router_advertisements_received_total",
                       "Router Advertisements read on managed links"),
        daemon_counter(c, "router_advertisements_rejected",
                       "multi6d_router_advertisements_rejected_total",
                       "Router Advertisements that failed the RFC 4861 validity checks"),
        by_method(c, "dbus_calls", "multi6d_dbus_calls_total",
                  "Calls of org.multi6d.Manager1 methods, by method"),
        by_method(c, "dbus_errors", "multi6d_dbus_errors_total",
                  "Error replies of org.multi6d.Manager1 methods, by method"),
        moves,
        blocked,
    };
}

}  // namespace multi6d::ctl
