// Counters for monitoring (multi6ctl metrics, the D-Bus Counters property and
// the per-path keys of ListPaths). Each counts events since the daemon
// started (a path's: since the path was found); none is ever decremented.
// Each fact has one owner that counts it, and readers read it at the time
// of the call: the prober counts probes, the path's PathMonitor its state
// changes, the daemon its decisions, repairs and Router Advertisements.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace multi6d {

// One path's counters, since the path was found (a path that vanishes and
// comes back starts from zero, as a Prometheus counter reset).
struct PathCounters {
    std::uint64_t probes_sent = 0;    // probes sent; each ends in a reply or a loss
    std::uint64_t probes_lost = 0;    // of those, probes without a valid reply in time
    std::uint64_t state_changes = 0;  // changes of the path's health (unknown, up, degraded, down)
    friend bool operator==(const PathCounters&, const PathCounters&) = default;
};

// The daemon's counters, since it started (kept across reloads).
struct DaemonCounters {
    // The path carrying generic destinations (2000::/3) changed: one per
    // "generic destinations: ..." log line, the first choice included.
    std::uint64_t policy_changes = 0;
    // Those policy changes that moved generic destinations off a path that
    // is down or gone now (a failover; a move back after recovery is not).
    std::uint64_t failovers = 0;
    // Owned kernel state (rules, routes, labels, sysctls) put back after
    // someone else removed or changed it (one per "repaired" log line).
    std::uint64_t repairs = 0;
    // Router Advertisements read on managed links, and those of them that
    // failed the RFC 4861 §6.1.2 validity checks (ignored).
    std::uint64_t router_advertisements_received = 0;
    std::uint64_t router_advertisements_rejected = 0;
    // Per [[application]] name: the times the path its new connections use
    // changed (to another path, to the generic policy or blocked, or back),
    // counted from the first path it got; one per "application NAME: ..."
    // log line after that.
    std::map<std::string, std::uint64_t> application_moves;
    friend bool operator==(const DaemonCounters&, const DaemonCounters&) = default;
};

}  // namespace multi6d
