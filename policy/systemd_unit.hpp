// systemd unit names as an [[application]]'s `units` lists them, and the
// cgroup directories systemd makes for units. Pure: the daemon's cgroup
// walker (service/bpf/unit_cgroups.hpp) asks these questions of the
// directory names it reads.
//
// systemd names a unit's cgroup after the unit (systemd.unit(5),
// systemd.slice(5)): a service runs in <slice path>/NAME.service, a slice
// a-b.slice in a.slice/a-b.slice, a user's units inside their manager's
// user@UID.service (user.slice/user-UID.slice/user@UID.service/app.slice/
// NAME). Only units of the types that have a cgroup can be matched.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace multi6d {

// systemd's own limit (UNIT_NAME_MAX, src/basic/unit-name.h: 256 with the
// terminating NUL).
inline constexpr std::size_t max_unit_name_length = 255;
// At most this many units per [[application]] (one map entry and one BPF
// link per running instance each, multi6d(8)).
inline constexpr std::size_t max_units_per_application = 64;

// Empty when `name` is a unit name of a type with a cgroup (service,
// scope, slice, socket, mount, swap): 1 to 255 characters of [A-Za-z0-9:_.\-]
// with at most one '@' (a template's instance, which must not be empty),
// a non-empty name before the suffix. Otherwise a sentence saying what is
// wrong, naming the value.
std::string unit_name_problem(std::string_view name);

// True when a cgroup directory of this name can hold the cgroups of other
// units: a slice, or a user's service manager (user@UID.service), whose
// units live in slices of its own. The walker descends into and watches
// only these, so it never reads inside an ordinary service's or a scope's
// own subtree (a container's, a delegated service's).
bool cgroup_holds_units(std::string_view directory_name);

}  // namespace multi6d
