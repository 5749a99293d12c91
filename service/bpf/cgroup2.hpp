// The cgroup2 hierarchy: where it is mounted and a cgroup's id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace multi6d::bpf {

// The mount point of the cgroup2 file system in `mountinfo` (the text of
// /proc/self/mountinfo, proc(5)): /sys/fs/cgroup on a unified host,
// /sys/fs/cgroup/unified on a hybrid one. The first such mount; octal
// escapes (\040) in the path decoded.
std::optional<std::string> cgroup2_mount_point(std::string_view mountinfo);

// The id the kernel gives the cgroup at `path` (what
// bpf_get_current_cgroup_id() returns for its processes): the kernfs id
// in its file handle, read as systemd does (cg_path_get_cgroupid(),
// name_to_handle_at(2)). nullopt, with errno set, on failure.
std::optional<std::uint64_t> cgroup_id(const std::string& path);

}  // namespace multi6d::bpf
