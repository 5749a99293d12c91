#include "path.hpp"

#include <algorithm>

namespace multi6d {

std::vector<PathInfo> find_paths(const HostModel& model) {
    std::vector<PathInfo> paths;
    for (const auto& [ifindex, link] : model.links()) {
        if (!link.up) {
            continue;
        }
        for (const auto& router : link.routers) {
            for (const auto& advertised : router.prefixes) {
                bool any = false;
                bool preferred = false;
                for (const auto& a : link.addresses) {
                    if (a.usable() && advertised.prefix.contains(a.address)) {
                        any = true;
                        preferred = preferred || a.preferred();
                    }
                }
                if (!any || advertised.prefix.address().is_link_local()) {
                    continue;
                }
                paths.push_back(PathInfo{PathKey{ifindex, advertised.prefix, router.address},
                                         link.name, router.is_default_router(), router.preference(),
                                         !advertised.deprecated, preferred});
            }
        }
    }
    // links() is ordered by ifindex, routers by address, prefixes by prefix:
    // sorting makes the order the documented one regardless of that.
    std::ranges::sort(paths, {}, &PathInfo::key);
    return paths;
}

}  // namespace multi6d
