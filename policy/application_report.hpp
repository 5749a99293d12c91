// The [[application]]s as the application interface reports them (D-Bus
// Applications and ListPaths, Rank's option "application"; multi6ctl):
// each one's current choice (application_policy.hpp) with what Rank needs
// to rank as its connections would go. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "address.hpp"
#include "application_mptcp.hpp"
#include "application_policy.hpp"
#include "config.hpp"
#include "path.hpp"
#include "path_report.hpp"

namespace multi6d {

struct ApplicationReport {
    std::string name;
    // From the configuration: the preferred uplinks, best first, and what
    // happens when none is usable.
    std::vector<std::string> uplinks;
    // "latency", "cost", "stability"; "" when unset.
    std::string preference;
    bool fallback = true;
    // The uplinks it chooses among (ApplicationChoice::candidates); Rank
    // reads `uplinks` when set, else these.
    std::vector<std::string> candidates;
    // The choice: the chosen path (its id as in ListPaths, "" if none), its
    // uplink and the source its unbound sockets get; blocked: fallback =
    // false and no preferred uplink usable (new connections fail).
    std::optional<PathKey> path;
    std::string path_id;
    std::string uplink;
    std::optional<Address> source;
    bool blocked = false;
    // mptcp = true and whether the program is loaded (the daemon sets it:
    // application_mptcp_state()).
    MptcpState mptcp = MptcpState::Off;
    friend bool operator==(const ApplicationReport&, const ApplicationReport&) = default;
};

// One report per choice (decide_applications(): the applications that
// match an account, in configuration order), with the configuration of the
// application of that name and the id of the chosen path in `paths`.
std::vector<ApplicationReport> application_reports(std::span<const ApplicationChoice> choices,
                                                   std::span<const ApplicationConfig> applications,
                                                   std::span<const PathReport> paths);

// The names of the applications whose own rule sends their new connections
// through the path `path_id` (those following the generic policy are not
// listed), in the order of `applications`.
std::vector<std::string> applications_on(std::span<const ApplicationReport> applications,
                                         const std::string& path_id);

// The key of `source` on `path` for RankingContext::application_order: 0 for
// the application's chosen source on its chosen path (what an unbound
// socket of the application gets: its table's route and `src`), 1 + i for
// the other addresses of candidate uplink i (its `uplinks` order, or for a
// preference alone the configuration's; 1 for every path when the
// candidates are every uplink), then, with fallback = true,
// 1 + candidates.size() for every other path (the generic policy's);
// rank_excluded for those other paths with fallback = false, and for everything when the
// application is blocked (its `unreachable` rule fails every new connection, bound or not).
std::size_t application_rank_key(const ApplicationReport& application, const PathReport& path,
                                 const Address& source);

}  // namespace multi6d
