#include "uplink.hpp"

namespace multi6d {

PathUplink uplink_of(const std::vector<UplinkConfig>& uplinks, const PathKey& path) {
    const UplinkConfig* best = nullptr;
    unsigned best_length = 0;
    for (const auto& u : uplinks) {
        for (const Prefix& p : u.match_prefixes) {
            if (p.contains(path.prefix) && (best == nullptr || p.length() > best_length)) {
                best = &u;
                best_length = p.length();
            }
        }
    }
    for (const auto& u : uplinks) {
        if (best != nullptr) {
            break;
        }
        for (const Address& r : u.match_routers) {
            if (r == path.router) {
                best = &u;
                break;
            }
        }
    }
    if (best == nullptr) {
        return PathUplink{path.prefix.to_string()};
    }
    return PathUplink{best->name, best->role, best->cost, best->weight, true};
}

}  // namespace multi6d
