// The one decision (DESIGN.md §3): host model + path health + configuration
// → everything the daemon applies. Pure and deterministic like the parts it
// combines; the daemon formats and applies the result and derives nothing
// of its own from it.
//
// - kernel: the routes, rules, labels and taken-over links
//   (policy/routing_decision.hpp), plus the label rows of the known-local
//   ULA prefixes (policy/known_local.hpp) when [address_selection]
//   known_local_ula is on.
// - policy: the policy table the engine ranks with before multi6d's label
//   rows go on top ([address_selection] table plus known-local rows).
// - gai: the input of the gai.conf block (policy/gai_conf.hpp): the kernel's
//   label rows, and "prefer IPv4" while every IPv6 path is down
//   (RFC 6724 §10.3.1).
// - mptcp: the MPTCP endpoints wanted (policy/endpoint_wants.hpp).
// - generic: which path carries the generic destinations (2000::/3), as the
//   log and sd_notify STATUS say it ("generic destinations: ...").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "address.hpp"
#include "application_policy.hpp"
#include "config.hpp"
#include "endpoint_wants.hpp"
#include "gai_conf.hpp"
#include "host_model.hpp"
#include "kernel_state.hpp"
#include "path_health.hpp"
#include "policy_table.hpp"
#include "routing_decision.hpp"

namespace multi6d {

// The path whose label the generic destinations carry.
struct GenericChoice {
    // None: no path qualifies; the kernel's defaults decide.
    std::optional<AddressLabel> label;
    // The path behind that label: its prefix (the rule's source), router and
    // link. None when the label has no path with a default route (not
    // expected; reported by its label alone).
    struct Path {
        Prefix source;
        Address router;
        int ifindex = 0;
        friend bool operator==(const Path&, const Path&) = default;
    };
    std::optional<Path> path;
    friend bool operator==(const GenericChoice&, const GenericChoice&) = default;
};

struct Decision {
    KernelState kernel;
    GaiInput gai;
    // The configured default table with the known-local rows; the D-Bus
    // ranking uses applied_policy_table(policy, kernel.labels).
    PolicyTable policy = PolicyTable::rfc6724_update_default();
    std::vector<Prefix> known_local;
    std::map<Address, EndpointWant> mptcp;
    GenericChoice generic;
    // Per [[application]] with uids, in configuration order
    // (policy/application_policy.hpp); its rules and routes are in kernel.
    std::vector<ApplicationChoice> applications;
    // At least one path, and every one Down (RFC 6724 §10.3.1: prefer IPv4).
    bool ipv6_down = false;
};

// Reads health for the paths of find_paths(model) only; uplinks and
// [balance] come from `config`; `kernel` says what the running kernel can
// hold. Updates `ids` as decide_routing() does.
Decision decide(const HostModel& model, const PathHealthView& health, const Config& config,
                RoutingIds& ids, const KernelFeatures& kernel);

// Which path the generic destinations use in `state` (its 2000::/3 row).
GenericChoice generic_choice(const KernelState& state);

}  // namespace multi6d
