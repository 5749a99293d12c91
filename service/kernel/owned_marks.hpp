// The marks that make every piece of kernel state multi6d writes findable
// again (DESIGN.md §5): after a crash, at start-up (remove leftovers) and at
// stop (remove all it added). Anything carrying one of these marks belongs to
// multi6d and may be deleted by it; anything else is never touched.
//
// The numbers are fixed, not configurable: a daemon restarted with another
// configuration must still recognise what the previous run left behind.
#pragma once

#include <cstdint>

namespace multi6d::owned {

// Route protocol (rtm_protocol) of every route multi6d installs. Named in
// /etc/iproute2/rt_protos.d/multi6d.conf (shipped from
// service/rt_protos.d/multi6d.conf) so `ip route` prints "proto multi6d".
// 196 is unused by the kernel's RTPROT_* values and iproute2's rt_protos.
inline constexpr std::uint8_t route_protocol = 196;

// One contiguous block of 256 numbers, reused for tables, rule priorities and
// labels so that path N has table, rule priority and label 6600 + N.
inline constexpr std::uint32_t range_first = 6600;
inline constexpr std::uint32_t range_last = 6855;

// Routing tables: one table per (prefix, router) path (6601..6854), holding that path's
// default route and RIO routes (one table per path sidesteps libnl's route
// cache, which keys on (family, tos, table, dst, priority) and so collides
// on source-specific routes in one table, DESIGN.md §2).
inline constexpr std::uint32_t table_first = range_first;
inline constexpr std::uint32_t table_last = range_last;

// Rule priorities. 6600 holds `lookup main suppress_prefixlength 0`: main's
// on-link and more-specific routes keep working, while a default route in
// main (prefix length 0) is suppressed, so source rules decide the exit.
// 6601..6854 hold the per-path `from <prefix> lookup <table>` rules, and
// 6855 the unbound-lookups rule `from all lookup 6855` (table 6855, whose
// routes mirror the label rows: policy/routing_decision.hpp). All of them
// come before the kernel's `lookup main` at 32766.
inline constexpr std::uint32_t suppress_rule_priority = range_first;
inline constexpr std::uint32_t rule_priority_first = range_first;
inline constexpr std::uint32_t source_rule_priority_first = range_first + 1;
inline constexpr std::uint32_t rule_priority_last = range_last;

// Address labels (RFC 6724 §2.1 policy table, `ip addrlabel`). Every row
// multi6d adds or replaces carries a label in this range; the kernel's own
// rows use 0..12, and labels only matter by equality (RFC 6724 §5 Rule 6).
inline constexpr std::uint32_t label_first = range_first;
inline constexpr std::uint32_t label_last = range_last;

inline constexpr bool is_owned_table(std::uint32_t table) {
    return table >= table_first && table <= table_last;
}
inline constexpr bool is_owned_rule_priority(std::uint32_t priority) {
    return priority >= rule_priority_first && priority <= rule_priority_last;
}
inline constexpr bool is_source_rule_priority(std::uint32_t priority) {
    return priority >= source_rule_priority_first && priority <= rule_priority_last;
}
inline constexpr bool is_owned_label(std::uint32_t label) {
    return label >= label_first && label <= label_last;
}

inline constexpr std::uint32_t unbound_rule_priority = range_last;
inline constexpr std::uint32_t unbound_table = range_last;

static_assert(range_last - range_first + 1 == 256);

}  // namespace multi6d::owned
