// Ranking (source, destination) pairs for applications (DESIGN.md §3.7, the
// D-Bus method Rank): RFC 6724 with path performance in the places the RFC
// leaves to the implementation.
//
// - Source order for one destination D: RFC 6724 §5 Rules 1–7 as written,
//   with the policy table multi6d applies (so the first source is the one an
//   unbound connect() gets), and Rule 8 replaced by compare_path_metrics()
//   (§5: "Rule 8 may be superseded if the implementation has other means of
//   choosing among source addresses"); when the paths tie, longest matching
//   prefix still decides. Rule 5.5 is not needed: multi6d routes every source
//   through a router that advertised its prefix (RFC 8028 §3.2), so each
//   candidate's next hop is right by construction.
// - Destination order: §6 Rules 1–8 with Source(D) from above, Rules 9–10
//   replaced by comparing the paths of Source(D) (§6: "Rules 9 and 10 may be
//   superseded"); when the paths tie, Rules 9 and 10 still decide.
// - Pairs: destinations in that order; for each, every usable source in its
//   order. So the first pair is what the host itself would use, and the next
//   ones are the alternatives a multihomed host has: the same destination
//   through other paths before the next destination.
// - Usable for D: the candidate's path is not Down and has a route to D (a
//   default route, or one of its router's RFC 4191 routes covering D), and
//   the source is of D's family and can be a source at all (not multicast,
//   not unspecified). An address on several paths counts once per D, on the
//   first of them (in the caller's order, the order the kernel's rules try
//   them) that is usable for D: the kernel's rule lookup goes on to the next
//   rule when a table has no route.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "address.hpp"
#include "kernel_state.hpp"
#include "path.hpp"
#include "policy_table.hpp"
#include "source_selection.hpp"

namespace multi6d {

// Which path property an application cares about most (Rank option
// "preference"). Every preference ranks path state first (Up, then Unknown,
// then Degraded).
enum class RankPreference {
    Latency,    // lower smoothed RTT, then lower loss, then lower cost
    Cost,       // lower uplink cost, then lower RTT, then lower loss
    Stability,  // lower loss, then lower RTT variation, then lower RTT, then cost
};

// "latency", "cost", "stability"; nullopt for anything else.
std::optional<RankPreference> parse_rank_preference(std::string_view text);
std::string_view rank_preference_name(RankPreference preference);

// What the prober and the configuration know about one path. A metric that
// has not been measured yet is nullopt and ranks after every measured value.
struct PathMetrics {
    PathHealth state = PathHealth::Unknown;
    std::optional<std::chrono::microseconds> rtt;            // smoothed RTT
    std::optional<std::chrono::microseconds> rtt_variation;  // mean deviation of the RTT
    std::optional<double> loss;                              // fraction lost, 0..1
    unsigned cost = 100;                                     // [[uplink]] cost
    friend bool operator==(const PathMetrics&, const PathMetrics&) = default;
};

// < 0 when path a is better for `preference`, > 0 when b is, 0 when they tie.
// A strict weak order (lexicographic over keys; NaN loss counts as unknown).
int compare_path_metrics(const PathMetrics& a, const PathMetrics& b, RankPreference preference);

// One host address together with the path its traffic leaves through.
struct RankCandidate {
    SourceCandidate source;
    std::size_t path = 0;  // the caller's index of the path; opaque here
    PathMetrics metrics;
    // The destinations the path's table has a route for: all of them when
    // its router is a default router, else those inside one of `routes`
    // (RFC 4191 §4: a router with lifetime 0 may still advertise specific
    // routes). `routes` must outlive the rank_pairs() call.
    bool default_route = true;
    std::span<const Prefix> routes;
};

// True when c's path has a route to `destination`.
bool reaches(const RankCandidate& c, const Address& destination);

// Why a pair goes before the next one: an RFC 6724 source rule (1–8, 8 being
// path performance then longest match; the two pairs share their
// destination) or destination rule (1–10, 9 being path performance then
// common prefix length), or nothing (the last pair, or an exact tie).
// Application: the pairs rank as one [[application]]'s connections would go
// (RankingContext::application_order), and the application's order put the
// pair first.
struct RankReason {
    enum class Kind { None, Source, Destination, Application };
    Kind kind = Kind::None;
    int rule = 0;
    friend bool operator==(const RankReason&, const RankReason&) = default;
};

// "source-6", "destination-2", "application", "none".
std::string rank_reason_name(const RankReason& reason);

struct RankedPair {
    std::size_t candidate = 0;    // index into the candidates given to rank_pairs()
    std::size_t destination = 0;  // index into the destinations given to rank_pairs()
    RankReason reason;            // against the next pair
};

struct RankingContext {
    // The applied policy table; nullptr means
    // PolicyTable::rfc6724_update_default().
    const PolicyTable* policy = nullptr;
    RankPreference preference = RankPreference::Latency;
    // Ranking for one [[application]] (application_report.hpp): one key per
    // candidate, lower first, compared ahead of every RFC 6724 source rule
    // (the application's uidrange rule picks its route, and so its source,
    // before address selection could: ip6_dst_lookup_tail() takes the
    // route's preferred source); rank_excluded: the candidate is not
    // usable for it. Source(D) for the destination order (§6) is chosen
    // among the usable candidates with the lowest key, and an address on
    // several paths counts on its lowest-keyed one. Empty: every candidate
    // has the same key.
    std::span<const std::size_t> application_order;
};

inline constexpr std::size_t rank_excluded = static_cast<std::size_t>(-1);

// Every usable (candidate, destination) pair, best first, as the file
// comment describes. For each destination, a candidate whose address
// repeats an earlier usable candidate's is ignored (the caller lists an
// address's paths in the order the kernel's rules try them, so the first
// usable one is the one traffic takes); a repeated destination is ignored
// too. Destinations with no usable source give no pair.
std::vector<RankedPair> rank_pairs(std::span<const RankCandidate> candidates,
                                   std::span<const Address> destinations,
                                   const RankingContext& ctx);

// The policy table in force: `base` (the kernel's defaults) with multi6d's
// label rows on top. The kernel has no precedences; an added row takes the
// precedence `base` gives its prefix (so 2000::/3 gets ::/0's 40), which
// keeps destination Rule 6 as glibc and the kernel see it.
PolicyTable applied_policy_table(const PolicyTable& base, const std::set<LabelRow>& labels);

}  // namespace multi6d
