// `multi6ctl metrics`: the daemon's state as Prometheus metrics
// (exposition.hpp), from the D-Bus values it reads (Version, State,
// ListPaths, Counters). Pure, so it is unit-tested without a bus. The
// families and their meaning are listed in multi6ctl(1), METRICS.
//
// Per application (multi6d_application_*), the label application (its
// name). Per path, every sample carries the labels path (the path id), link,
// prefix, router and uplink; multi6d_path_up also carries state. A value
// the daemon does not know (RTT, RTT variation or loss of a path not
// measured yet) has no sample: an absent sample, not a made-up 0 or NaN.
#pragma once

#include <string>
#include <vector>

#include "ctl_format.hpp"
#include "exposition.hpp"

namespace multi6d::ctl {

struct MetricsInput {
    std::string version;
    std::string state;
    std::vector<Path> paths;                // ListPaths
    Details counters;                       // the Counters property
    std::vector<Application> applications;  // the Applications property
};

std::vector<exposition::Family> metric_families(const MetricsInput& input);

}  // namespace multi6d::ctl
