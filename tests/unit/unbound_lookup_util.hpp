// What the kernel does with an unbound socket's connect() under a
// KernelState, for the routing decision tests (DESIGN.md §2): the lookup with
// source :: reaches only the unbound-lookups rule (source rules need a
// source); the source then follows the policy table (RFC 6724 Rule 6, our
// label rows); a socket bound to that source routes by the source rules.
// The exit of the first must be the exit of the last for every destination.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "kernel_state.hpp"
#include "owned_ids.hpp"

namespace multi6d::test {

// Longest match among the routes of `table` for a packet from `source`
// (:: = the lookup with source ::, which no source-specific route matches),
// then the longest source (the kernel looks in a destination's source
// subtree first), then the lowest metric (every neighbour reachable); its
// gateway.
inline std::optional<Address> table_exit(const KernelState& s, TableId table, const Address& d,
                                         const Address& source = Address()) {
    const auto source_matches = [&](const PathRoute& r) {
        return r.source.length() == 0 || (!source.is_unspecified() && r.source.contains(source));
    };
    const auto rank = [](const PathRoute& r) {
        return std::tuple(-static_cast<int>(r.destination.length()),
                          -static_cast<int>(r.source.length()), r.metric);
    };
    const PathRoute* best = nullptr;
    for (const auto& r : s.routes) {
        if (r.table == table && r.destination.contains(d) && source_matches(r) &&
            (best == nullptr || rank(r) < rank(*best))) {
            best = &r;
        }
    }
    return best == nullptr ? std::nullopt : std::optional<Address>(best->gateway);
}

inline bool has_unbound_rule(const KernelState& s) {
    return s.rules.contains(
        SourceRule{owned::unbound_rule_priority, Prefix(), owned::unbound_table});
}

// The exit of the lookup with source :: (nullopt: it falls through to main).
inline std::optional<Address> unbound_exit(const KernelState& s, const Address& d) {
    return has_unbound_rule(s) ? table_exit(s, owned::unbound_table, d) : std::nullopt;
}

// The exit of a socket bound to the source the label rows make Rule 6 pick.
inline std::optional<Address> sourced_exit(const KernelState& s, const Address& d) {
    const LabelRow* label = nullptr;
    for (const auto& row : s.labels) {
        if (row.prefix.contains(d) &&
            (label == nullptr || row.prefix.length() > label->prefix.length())) {
            label = &row;
        }
    }
    if (label == nullptr) {
        return std::nullopt;
    }
    for (const auto& rule : s.rules) {  // in priority order
        if (rule.priority == owned::unbound_rule_priority ||
            !s.labels.contains(LabelRow{rule.source, label->label})) {
            continue;
        }
        if (auto exit = table_exit(s, rule.table, d, rule.source.address())) {
            return exit;
        }
    }
    return std::nullopt;
}

// The routes of the per-path tables (without the unbound-lookups table).
inline std::set<PathRoute> path_routes(const KernelState& s) {
    std::set<PathRoute> out;
    for (const auto& r : s.routes) {
        if (r.table != owned::unbound_table) {
            out.insert(r);
        }
    }
    return out;
}

inline void expect_exits_agree(const KernelState& s, const std::vector<Address>& destinations) {
    ASSERT_TRUE(has_unbound_rule(s));
    for (const Address& d : destinations) {
        const auto unbound = unbound_exit(s, d);
        ASSERT_TRUE(unbound.has_value()) << d.to_string();
        EXPECT_EQ(unbound, sourced_exit(s, d)) << d.to_string();
    }
}

}  // namespace multi6d::test
