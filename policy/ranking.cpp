#include "ranking.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "destination_ordering.hpp"

namespace multi6d {

namespace {

constexpr std::uint64_t unknown_metric = std::numeric_limits<std::uint64_t>::max();

std::uint64_t state_key(PathHealth h) {
    switch (h) {
        case PathHealth::Up:
            return 0;
        case PathHealth::Unknown:
            return 1;
        case PathHealth::Degraded:
            return 2;
        case PathHealth::Down:
            break;
    }
    return 3;
}

std::uint64_t usec_key(const std::optional<std::chrono::microseconds>& d) {
    if (!d) {
        return unknown_metric;
    }
    return d->count() < 0 ? 0 : static_cast<std::uint64_t>(d->count());
}

// Loss in parts per billion: integer keys keep the order strict and weak even
// for values that differ only in the last bits of a double.
std::uint64_t loss_key(const std::optional<double>& loss) {
    if (!loss || std::isnan(*loss)) {
        return unknown_metric;
    }
    const double clamped = std::clamp(*loss, 0.0, 1.0);
    // Rounded to nearest by hand (clamped is not negative): std::llround
    // would be a call into libm, which maps 64 KiB of it for that alone.
    return static_cast<std::uint64_t>(clamped * 1e9 + 0.5);
}

using MetricKeys = std::array<std::uint64_t, 5>;

MetricKeys keys_for(const PathMetrics& m, RankPreference p) {
    const std::uint64_t state = state_key(m.state);
    const std::uint64_t rtt = usec_key(m.rtt);
    const std::uint64_t loss = loss_key(m.loss);
    const std::uint64_t cost = m.cost;
    switch (p) {
        case RankPreference::Cost:
            return {state, cost, rtt, loss, 0};
        case RankPreference::Stability:
            return {state, loss, usec_key(m.rtt_variation), rtt, cost};
        case RankPreference::Latency:
            break;
    }
    return {state, rtt, loss, cost, 0};
}

bool is_possible_source(const Address& source, const Address& destination) {
    return !source.is_multicast() && !source.is_unspecified() &&
           is_ipv4(source) == is_ipv4(destination);
}

// The candidates usable for one destination (see ranking.hpp), with the
// metrics of each one's path; addresses are unique, so a source is found
// again by its address.
struct Usable {
    std::vector<SourceCandidate> sources;
    std::vector<std::size_t> index;  // into the caller's candidates
    std::vector<const PathMetrics*> metrics;
    std::vector<std::size_t> keys;  // application_order, 0 without one
    // The sources with the lowest key: Source(D) is chosen among them.
    std::vector<SourceCandidate> first_sources;

    const PathMetrics* metrics_of(const Address& a) const {
        for (std::size_t i = 0; i < sources.size(); ++i) {
            if (sources[i].address == a) {
                return metrics[i];
            }
        }
        return nullptr;
    }
};

// `by_key`: the candidates' indices ordered by application key, then
// index (so a repeated address counts on its lowest-keyed path).
Usable usable_candidates(std::span<const RankCandidate> candidates,
                         std::span<const std::size_t> by_key,
                         std::span<const std::size_t> application_order,
                         const Address& destination) {
    Usable u;
    for (const std::size_t i : by_key) {
        const RankCandidate& c = candidates[i];
        const std::size_t key = application_order.empty() ? 0 : application_order[i];
        if (key == rank_excluded || c.metrics.state == PathHealth::Down ||
            !is_possible_source(c.source.address, destination) || !reaches(c, destination) ||
            u.metrics_of(c.source.address) != nullptr) {
            continue;
        }
        u.sources.push_back(c.source);
        u.index.push_back(i);
        u.metrics.push_back(&c.metrics);
        u.keys.push_back(key);
        if (u.keys.front() == key) {
            u.first_sources.push_back(c.source);
        }
    }
    return u;
}

}  // namespace

std::optional<RankPreference> parse_rank_preference(std::string_view text) {
    if (text == "latency") {
        return RankPreference::Latency;
    }
    if (text == "cost") {
        return RankPreference::Cost;
    }
    if (text == "stability") {
        return RankPreference::Stability;
    }
    return std::nullopt;
}

std::string_view rank_preference_name(RankPreference preference) {
    switch (preference) {
        case RankPreference::Cost:
            return "cost";
        case RankPreference::Stability:
            return "stability";
        case RankPreference::Latency:
            break;
    }
    return "latency";
}

bool reaches(const RankCandidate& c, const Address& destination) {
    return c.default_route || std::ranges::any_of(c.routes, [&destination](const Prefix& p) {
               return p.contains(destination);
           });
}

int compare_path_metrics(const PathMetrics& a, const PathMetrics& b, RankPreference preference) {
    const MetricKeys ka = keys_for(a, preference);
    const MetricKeys kb = keys_for(b, preference);
    if (ka < kb) {
        return -1;
    }
    return kb < ka ? 1 : 0;
}

std::string rank_reason_name(const RankReason& reason) {
    switch (reason.kind) {
        case RankReason::Kind::Source:
            return reason.rule == source_rule::next_hop ? std::string("source-5.5")
                                                        : "source-" + std::to_string(reason.rule);
        case RankReason::Kind::Destination:
            return "destination-" + std::to_string(reason.rule);
        case RankReason::Kind::Application:
            return "application";
        case RankReason::Kind::None:
            break;
    }
    return "none";
}

std::vector<RankedPair> rank_pairs(std::span<const RankCandidate> candidates,
                                   std::span<const Address> destinations,
                                   const RankingContext& ctx) {
    const std::span<const std::size_t> application_order =
        ctx.application_order.size() == candidates.size() ? ctx.application_order
                                                          : std::span<const std::size_t>();
    std::vector<std::size_t> by_key(candidates.size());
    std::iota(by_key.begin(), by_key.end(), std::size_t{0});
    if (!application_order.empty()) {
        std::stable_sort(by_key.begin(), by_key.end(), [&](std::size_t a, std::size_t b) {
            return application_order[a] < application_order[b];
        });
    }
    std::vector<Address> unique_destinations;
    std::vector<std::size_t> destination_index;
    std::vector<Usable> usable_for;  // by position in unique_destinations
    for (std::size_t i = 0; i < destinations.size(); ++i) {
        if (std::find(unique_destinations.begin(), unique_destinations.end(), destinations[i]) ==
            unique_destinations.end()) {
            unique_destinations.push_back(destinations[i]);
            destination_index.push_back(i);
            usable_for.push_back(
                usable_candidates(candidates, by_key, application_order, destinations[i]));
        }
    }
    const auto usable_of = [&](const Address& d) -> const Usable& {
        const auto it = std::find(unique_destinations.begin(), unique_destinations.end(), d);
        return usable_for[static_cast<std::size_t>(it - unique_destinations.begin())];
    };

    const RankPreference preference = ctx.preference;
    const auto compare_sources_by_path = [&usable_of, preference](const SourceCandidate& a,
                                                                  const SourceCandidate& b,
                                                                  const Address& d) {
        const Usable& usable = usable_of(d);
        const PathMetrics* ma = usable.metrics_of(a.address);
        const PathMetrics* mb = usable.metrics_of(b.address);
        return ma != nullptr && mb != nullptr ? compare_path_metrics(*ma, *mb, preference) : 0;
    };

    DestinationOrderingContext dctx;
    dctx.source_selection.policy = ctx.policy;
    dctx.source_selection.performance = compare_sources_by_path;
    dctx.candidates_for = [&usable_of](const Address& d) -> std::span<const SourceCandidate> {
        return usable_of(d).first_sources;
    };
    dctx.performance = [&usable_of, preference](const RankedDestination& a,
                                                const RankedDestination& b) {
        if (!a.source || !b.source) {
            return 0;
        }
        const PathMetrics* ma = usable_of(a.destination).metrics_of(a.source->address);
        const PathMetrics* mb = usable_of(b.destination).metrics_of(b.source->address);
        return ma != nullptr && mb != nullptr ? compare_path_metrics(*ma, *mb, preference) : 0;
    };
    const SourceSelectionContext& sctx = dctx.source_selection;

    const std::vector<RankedDestination> ordered =
        order_destinations(unique_destinations, {}, dctx);

    std::vector<RankedPair> pairs;
    std::vector<std::size_t> order;  // positions in usable.sources
    for (std::size_t e = 0; e < ordered.size(); ++e) {
        const RankedDestination& entry = ordered[e];
        if (!entry.source) {
            continue;  // Rule 1 put every such destination last
        }
        const Address& d = entry.destination;
        const Usable& usable = usable_of(d);
        order.resize(usable.sources.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            if (usable.keys[a] != usable.keys[b]) {
                return usable.keys[a] < usable.keys[b];
            }
            return compare_sources(usable.sources[a], usable.sources[b], d, sctx).winner ==
                   Winner::First;
        });
        for (std::size_t k = 0; k < order.size(); ++k) {
            RankedPair pair;
            pair.candidate = usable.index[order[k]];
            pair.destination = destination_index[entry.input_index];
            if (k + 1 < order.size() && usable.keys[order[k]] != usable.keys[order[k + 1]]) {
                pair.reason = RankReason{RankReason::Kind::Application, 0};
            } else if (k + 1 < order.size()) {
                const int rule =
                    compare_sources(usable.sources[order[k]], usable.sources[order[k + 1]], d, sctx)
                        .rule;
                pair.reason = rule == source_rule::none
                                  ? RankReason{}
                                  : RankReason{RankReason::Kind::Source, rule};
            } else if (e + 1 < ordered.size() && ordered[e + 1].source) {
                pair.reason = RankReason{RankReason::Kind::Destination, entry.rule};
            }
            pairs.push_back(pair);
        }
    }
    return pairs;
}

PolicyTable applied_policy_table(const PolicyTable& base, const std::set<LabelRow>& labels) {
    PolicyTable table = base;
    for (const LabelRow& l : labels) {
        if (l.ifindex != 0) {
            continue;  // multi6d writes global rows only; see kernel_state.hpp
        }
        Precedence precedence = unmatched_precedence;
        for (const PolicyRow& r : base.rows()) {  // longest prefix first
            if (r.prefix.contains(l.prefix)) {
                precedence = r.precedence;
                break;
            }
        }
        table.set_row(PolicyRow{l.prefix, precedence, l.label.value});
    }
    return table;
}

}  // namespace multi6d
