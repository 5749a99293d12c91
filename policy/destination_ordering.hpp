// RFC 6724 §6: ordering the destination addresses of one name.
//
// Every destination first gets Source(D) from select_source() over the
// candidate set (the candidates of D's own family). The order is then a
// std::stable_sort with a comparator that is a strict weak order (in fact a
// strict total order on distinct input positions):
//
// - Rules 1–8 compare per-destination keys, exactly as the RFC words them.
// - Rules 9 and 10 as written are not a weak order: Rule 9 only relates
//   destinations of the same family, Rule 10 relates all by input position,
//   and together they can form a cycle (v6 CPL 40 at position 0, v4 at 1,
//   v6 CPL 64 at 2). Among destinations tied on Rules 1–8 (and on the
//   performance comparator), each family therefore keeps the positions it
//   had in the input, and its members are placed into those positions by
//   Rule 9 (larger CommonPrefixLen first), then by input order. Whenever the
//   RFC's pairwise rules admit a consistent order, this is that order; only
//   when they cycle does a cross-family pair leave input order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_set>
#include <vector>

#include "address.hpp"
#include "source_selection.hpp"

namespace multi6d {

struct RankedDestination {
    Address destination;
    std::optional<SourceCandidate> source;  // Source(D); nullopt: none (Rule 1)
    // In order_destinations() output: the rule that put this entry ahead of
    // the next one (1–10), 0 for the last entry. Inside the comparator: 0.
    int rule = 0;
    std::size_t input_index = 0;  // position in the input list
};

// Replaces Rules 9 and 10 (§6 allows it): < 0 when `a` should go first,
// > 0 when `b` should, 0 when it cannot tell (Rules 9 and 10 then decide).
// Must be a strict weak order; its decisions are reported as Rule 9.
using DestinationPerformance =
    std::function<int(const RankedDestination& a, const RankedDestination& b)>;

struct DestinationOrderingContext {
    // Policy table (also for Rules 5 and 6 here), knobs and Rule 8
    // replacement used to choose Source(D). Its `route` applies to every
    // destination unless route_for is set.
    SourceSelectionContext source_selection;
    // Per-destination route (Rules 5 and 5.5 of source selection); called
    // once per destination when set.
    std::function<DestinationRoute(const Address&)> route_for;
    // Per-destination candidate set (§4: the candidate set is "for a given
    // destination"), e.g. only the addresses whose routes reach it. Called
    // once per destination when set, instead of using `candidates`; the span
    // must stay valid while the comparator or order_destinations() runs.
    std::function<std::span<const SourceCandidate>(const Address&)> candidates_for;
    // Rule 7: true for a destination reached through encapsulation (or, as
    // §6 permits, a virtual interface). Unset: every destination is native.
    std::function<bool(const Address&)> encapsulated;
    // Rule 1: destinations known to be unreachable. May be nullptr.
    const std::unordered_set<Address>* unreachable = nullptr;
    // Replaces Rules 9 and 10 when set.
    DestinationPerformance performance;
};

struct DestinationComparison {
    Winner winner = Winner::Neither;  // Neither only when comparing an entry with itself
    int rule = 0;
};

// The comparator behind order_destinations(), exposed so its ordering
// properties can be tested. Construction selects every Source(D) and
// precomputes all per-destination keys; compare() only compares them (plus
// the performance comparator, if any).
class DestinationComparator {
  public:
    DestinationComparator(std::span<const Address> destinations,
                          std::span<const SourceCandidate> candidates,
                          const DestinationOrderingContext& ctx);

    std::size_t size() const { return entries_.size(); }
    // Entry for input position i (rule is 0).
    const RankedDestination& entry(std::size_t i) const { return entries_[i]; }

    // Which of the entries at input positions i and j goes first, and by
    // which rule (1–10).
    DestinationComparison compare(std::size_t i, std::size_t j) const;
    // Strict weak order: true when position i goes before position j.
    bool operator()(std::size_t i, std::size_t j) const {
        return compare(i, j).winner == Winner::First;
    }

  private:
    static constexpr std::size_t key_count = 8;  // Rules 1–8
    struct Keys {
        std::array<std::uint32_t, key_count> key{};  // lower is better
        bool ipv4 = false;
        unsigned common_prefix_len = 0;  // Rule 9
        std::size_t slot = 0;            // Rules 9 and 10, see the file comment
    };
    void assign_slots();

    std::vector<RankedDestination> entries_;
    std::vector<Keys> keys_;
    DestinationPerformance performance_;
};

// Orders destinations by §6 Rules 1–10. The output is a permutation of the
// input, each entry with Source(D) and the rule that separates it from the
// next entry.
std::vector<RankedDestination> order_destinations(std::span<const Address> destinations,
                                                  std::span<const SourceCandidate> candidates,
                                                  const DestinationOrderingContext& ctx);

}  // namespace multi6d
