// RFC 6724 §5: choosing the source address for one destination.
//
// The rules are evaluated as per-candidate keys (computed once per candidate
// and destination) followed by the optional pairwise performance comparator,
// so selection is one linear pass and the comparison is a strict weak order
// whenever the performance comparator is one. Two places where the RFC's
// wording is not a weak order are resolved on purpose (see Rule 4 and
// Rule 5.5 below); everything else is the RFC's rule as written.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "address.hpp"
#include "policy_table.hpp"

namespace multi6d {

// One address in the candidate set (RFC 6724 §4). The caller builds the set:
// for multicast and link-local destinations it MUST hold only addresses on
// the outgoing link (§4); select_source() itself drops multicast and
// unspecified addresses and addresses of the other family.
struct SourceCandidate {
    Address address;
    // Prefix length of the address, counted on the 128-bit form (an IPv4
    // /24 is 120). Caps CommonPrefixLen (§2.2) so interface-ID bits never
    // count; 128 means "unknown, use the whole address".
    unsigned prefix_length = 128;
    bool deprecated = false;  // Rule 3; ignored for IPv4 (§3.3: always preferred)
    bool temporary = false;   // Rule 7 (RFC 8981 address)
    bool home = false;        // Rule 4, Mobile IPv6 home address
    bool care_of = false;     // Rule 4, Mobile IPv6 care-of address
    int interface = 0;        // ifindex, Rule 5
    friend bool operator==(const SourceCandidate&, const SourceCandidate&) = default;
};

// Which routers advertised each prefix in a PIO (RFC 8028 §3.1), keyed by
// the advertised prefix; routers are their link-local addresses.
using PrefixAdvertisers = std::map<Prefix, std::set<Address>>;

// Replaces Rule 8 (§5 allows "knowledge of which source performs best"):
// < 0 when `a` performs better towards `destination`, > 0 when `b` does, 0
// when it cannot tell. The destination matters when an address's traffic
// takes different paths to different destinations. Must be a strict weak
// order for each destination (e.g. compare a per-path score); on 0 the
// longest-match rule still breaks the tie, and either way Rule 8 is reported.
using SourcePerformance = std::function<int(const SourceCandidate& a, const SourceCandidate& b,
                                            const Address& destination)>;

// What routing decided for one destination D; both parts are optional
// because the caller may not know them.
struct DestinationRoute {
    // Rule 5: the interface that will be used to send to D. Unset: Rule 5 is
    // skipped.
    std::optional<int> outgoing_interface;
    // Rule 5.5: the next hop (router link-local address) chosen for D.
    // Unset: Rule 5.5 is skipped.
    std::optional<Address> next_hop;
};

struct SourceSelectionContext {
    // Table for Rule 6; nullptr means PolicyTable::rfc6724_update_default()
    // (draft-ietf-6man-rfc6724-update §3.1, without known-local rows).
    const PolicyTable* policy = nullptr;
    // Route to D for Rules 5 and 5.5.
    DestinationRoute route;
    // Rule 5.5 needs this too: it is applied only when both route.next_hop
    // and advertisers are set (§5: "only if the stack tracks" advertisers).
    const PrefixAdvertisers* advertisers = nullptr;
    // Replaces Rule 8 when set.
    SourcePerformance performance;
    // Rule 7 (§5: the RFC's default prefers temporary addresses; the
    // Privacy Preference flag and RFC 5014 IPV6_PREFER_SRC_PUBLIC reverse it).
    bool prefer_temporary = true;
    // Rule 4 (§5: RFC 5014 IPV6_PREFER_SRC_COA reverses it).
    bool prefer_home = true;

    // `*policy`, or the default table when policy is nullptr.
    const PolicyTable& table() const;
};

// Rule numbers as the RFC names them; 5.5 is reported as 55, and 0 means
// "no rule separates them" (implementation order: the earlier candidate).
namespace source_rule {
inline constexpr int none = 0;
inline constexpr int next_hop = 55;
}  // namespace source_rule

enum class Winner { First, Second, Neither };

struct SourceComparison {
    Winner winner = Winner::Neither;
    int rule = source_rule::none;
};

// Compares two candidates for `destination` rule by rule (§5) and says which
// is preferred and which rule decided. A candidate that cannot be a source
// for this destination (other address family, multicast, unspecified) loses
// to one that can, with rule 0.
//
// Rule 4 as implemented: home-and-care-of beats everything, a home address
// beats an address that is not one, and a care-of address ties with an
// address that is neither (as Linux's HOA rule does); with prefer_home unset
// home and care-of swap roles. The RFC only orders home against care-of;
// placing "neither" somewhere is needed for a weak order.
// Rule 5.5 as implemented: an address inside a prefix the next hop
// advertised beats any address that is not (the RFC names only addresses
// from other routers; an address of unknown origin is treated the same,
// since the next hop's ingress filter may drop it — RFC 8678 §6.5).
SourceComparison compare_sources(const SourceCandidate& a, const SourceCandidate& b,
                                 const Address& destination, const SourceSelectionContext& ctx);

struct SourceSelection {
    std::optional<SourceCandidate> source;  // nullopt: no usable candidate
    std::size_t index = 0;                  // of `source` in the candidate span
    // Rule that put the winner ahead of the runner-up; 0 when the runner-up
    // tied at every rule (the earlier one won) or there was no runner-up.
    int rule = source_rule::none;
};

// Source(D) per §5: the best candidate; among equals the earliest one.
// Linear in the number of candidates; allocates nothing.
SourceSelection select_source(std::span<const SourceCandidate> candidates,
                              const Address& destination, const SourceSelectionContext& ctx);
// The same with `route` in place of ctx.route (destination ordering calls
// this once per destination, each with its own route).
SourceSelection select_source(std::span<const SourceCandidate> candidates,
                              const Address& destination, const SourceSelectionContext& ctx,
                              const DestinationRoute& route);

// §3.3: IPv4 addresses and IPv4-mapped, IPv4-compatible (::/96) and
// IPv4-converted (well-known prefix 64:ff9b::/96, RFC 6052) addresses always
// count as preferred, whatever their deprecated flag says.
bool is_always_preferred(const Address& a);

// True for an address that counts as IPv4 for address selection: the
// candidate set of an IPv4 destination is its IPv4 addresses, and vice versa.
inline bool is_ipv4(const Address& a) {
    return a.is_v4_mapped();
}

// CommonPrefixLen(S, D) of §2.2: shared leading bits, capped at S's prefix
// length (counted on the 128-bit form).
unsigned common_prefix_len(const SourceCandidate& source, const Address& destination);

}  // namespace multi6d
