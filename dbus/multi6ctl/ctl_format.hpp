// multi6ctl output: the replies of org.multi6d.Manager1 as aligned text
// tables or as JSON (--json). Pure functions of the D-Bus values, so they
// are unit-tested without a bus.
#pragma once

#include <sdbus-c++/Types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace multi6d::ctl {

using Details = std::map<std::string, sdbus::Variant>;
// Rank's pair: source, destination, path id, state, rtt_usec, loss, rule.
using Pair = sdbus::Struct<std::string, std::string, std::string, std::string, std::uint64_t,
                           double, std::string>;
using Path = sdbus::Struct<std::string, Details>;
// An entry of the Applications property: name, details.
using Application = sdbus::Struct<std::string, Details>;

struct Status {
    std::string version;
    std::string state;
    std::vector<Path> paths;
    std::vector<Application> applications;
};

// A pair as the details it had before the typed reply (API v1): path,
// state, rtt_usec and loss (absent while unknown: the reply's sentinels),
// rule, and the path's uplink and router from `paths` (ListPaths; absent if
// the path is not there). multi6ctl's output keeps these keys.
Details pair_details(const Pair& pair, const std::vector<Path>& paths);

// Text: one line per pair/path with a header, columns aligned, "-" for a
// detail the daemon did not give. JSON: an array of flat objects (the
// details' keys, plus "source"/"destination" for pairs), or one object for
// status. Every result ends with a newline. `paths` gives each pair's
// uplink and router.
std::string format_pairs(const std::vector<Pair>& pairs, const std::vector<Path>& paths, bool json);
std::string format_paths(const std::vector<Path>& paths, bool json);
std::string format_status(const Status& status, bool json);

// One line (with newline) per monitor event.
std::string format_path_event(const std::string& path, const std::string& state,
                              const Details& details, bool json);
std::string format_policy_event(const std::string& reason, bool json);
std::string format_state_event(const std::string& state, bool json);
std::string format_daemon_event(bool running, bool json);

// "20.0ms" from microseconds; "1.5%" from a fraction; "-" when absent.
std::string format_rtt(const Details& details, const std::string& key);
std::string format_loss(const Details& details);

}  // namespace multi6d::ctl
