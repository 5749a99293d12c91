#include "rule55_routes.hpp"

#include <cstdint>
#include <map>
#include <utility>

namespace multi6d {

namespace {
constexpr std::uint32_t first_metric = 1024;  // IP6_RT_PRIO_USER, as in the path tables
}

std::vector<PathRoute> rule55_routes(const HostModel& model,
                                     const std::vector<const PathInfo*>& paths, TableId table) {
    std::vector<PathRoute> routes;
    // Next metric per (destination, source): one per router of the prefix.
    std::map<std::pair<Prefix, Prefix>, std::uint32_t> next_metric;
    const auto add = [&](const Prefix& destination, const PathKey& key) {
        auto [it, fresh] = next_metric.try_emplace({destination, key.prefix}, first_metric);
        routes.push_back(
            PathRoute{table, destination, key.router, key.ifindex, it->second++, key.prefix});
    };
    for (const PathInfo* path : paths) {
        const PathKey& key = path->key;
        const Link* link = model.link(key.ifindex);
        const Router* router = link == nullptr ? nullptr : link->find_router(key.router);
        if (router == nullptr) {
            continue;
        }
        if (path->default_router) {
            add(Prefix(), key);
        }
        for (const auto& rio : router->routes) {
            if (rio.prefix.length() != 0) {  // a ::/0 RIO is the default above
                add(rio.prefix, key);
            }
        }
    }
    return routes;
}

}  // namespace multi6d
