#include "decision.hpp"

#include "known_local.hpp"

namespace multi6d {

GenericChoice generic_choice(const KernelState& state) {
    GenericChoice choice;
    for (const auto& row : state.labels) {
        if (row.prefix == generic_destinations()) {
            choice.label = row.label;
        }
    }
    if (!choice.label) {
        return choice;
    }
    // The rule whose source carries that label leads to the path's table;
    // its default route with the lowest metric (the path's own router; the
    // others are RFC 8028 fallbacks) names the router and the link.
    for (const auto& rule : state.rules) {
        if (state.labels.count(LabelRow{rule.source, *choice.label}) == 0) {
            continue;
        }
        const PathRoute* best = nullptr;
        for (const auto& route : state.routes) {
            if (route.table == rule.table && route.destination.length() == 0 &&
                (best == nullptr || route.metric < best->metric)) {
                best = &route;
            }
        }
        if (best != nullptr) {
            choice.path = GenericChoice::Path{rule.source, best->gateway, best->ifindex};
            return choice;
        }
    }
    return choice;
}

Decision decide(const HostModel& model, const PathHealthView& health, const Config& config,
                RoutingIds& ids, const KernelFeatures& kernel) {
    // The health of this decision's paths, read once from their owner and
    // handed to the pure parts by value.
    RoutingInputs inputs;
    inputs.set_config(config);
    inputs.kernel = kernel;
    const std::vector<PathInfo> paths = find_paths(model);
    for (const PathInfo& path : paths) {
        inputs.health[path.key] = health.health(path.key);
    }

    Decision decision;
    decision.kernel = decide_routing(model, inputs, ids);
    const AddressSelectionSettings& selection = config.address_selection;
    if (selection.known_local_ula) {
        decision.known_local = known_local_ulas(model);
        add_known_local_labels(decision.kernel, decision.known_local);
    }
    decision.policy = address_selection_table(selection, decision.known_local);
    std::map<PathKey, PathMeasurement> measurements;
    for (const PathInfo& path : paths) {
        measurements.emplace(path.key, measurement_of(health.monitor(path.key)));
    }
    decision.applications = decide_applications(model, paths, inputs, measurements,
                                                config.applications, ids, decision.kernel);
    decision.ipv6_down = !paths.empty();
    for (const auto& [key, h] : inputs.health) {
        decision.ipv6_down = decision.ipv6_down && h == PathHealth::Down;
    }
    decision.gai.labels = decision.kernel.labels;
    decision.gai.ipv6_down = decision.ipv6_down;
    decision.gai.table = selection.table;
    decision.gai.known_local = decision.known_local;
    decision.mptcp = mptcp_endpoint_wants(model, inputs.health);
    decision.generic = generic_choice(decision.kernel);
    return decision;
}

}  // namespace multi6d
