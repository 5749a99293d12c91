#include "destination_ordering.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "scope.hpp"

namespace multi6d {

namespace {

// Rule 4 rank of Source(D), lower is better; "neither" is placed as in
// source selection (see compare_sources()). §6 offers no reversal of this
// rule, so prefer_home does not apply here.
std::uint32_t home_rank(const SourceCandidate& s) {
    return s.home && s.care_of ? 0 : s.home ? 1 : 2;
}

}  // namespace

DestinationComparator::DestinationComparator(std::span<const Address> destinations,
                                             std::span<const SourceCandidate> candidates,
                                             const DestinationOrderingContext& ctx)
    : performance_(ctx.performance) {
    const PolicyTable& table = ctx.source_selection.table();
    entries_.reserve(destinations.size());
    keys_.reserve(destinations.size());
    for (std::size_t i = 0; i < destinations.size(); ++i) {
        const Address& d = destinations[i];
        const DestinationRoute route =
            ctx.route_for ? ctx.route_for(d) : ctx.source_selection.route;
        const SourceSelection selected =
            select_source(ctx.candidates_for ? ctx.candidates_for(d) : candidates, d,
                          ctx.source_selection, route);
        entries_.push_back(RankedDestination{d, selected.source, 0, i});

        const std::optional<SourceCandidate>& s = selected.source;
        const PolicyValue dv = table.lookup(d);
        const Scope d_scope = scope_of(d);
        Keys k;
        std::size_t r = 0;
        // Rule 1: avoid unusable destinations.
        k.key[r++] = !s || (ctx.unreachable != nullptr && ctx.unreachable->contains(d)) ? 1 : 0;
        // Rule 2: prefer matching scope.
        k.key[r++] = s && scope_of(s->address) == d_scope ? 0 : 1;
        // Rule 3: avoid deprecated source addresses (§3.3 exempts IPv4 forms).
        k.key[r++] = s && s->deprecated && !is_always_preferred(s->address) ? 1 : 0;
        // Rule 4: prefer home addresses.
        k.key[r++] = s ? home_rank(*s) : 2;
        // Rule 5: prefer matching label.
        k.key[r++] = s && table.label(s->address) == dv.label ? 0 : 1;
        // Rule 6: prefer higher precedence.
        k.key[r++] = std::numeric_limits<Precedence>::max() - dv.precedence;
        // Rule 7: prefer native transport.
        k.key[r++] = ctx.encapsulated && ctx.encapsulated(d) ? 1 : 0;
        // Rule 8: prefer smaller scope.
        k.key[r++] = static_cast<std::uint32_t>(d_scope);
        k.ipv4 = is_ipv4(d);
        k.common_prefix_len = s ? common_prefix_len(*s, d) : 0;
        keys_.push_back(k);
    }
    assign_slots();
}

void DestinationComparator::assign_slots() {
    // Group positions by (Rules 1–8 keys, family), each group in input order:
    // those are the slots the group owns. Its members fill them ordered by
    // Rule 9 (larger CommonPrefixLen first), then input order (Rule 10).
    std::vector<std::size_t> order(keys_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    const auto same_group = [this](std::size_t a, std::size_t b) {
        return keys_[a].key == keys_[b].key && keys_[a].ipv4 == keys_[b].ipv4;
    };
    std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        if (keys_[a].key != keys_[b].key) {
            return keys_[a].key < keys_[b].key;
        }
        if (keys_[a].ipv4 != keys_[b].ipv4) {
            return keys_[a].ipv4 < keys_[b].ipv4;
        }
        return a < b;
    });
    std::vector<std::size_t> members;
    members.reserve(order.size());
    for (std::size_t begin = 0; begin < order.size();) {
        std::size_t end = begin + 1;
        while (end < order.size() && same_group(order[begin], order[end])) {
            ++end;
        }
        members.assign(order.begin() + static_cast<std::ptrdiff_t>(begin),
                       order.begin() + static_cast<std::ptrdiff_t>(end));
        std::sort(members.begin(), members.end(), [this](std::size_t a, std::size_t b) {
            if (keys_[a].common_prefix_len != keys_[b].common_prefix_len) {
                return keys_[a].common_prefix_len > keys_[b].common_prefix_len;
            }
            return a < b;
        });
        for (std::size_t m = 0; m < members.size(); ++m) {
            keys_[members[m]].slot = order[begin + m];
        }
        begin = end;
    }
}

DestinationComparison DestinationComparator::compare(std::size_t i, std::size_t j) const {
    if (i == j) {
        return {};
    }
    const Keys& a = keys_[i];
    const Keys& b = keys_[j];
    for (std::size_t r = 0; r < key_count; ++r) {
        if (a.key[r] != b.key[r]) {
            return {a.key[r] < b.key[r] ? Winner::First : Winner::Second, static_cast<int>(r + 1)};
        }
    }
    if (performance_) {
        const int p = performance_(entries_[i], entries_[j]);
        if (p != 0) {
            return {p < 0 ? Winner::First : Winner::Second, 9};
        }
    }
    const int rule = a.ipv4 == b.ipv4 && a.common_prefix_len != b.common_prefix_len ? 9 : 10;
    return {a.slot < b.slot ? Winner::First : Winner::Second, rule};
}

std::vector<RankedDestination> order_destinations(std::span<const Address> destinations,
                                                  std::span<const SourceCandidate> candidates,
                                                  const DestinationOrderingContext& ctx) {
    const DestinationComparator comparator(destinations, candidates, ctx);
    std::vector<std::size_t> order(comparator.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), std::cref(comparator));
    std::vector<RankedDestination> result;
    result.reserve(order.size());
    for (std::size_t n = 0; n < order.size(); ++n) {
        result.push_back(comparator.entry(order[n]));
        if (n + 1 < order.size()) {
            result.back().rule = comparator.compare(order[n], order[n + 1]).rule;
        }
    }
    return result;
}

}  // namespace multi6d
