// The kernel routing state multi6d owns, as plain values: what the decision
// functions want and what the reconciler diffs against what is applied.
// The owned numbers and marks that make it findable again: owned_ids.hpp.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <set>

#include "address.hpp"
#include "owned_ids.hpp"

namespace multi6d {

// An IPv6 unicast route in one of multi6d's per-path tables, always with
// route protocol "multi6d": `destination via gateway dev ifindex table table
// metric metric`. One table per path, so at most one route per (table,
// destination, source, metric).
struct PathRoute {
    TableId table;
    Prefix destination;  // ::/0 for the path's default route
    Address gateway;     // :: for a route without a gateway (on-link)
    int ifindex = 0;
    // The kernel stores metric 0 as 1024 (IP6_RT_PRIO_USER); use the
    // default so a dump reads back what was written.
    std::uint32_t metric = 1024;
    // Source prefix of a source-specific route (RTA_SRC); ::/0 = any.
    // multi6d selects paths by rules, so this stays ::/0 in normal use; it
    // exists so that dumps of owned state see every owned route.
    Prefix source;
    // The source address the kernel gives an unbound socket that takes this
    // route (RTA_PREFSRC, `src A`); :: = none. Set only in the
    // [[application]] tables (policy/application_policy.hpp).
    Address preferred_source{};
    friend auto operator<=>(const PathRoute&, const PathRoute&) = default;
};

// The uids a rule matches (FRA_UID_RANGE, `uidrange first-last`).
struct UidRange {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    friend auto operator<=>(const UidRange&, const UidRange&) = default;
};

// `from source [uidrange U-V] lookup table priority priority`, or with
// `unreachable` instead of the lookup (table 0).
struct SourceRule {
    RulePriority priority;
    Prefix source;
    TableId table;
    std::optional<UidRange> uids{};  // [[application]] rules only
    bool unreachable = false;        // FR_ACT_UNREACHABLE: a blocked application
    friend auto operator<=>(const SourceRule&, const SourceRule&) = default;
};

// An RFC 6724 policy-table row in the kernel (`ip addrlabel`). Rows are
// keyed by (prefix, ifindex); multi6d writes global rows (ifindex 0).
struct LabelRow {
    Prefix prefix;
    AddressLabel label;
    int ifindex = 0;
    friend auto operator<=>(const LabelRow&, const LabelRow&) = default;
};

struct KernelState {
    // `lookup main suppress_prefixlength 0` ahead of the per-path rules, so
    // on-link and more-specific main-table routes keep working.
    bool suppress_rule = false;
    std::set<SourceRule> rules;
    std::set<PathRoute> routes;
    std::set<LabelRow> labels;
    // Links whose default-router selection multi6d has taken over
    // (accept_ra_defrtr=0).
    std::set<int> managed_links;
    friend bool operator==(const KernelState&, const KernelState&) = default;
};

}  // namespace multi6d
