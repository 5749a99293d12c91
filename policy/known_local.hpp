// "Known-local" ULA prefixes (draft-ietf-6man-rfc6724-update §3.3, approved,
// in the RFC Editor queue) and the policy table multi6d applies
// ([address_selection], multi6d.toml(5)): which rows the engine, the kernel
// labels and the gai.conf block get on top of the default table. Pure.
//
// Known-local list (§3.3 rules 2-5 and 7), rebuilt from the host model on
// every decision so that whatever expired is gone (rule 7):
// - every live RIO inside fd00::/8 with a prefix length of 40 or more, as
//   advertised (rule 3; RIOs are the preferred source, rule 2);
// - the /48 of every PIO inside fd00::/8 not already covered, whatever its
//   L and A flags, while it is not deprecated (rules 4 and 7);
// - the /48 of every host address inside fd00::/8 not already covered
//   (rule 5; dadfailed addresses are not the host's).
// fc00::/8 (L=0) is left out: the draft defines known-locals only under
// fd00::/8. Not implemented: rule 1 (ignore RAs with the SNAC router flag;
// that flag has no assigned bit yet, so the RA parser cannot see it).
// At most max_known_local_prefixes entries, in the order above (RIOs first):
// the kernel scans its label list on every source selection.
//
// Kernel labels (`ip addrlabel` has labels only; precedence lives in the
// engine and gai.conf): each known-local prefix K gets a row unless the
// routing decision already has one for K (its path and RIO rows win):
// - if a path prefix P lies inside K (the host's own ULA /64 from a router),
//   K carries P's label, so a destination in K matches the source in P on
//   Rule 6, as label 14 on both would; P is the source of the first such
//   `from P` rule (rules are in priority order). The unbound-lookups table
//   (routing_decision.hpp) then gets K via the same router(s) as P, so the
//   exit of an unbound connect() agrees with the source (DESIGN.md §2);
// - otherwise K carries owned::known_local_label, the kernel's stand-in for
//   label 14 (a label of multi6d's own range, so stop and crash recovery
//   find it; the number only needs to differ from every other label).
// fc00::/7 needs no row: the kernel's built-in table already gives it a
// label of its own (5), which is all label 13 means for Rule 6.
#pragma once

#include <cstddef>
#include <vector>

#include "address.hpp"
#include "config.hpp"
#include "host_model.hpp"
#include "kernel_state.hpp"
#include "policy_table.hpp"

namespace multi6d {

inline constexpr std::size_t max_known_local_prefixes = 64;

// fd00::/8, where the draft's known-local prefixes live (RFC 4193 §3.1, L=1).
Prefix locally_assigned_ula_space();

// The known-local list of `model` (see above); no duplicates.
std::vector<Prefix> known_local_ulas(const HostModel& model);

// The configured default table ([address_selection] table) plus a
// (K, known_local_precedence, known_local_label) row for every K.
PolicyTable address_selection_table(const AddressSelectionSettings& settings,
                                    const std::vector<Prefix>& known_local);

// Adds the kernel label rows (and unbound-table routes) for `known_local`
// to `state`, which decide_routing() made.
void add_known_local_labels(KernelState& state, const std::vector<Prefix>& known_local);

}  // namespace multi6d
