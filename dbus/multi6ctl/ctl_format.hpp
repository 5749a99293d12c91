// multi6ctl output: the replies of org.multi6d.Manager1 as aligned text
// tables or as JSON (--json). Pure functions of the D-Bus values, so they
// are unit-tested without a bus.
#pragma once

#include <sdbus-c++/Types.h>

#include <map>
#include <string>
#include <vector>

namespace multi6d::ctl {

using Details = std::map<std::string, sdbus::Variant>;
using Pair = sdbus::Struct<std::string, std::string, Details>;
using Path = sdbus::Struct<std::string, Details>;

struct Status {
    std::string version;
    std::string state;
    std::vector<Path> paths;
};

// Text: one line per pair/path with a header, columns aligned, "-" for a
// detail the daemon did not give. JSON: an array of flat objects (the
// details' keys, plus "source"/"destination" for pairs), or one object for
// status. Every result ends with a newline.
std::string format_pairs(const std::vector<Pair>& pairs, bool json);
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
