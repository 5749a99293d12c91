#include "endpoint_wants.hpp"

namespace multi6d {

std::map<Address, EndpointWant> mptcp_endpoint_wants(const HostModel& model,
                                                     const std::map<PathKey, PathHealth>& health) {
    std::map<Address, EndpointWant> wants;
    std::map<Address, bool> has_good_path;
    for (const PathInfo& path : find_paths(model)) {
        const Link* link = model.link(path.key.ifindex);
        if (link == nullptr) {
            continue;
        }
        const auto it = health.find(path.key);
        const PathHealth h = it == health.end() ? PathHealth::Unknown : it->second;
        const bool good = h == PathHealth::Unknown || h == PathHealth::Up;
        for (const HostAddress& a : link->addresses) {
            if (!path.key.prefix.contains(a.address) || a.address.is_link_local() ||
                a.flags.tentative || a.flags.dadfailed || a.flags.temporary) {
                continue;
            }
            wants[a.address].ifindex = path.key.ifindex;
            has_good_path[a.address] = has_good_path[a.address] || good;
        }
    }
    for (auto& [address, want] : wants) {
        want.backup = !has_good_path[address];
    }
    return wants;
}

}  // namespace multi6d
