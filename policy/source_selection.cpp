#include "source_selection.hpp"

#include <array>
#include <cstdint>

#include "scope.hpp"

namespace multi6d {

namespace {

// Rules in the order §5 applies them; the last one (longest match) is also
// where the performance comparator sits.
constexpr std::array<int, 9> rule_order{1, 2, 3, 4, 5, source_rule::next_hop, 6, 7, 8};
constexpr std::size_t longest_match = rule_order.size() - 1;

// The destination-side inputs of every rule, computed once per destination.
struct DestinationView {
    const Address& address;
    std::uint8_t scope;
    Label label;
    bool ipv4;
};

// One key per rule, lower is better; a rule separates two candidates exactly
// when their keys differ, so the comparison is lexicographic on keys and
// hence a strict weak order.
struct CandidateKeys {
    bool eligible = false;
    std::array<std::uint8_t, rule_order.size()> key{};
};

DestinationView view_of(const Address& destination, const PolicyTable& table) {
    return {destination, static_cast<std::uint8_t>(scope_of(destination)), table.label(destination),
            is_ipv4(destination)};
}

bool advertised_by(const Address& address, const Address& router,
                   const PrefixAdvertisers& advertisers) {
    // Any advertised prefix containing the address counts, so an address
    // with a longer (e.g. DHCPv6 /128) prefix length still finds the PIO.
    for (const auto& [prefix, routers] : advertisers) {
        if (prefix.contains(address) && routers.contains(router)) {
            return true;
        }
    }
    return false;
}

CandidateKeys keys_of(const SourceCandidate& c, const DestinationView& d,
                      const SourceSelectionContext& ctx, const DestinationRoute& route,
                      const PolicyTable& table) {
    CandidateKeys k;
    // §4: multicast and unspecified addresses are never candidates; the
    // candidate set of an IPv4 destination is IPv4 and of IPv6 is IPv6.
    k.eligible =
        !c.address.is_multicast() && !c.address.is_unspecified() && is_ipv4(c.address) == d.ipv4;
    if (!k.eligible) {
        return k;
    }
    std::size_t i = 0;
    // Rule 1: prefer same address.
    k.key[i++] = c.address == d.address ? 0 : 1;
    // Rule 2: prefer appropriate scope. Among scopes >= Scope(D) the smallest
    // wins; any of those beats a scope below Scope(D); among scopes below
    // Scope(D) the largest wins. Scopes are 4-bit, so 32 - s ranks the low
    // ones after every s >= Scope(D).
    const auto s = static_cast<std::uint8_t>(scope_of(c.address));
    k.key[i++] = s >= d.scope ? s : static_cast<std::uint8_t>(32 - s);
    // Rule 3: avoid deprecated addresses (§3.3 exempts IPv4 forms).
    k.key[i++] = c.deprecated && !is_always_preferred(c.address) ? 1 : 0;
    // Rule 4: prefer home addresses (or care-of when reversed); see the
    // header for how "neither" is ranked.
    const bool preferred_role = ctx.prefer_home ? c.home : c.care_of;
    k.key[i++] = c.home && c.care_of ? 0 : preferred_role ? 1 : 2;
    // Rule 5: prefer the outgoing interface.
    k.key[i++] = route.outgoing_interface && c.interface != *route.outgoing_interface ? 1 : 0;
    // Rule 5.5: prefer addresses in a prefix advertised by the next hop.
    k.key[i++] = route.next_hop && ctx.advertisers != nullptr &&
                         !advertised_by(c.address, *route.next_hop, *ctx.advertisers)
                     ? 1
                     : 0;
    // Rule 6: prefer matching label.
    k.key[i++] = table.label(c.address) == d.label ? 0 : 1;
    // Rule 7: prefer temporary addresses (public ones when reversed).
    k.key[i++] = c.temporary == ctx.prefer_temporary ? 0 : 1;
    // Rule 8: use longest matching prefix.
    k.key[i++] = static_cast<std::uint8_t>(128 - common_prefix_len(c, d.address));
    return k;
}

SourceComparison compare_keys(const SourceCandidate& a, const CandidateKeys& ka,
                              const SourceCandidate& b, const CandidateKeys& kb,
                              const Address& destination, const SourceSelectionContext& ctx) {
    if (ka.eligible != kb.eligible) {
        return {ka.eligible ? Winner::First : Winner::Second, source_rule::none};
    }
    if (!ka.eligible) {
        return {};
    }
    for (std::size_t i = 0; i < longest_match; ++i) {
        if (ka.key[i] != kb.key[i]) {
            return {ka.key[i] < kb.key[i] ? Winner::First : Winner::Second, rule_order[i]};
        }
    }
    // Rule 8, or what replaces it (§5: "MAY be superseded if the
    // implementation has other means of choosing among source addresses").
    if (ctx.performance) {
        const int p = ctx.performance(a, b, destination);
        if (p != 0) {
            return {p < 0 ? Winner::First : Winner::Second, rule_order[longest_match]};
        }
    }
    if (ka.key[longest_match] != kb.key[longest_match]) {
        return {ka.key[longest_match] < kb.key[longest_match] ? Winner::First : Winner::Second,
                rule_order[longest_match]};
    }
    return {};
}

}  // namespace

const PolicyTable& SourceSelectionContext::table() const {
    static const PolicyTable default_table = PolicyTable::rfc6724_update_default();
    return policy != nullptr ? *policy : default_table;
}

bool is_always_preferred(const Address& a) {
    if (a.is_v4_mapped()) {
        return true;
    }
    bool compatible = true;  // ::/96, but not :: or ::1
    bool converted = a.byte(0) == 0x00 && a.byte(1) == 0x64 && a.byte(2) == 0xff &&
                     a.byte(3) == 0x9b;  // 64:ff9b::/96
    for (unsigned i = 0; i < 12; ++i) {
        compatible = compatible && a.byte(i) == 0;
        converted = converted && (i < 4 || a.byte(i) == 0);
    }
    return converted || (compatible && !a.is_unspecified() && !a.is_loopback());
}

unsigned common_prefix_len(const SourceCandidate& source, const Address& destination) {
    const unsigned shared = common_prefix_bits(source.address, destination);
    return shared < source.prefix_length ? shared : source.prefix_length;
}

SourceComparison compare_sources(const SourceCandidate& a, const SourceCandidate& b,
                                 const Address& destination, const SourceSelectionContext& ctx) {
    const PolicyTable& table = ctx.table();
    const DestinationView d = view_of(destination, table);
    return compare_keys(a, keys_of(a, d, ctx, ctx.route, table), b,
                        keys_of(b, d, ctx, ctx.route, table), destination, ctx);
}

SourceSelection select_source(std::span<const SourceCandidate> candidates,
                              const Address& destination, const SourceSelectionContext& ctx) {
    return select_source(candidates, destination, ctx, ctx.route);
}

SourceSelection select_source(std::span<const SourceCandidate> candidates,
                              const Address& destination, const SourceSelectionContext& ctx,
                              const DestinationRoute& route) {
    const PolicyTable& table = ctx.table();
    const DestinationView d = view_of(destination, table);
    // One pass keeping the best and the runner-up: with a strict weak order
    // that yields the maximum (earliest among equals) and the best of the rest.
    std::optional<std::size_t> best;
    std::optional<std::size_t> second;
    CandidateKeys best_keys;
    CandidateKeys second_keys;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const CandidateKeys k = keys_of(candidates[i], d, ctx, route, table);
        if (!k.eligible) {
            continue;
        }
        if (!best ||
            compare_keys(candidates[*best], best_keys, candidates[i], k, destination, ctx).winner ==
                Winner::Second) {
            second = best;
            second_keys = best_keys;
            best = i;
            best_keys = k;
        } else if (!second || compare_keys(candidates[*second], second_keys, candidates[i], k,
                                           destination, ctx)
                                      .winner == Winner::Second) {
            second = i;
            second_keys = k;
        }
    }
    SourceSelection result;
    if (!best) {
        return result;
    }
    result.source = candidates[*best];
    result.index = *best;
    if (second) {
        result.rule = compare_keys(candidates[*best], best_keys, candidates[*second], second_keys,
                                   destination, ctx)
                          .rule;
    }
    return result;
}

}  // namespace multi6d
