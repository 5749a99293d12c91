#include "rule55_routes.hpp"

#include <cstdint>
#include <map>

namespace multi6d {

namespace {
constexpr std::uint32_t first_metric = 1024;  // IP6_RT_PRIO_USER, as in the path tables
}

std::vector<PathRoute> rule55_routes(const std::vector<const PathInfo*>& paths, TableId table) {
    std::vector<PathRoute> routes;
    // Next metric per source prefix: one per router of the prefix.
    std::map<Prefix, std::uint32_t> next_metric;
    for (const PathInfo* path : paths) {
        if (!path->default_router) {
            continue;
        }
        const PathKey& key = path->key;
        auto it = next_metric.try_emplace(key.prefix, first_metric).first;
        routes.push_back(
            PathRoute{table, Prefix(), key.router, key.ifindex, it->second++, key.prefix});
    }
    return routes;
}

}  // namespace multi6d
