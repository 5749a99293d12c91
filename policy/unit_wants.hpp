// What the cgroup of each unit an [[application]] lists (`units`) should
// get (issue 17 item 2): the same choice decide_applications() made for
// the application's users, carried out by the daemon's cgroup BPF
// programs (service/bpf/app_source.bpf.c) instead of uidrange rules.
//
// - Bind: a new connection (connect(2)) or unconnected datagram of the
//   unit whose socket has no source yet gets the chosen path's source
//   address. The exit follows from it: that address's `from P lookup
//   <path table>` rule (policy/routing_decision.hpp) routes it through the
//   path's router, so source and exit agree as they do for everyone else.
// - Block: no usable path and fallback = false: the unit's connections and
//   datagrams fail with EPERM, bound or not (as the uid block's
//   `unreachable` rule ahead of the source rules, application_policy.hpp).
// - Generic: no usable path and fallback = true: nothing is done; the
//   generic policy applies.
// A unit listed by two applications belongs to the first in configuration
// order, as a uid does.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "address.hpp"
#include "application_policy.hpp"
#include "config.hpp"

namespace multi6d {

enum class UnitAction : std::uint8_t { Generic, Bind, Block };

struct UnitWant {
    std::string application;
    UnitAction action = UnitAction::Generic;
    Address source;  // Bind only
    friend bool operator==(const UnitWant&, const UnitWant&) = default;
};

// Unit name → what its cgroup gets.
using UnitWants = std::map<std::string, UnitWant>;

// Every unit of `applications` with the choice of its application in
// `choices` (decide_applications()'s output for the same configuration).
UnitWants unit_wants(const std::vector<ApplicationConfig>& applications,
                     const std::vector<ApplicationChoice>& choices);

}  // namespace multi6d
