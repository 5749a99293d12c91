// Property tests over many seeded random inputs: both comparators are strict
// weak orders, the selections are consistent with them, ordering returns a
// permutation, and whenever RFC 6724 §6's pairwise rules (taken literally)
// admit a consistent order, order_destinations() returns exactly that order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "destination_ordering.hpp"
#include "rfc6724_test_util.hpp"
#include "scope.hpp"
#include "source_selection.hpp"

namespace multi6d {
namespace {

using test::addr;

constexpr std::uint64_t seed = 6724;
constexpr int cases = 1000;

class Generator {
  public:
    explicit Generator(std::uint64_t s) : rng_(s) {}

    int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
    bool chance(int one_in) { return uniform(1, one_in) == 1; }

    // Addresses from the families the RFC vectors use, with many
    // collisions in prefix, scope, label and CommonPrefixLen.
    Address address(bool allow_multicast) {
        static constexpr unsigned v6_subnets[] = {0x1,    0x2,    0x3,    0x3f44,
                                                  0x3ffe, 0x1aaa, 0x70aa, 0x6ccc};
        char buf[64];
        const int y = uniform(1, 4);
        switch (uniform(0, allow_multicast ? 10 : 9)) {
            case 0:
            case 1:
                std::snprintf(buf, sizeof buf, "2001:db8:%x::%x", v6_subnets[uniform(0, 7)], y);
                break;
            case 2:
                std::snprintf(buf, sizeof buf, "fe80::%x", y);
                break;
            case 3:
                std::snprintf(buf, sizeof buf, "fd11:1111:1111:%x::%x", uniform(1, 2), y);
                break;
            case 4:
                std::snprintf(buf, sizeof buf, "2002:c633:6401:%x::%x", uniform(0, 2), y);
                break;
            case 5: {
                static constexpr const char* v4[] = {"10.1.2", "169.254.13", "198.51.100",
                                                     "127.0.0"};
                std::snprintf(buf, sizeof buf, "%s.%d", v4[uniform(0, 3)], y);
                break;
            }
            case 6:
                std::snprintf(buf, sizeof buf, "%s", chance(2) ? "::1" : "::10.1.2.3");
                break;
            case 7:
                std::snprintf(buf, sizeof buf, "fec0::%x", y);
                break;
            case 8:
                std::snprintf(buf, sizeof buf, "2001::%x", y);
                break;
            case 9:
                std::snprintf(buf, sizeof buf, "3ffe::%x", y);
                break;
            default: {
                static constexpr const char* scopes = "01258e";
                std::snprintf(buf, sizeof buf, "ff0%c::1", scopes[uniform(0, 5)]);
                break;
            }
        }
        return addr(buf);
    }

    // Global IPv6 documentation addresses and global IPv4 only: with IPv4 at
    // the precedence of ::/0 these tie across families on Rules 1-8 often,
    // which is where Rules 9 and 10 can cycle.
    Address tied_family_address() {
        static constexpr unsigned v6_subnets[] = {0x1, 0x3f44, 0x3ffe, 0x1aaa, 0x70aa, 0x6ccc};
        char buf[64];
        if (chance(3)) {
            std::snprintf(buf, sizeof buf, "%s.%d", chance(2) ? "10.1.2" : "198.51.100",
                          uniform(1, 4));
        } else {
            std::snprintf(buf, sizeof buf, "2001:db8:%x::%x", v6_subnets[uniform(0, 5)],
                          uniform(1, 4));
        }
        return addr(buf);
    }

    bool tied_families = false;

    SourceCandidate candidate(bool mobile) {
        SourceCandidate c;
        c.address = tied_families ? tied_family_address() : address(chance(10));
        static constexpr unsigned v6_lengths[] = {64, 64, 48, 128};
        c.prefix_length =
            c.address.is_v4_mapped() ? (chance(2) ? 120 : 128) : v6_lengths[uniform(0, 3)];
        c.deprecated = chance(4);
        c.temporary = chance(4);
        c.home = mobile && chance(3);
        c.care_of = mobile && chance(3);
        c.interface = uniform(1, 3);
        return c;
    }

    std::vector<SourceCandidate> candidates(bool mobile) {
        std::vector<SourceCandidate> out(static_cast<std::size_t>(uniform(0, 7)));
        for (auto& c : out) {
            c = candidate(mobile);
        }
        return out;
    }

    PolicyTable table() {
        PolicyTable t = PolicyTable::rfc6724_default();
        if (tied_families) {
            t.set_row({test::prefix("::ffff:0:0/96"), 40, 4});
            return t;
        }
        static constexpr unsigned lengths[] = {7, 10, 16, 32, 48, 64, 96, 120};
        static constexpr Precedence precedences[] = {1, 3, 35, 40, 45, 100};
        static constexpr Label labels[] = {1, 2, 4, 6, 13, 14, 1000000};
        for (int n = uniform(0, 3); n > 0; --n) {
            t.set_row({Prefix(address(true), lengths[uniform(0, 7)]), precedences[uniform(0, 5)],
                       labels[uniform(0, 6)]});
        }
        if (chance(8)) {
            t.remove_row(test::prefix("::/0"));
        }
        if (chance(4)) {
            t.set_row({test::prefix("::ffff:0:0/96"), 40, 4});
        }
        return t;
    }

    Address router() { return addr(chance(2) ? "fe80::a" : chance(2) ? "fe80::b" : "fe80::c"); }

    DestinationRoute route() {
        DestinationRoute r;
        if (chance(2)) {
            r.outgoing_interface = uniform(1, 3);
        }
        if (chance(2)) {
            r.next_hop = router();
        }
        return r;
    }

    PrefixAdvertisers advertisers(const std::vector<SourceCandidate>& cs) {
        PrefixAdvertisers map;
        for (const SourceCandidate& c : cs) {
            if (chance(2)) {
                map[Prefix(c.address, chance(3) ? 48 : 64)].insert(router());
            }
        }
        return map;
    }

  private:
    std::mt19937_64 rng_;
};

// Performance comparators that are weak orders: compare a per-item score.
int source_score(const SourceCandidate& c) {
    return c.address.byte(15) % 3;
}
int destination_score(const RankedDestination& d) {
    return (d.destination.byte(15) / 2) % 3;
}

// One random source-selection setting; owns what the context points to.
struct SourceCase {
    PolicyTable table;
    PrefixAdvertisers advertisers;
    std::vector<SourceCandidate> candidates;
    SourceSelectionContext ctx;
};

void randomise_context(Generator& g, SourceCase& sc) {
    sc.ctx.policy = &sc.table;
    sc.ctx.route = g.route();
    if (g.chance(2)) {
        sc.ctx.advertisers = &sc.advertisers;
    }
    if (g.chance(3)) {
        sc.ctx.performance = [](const SourceCandidate& a, const SourceCandidate& b,
                                const Address&) { return source_score(a) - source_score(b); };
    }
    sc.ctx.prefer_temporary = !g.chance(4);
    sc.ctx.prefer_home = !g.chance(4);
}

Winner mirror(Winner w) {
    return w == Winner::First ? Winner::Second : w == Winner::Second ? Winner::First : w;
}

TEST(Rfc6724Properties, SourceComparisonIsAStrictWeakOrder) {
    Generator g(seed);
    for (int n = 0; n < cases; ++n) {
        SourceCase sc{g.table(), {}, g.candidates(true), {}};
        sc.advertisers = g.advertisers(sc.candidates);
        randomise_context(g, sc);
        const Address d = g.address(true);
        const auto& cs = sc.candidates;
        std::vector<SourceComparison> matrix(cs.size() * cs.size());
        for (std::size_t i = 0; i < cs.size(); ++i) {
            for (std::size_t j = 0; j < cs.size(); ++j) {
                matrix[i * cs.size() + j] = compare_sources(cs[i], cs[j], d, sc.ctx);
            }
        }
        const auto at = [&](std::size_t i, std::size_t j) { return matrix[i * cs.size() + j]; };
        const auto better = [&](std::size_t i, std::size_t j) {
            return at(i, j).winner == Winner::First;
        };
        const auto equivalent = [&](std::size_t i, std::size_t j) {
            return !better(i, j) && !better(j, i);
        };
        for (std::size_t i = 0; i < cs.size(); ++i) {
            ASSERT_EQ(at(i, i).winner, Winner::Neither);  // irreflexive
            for (std::size_t j = 0; j < cs.size(); ++j) {
                ASSERT_EQ(at(i, j).winner, mirror(at(j, i).winner)) << "case " << n;
                ASSERT_EQ(at(i, j).rule, at(j, i).rule) << "case " << n;
                if (at(i, j).winner == Winner::Neither) {
                    ASSERT_EQ(at(i, j).rule, source_rule::none);
                }
                for (std::size_t k = 0; k < cs.size(); ++k) {
                    if (better(i, j) && better(j, k)) {
                        ASSERT_TRUE(better(i, k)) << "case " << n;  // transitive
                    }
                    if (equivalent(i, j) && equivalent(j, k)) {
                        ASSERT_TRUE(equivalent(i, k)) << "case " << n;
                    }
                }
            }
        }
    }
}

TEST(Rfc6724Properties, SelectedSourceIsTheEarliestBest) {
    Generator g(seed + 1);
    int with_runner_up = 0;
    for (int n = 0; n < cases; ++n) {
        SourceCase sc{g.table(), {}, g.candidates(true), {}};
        sc.advertisers = g.advertisers(sc.candidates);
        randomise_context(g, sc);
        const Address d = g.address(true);
        const auto& cs = sc.candidates;
        const SourceSelection s = select_source(cs, d, sc.ctx);

        // Brute force: the earliest eligible candidate nothing beats, and the
        // same over the rest for the runner-up.
        const auto eligible = [&](const SourceCandidate& c) {
            return !c.address.is_multicast() && !c.address.is_unspecified() &&
                   is_ipv4(c.address) == is_ipv4(d);
        };
        const auto best_of = [&](std::optional<std::size_t> skip) -> std::optional<std::size_t> {
            for (std::size_t i = 0; i < cs.size(); ++i) {
                if (i == skip || !eligible(cs[i])) {
                    continue;
                }
                bool beaten = false;
                for (std::size_t j = 0; j < cs.size() && !beaten; ++j) {
                    beaten = j != skip && j != i && eligible(cs[j]) &&
                             compare_sources(cs[j], cs[i], d, sc.ctx).winner == Winner::First;
                }
                if (!beaten) {
                    return i;
                }
            }
            return std::nullopt;
        };
        const auto best = best_of(std::nullopt);
        ASSERT_EQ(s.source.has_value(), best.has_value()) << "case " << n;
        if (!best) {
            continue;
        }
        ASSERT_EQ(s.index, *best) << "case " << n;
        ASSERT_EQ(*s.source, cs[*best]);
        const auto runner_up = best_of(*best);
        if (runner_up) {
            ++with_runner_up;
            ASSERT_EQ(s.rule, compare_sources(cs[*best], cs[*runner_up], d, sc.ctx).rule)
                << "case " << n;
        } else {
            ASSERT_EQ(s.rule, source_rule::none);
        }
    }
    EXPECT_GT(with_runner_up, cases / 4);  // the property was really exercised
}

// One random destination-ordering setting.
struct DestinationCase {
    SourceCase sources;
    std::unordered_set<Address> unreachable;
    std::vector<Address> destinations;
    DestinationOrderingContext ctx;
};

DestinationCase random_destination_case(Generator& g, bool mobile, bool performance) {
    DestinationCase dc{{g.table(), {}, g.candidates(mobile), {}}, {}, {}, {}};
    dc.sources.advertisers = g.advertisers(dc.sources.candidates);
    randomise_context(g, dc.sources);
    dc.destinations.resize(static_cast<std::size_t>(g.uniform(0, 8)));
    for (Address& d : dc.destinations) {
        d = g.tied_families ? g.tied_family_address() : g.address(true);
        if (g.chance(6)) {
            dc.unreachable.insert(d);
        }
    }
    dc.ctx.source_selection = dc.sources.ctx;
    if (g.chance(2)) {
        dc.ctx.unreachable = &dc.unreachable;
    }
    if (g.chance(2)) {
        dc.ctx.route_for = [](const Address& d) {
            DestinationRoute r;
            r.outgoing_interface = 1 + d.byte(15) % 3;
            r.next_hop = addr(d.byte(14) % 2 == 0 ? "fe80::a" : "fe80::b");
            return r;
        };
    }
    if (g.chance(3)) {
        dc.ctx.encapsulated = [](const Address& d) { return d.byte(15) % 4 == 0; };
    }
    if (g.chance(3)) {
        // Per-destination candidate sets (§4), as Rank's routes make them:
        // each destination loses the candidates whose last bytes clash.
        auto sets = std::make_shared<std::map<Address, std::vector<SourceCandidate>>>();
        for (const Address& d : dc.destinations) {
            auto& set = (*sets)[d];
            for (const SourceCandidate& c : dc.sources.candidates) {
                if ((c.address.byte(15) + d.byte(15)) % 3 != 0) {
                    set.push_back(c);
                }
            }
        }
        dc.ctx.candidates_for = [sets](const Address& d) -> std::span<const SourceCandidate> {
            return sets->at(d);
        };
    }
    if (performance) {
        dc.ctx.performance = [](const RankedDestination& a, const RankedDestination& b) {
            return destination_score(a) - destination_score(b);
        };
    }
    return dc;
}

TEST(Rfc6724Properties, DestinationComparatorIsAStrictWeakOrder) {
    Generator g(seed + 2);
    for (int n = 0; n < cases; ++n) {
        g.tied_families = n % 4 == 3;
        const DestinationCase dc = random_destination_case(g, true, g.chance(3));
        const DestinationComparator less(dc.destinations, dc.sources.candidates, dc.ctx);
        ASSERT_EQ(less.size(), dc.destinations.size());
        const auto equivalent = [&](std::size_t i, std::size_t j) {
            return !less(i, j) && !less(j, i);
        };
        for (std::size_t i = 0; i < less.size(); ++i) {
            ASSERT_FALSE(less(i, i)) << "case " << n;  // irreflexive
            for (std::size_t j = 0; j < less.size(); ++j) {
                const DestinationComparison ij = less.compare(i, j);
                const DestinationComparison ji = less.compare(j, i);
                ASSERT_EQ(ij.winner, mirror(ji.winner)) << "case " << n;  // asymmetric
                ASSERT_EQ(ij.rule, ji.rule) << "case " << n;
                if (i != j) {
                    ASSERT_GE(ij.rule, 1);
                    ASSERT_LE(ij.rule, 10);
                }
                for (std::size_t k = 0; k < less.size(); ++k) {
                    if (less(i, j) && less(j, k)) {
                        ASSERT_TRUE(less(i, k)) << "case " << n;  // transitive
                    }
                    if (equivalent(i, j) && equivalent(j, k)) {
                        ASSERT_TRUE(equivalent(i, k)) << "case " << n;
                    }
                }
            }
        }
    }
}

TEST(Rfc6724Properties, OrderingIsASortedPermutationWithSourceD) {
    Generator g(seed + 3);
    for (int n = 0; n < cases; ++n) {
        const DestinationCase dc = random_destination_case(g, true, g.chance(3));
        const auto got = order_destinations(dc.destinations, dc.sources.candidates, dc.ctx);
        const DestinationComparator less(dc.destinations, dc.sources.candidates, dc.ctx);
        ASSERT_EQ(got.size(), dc.destinations.size());
        std::vector<bool> seen(got.size(), false);
        for (std::size_t p = 0; p < got.size(); ++p) {
            const RankedDestination& e = got[p];
            ASSERT_LT(e.input_index, got.size());
            ASSERT_FALSE(seen[e.input_index]) << "case " << n;
            seen[e.input_index] = true;
            ASSERT_EQ(e.destination, dc.destinations[e.input_index]);
            // Source(D) is what source selection picks for D alone.
            const DestinationRoute route =
                dc.ctx.route_for ? dc.ctx.route_for(e.destination) : dc.ctx.source_selection.route;
            const SourceSelection s =
                select_source(dc.ctx.candidates_for ? dc.ctx.candidates_for(e.destination)
                                                    : dc.sources.candidates,
                              e.destination, dc.ctx.source_selection, route);
            ASSERT_EQ(e.source, s.source) << "case " << n;
            if (p + 1 < got.size()) {
                ASSERT_FALSE(less(got[p + 1].input_index, e.input_index)) << "case " << n;
                ASSERT_EQ(e.rule, less.compare(e.input_index, got[p + 1].input_index).rule);
            } else {
                ASSERT_EQ(e.rule, 0);
            }
        }
    }
}

// §6 taken literally, pairwise: does DA (input position i) go before DB (j)?
// Rules 1–8 straight from the RFC text, Rule 9 only within a family, Rule 10
// by position. Used on inputs without Mobile IPv6 flags (so Rule 4 is moot).
bool rfc_literal_before(const DestinationComparator& c, const DestinationCase& dc, std::size_t i,
                        std::size_t j) {
    const PolicyTable& t = dc.ctx.source_selection.table();
    const RankedDestination& a = c.entry(i);
    const RankedDestination& b = c.entry(j);
    const auto unusable = [&](const RankedDestination& e) {
        return !e.source ||
               (dc.ctx.unreachable != nullptr && dc.ctx.unreachable->contains(e.destination));
    };
    if (unusable(a) != unusable(b)) {
        return unusable(b);  // Rule 1
    }
    const auto scope_match = [&](const RankedDestination& e) {
        return e.source && scope_of(e.source->address) == scope_of(e.destination);
    };
    if (scope_match(a) != scope_match(b)) {
        return scope_match(a);  // Rule 2
    }
    const auto deprecated = [&](const RankedDestination& e) {
        return e.source && e.source->deprecated && !is_always_preferred(e.source->address);
    };
    if (deprecated(a) != deprecated(b)) {
        return deprecated(b);  // Rule 3
    }
    const auto label_match = [&](const RankedDestination& e) {
        return e.source && t.label(e.source->address) == t.label(e.destination);
    };
    if (label_match(a) != label_match(b)) {
        return label_match(a);  // Rule 5
    }
    if (t.precedence(a.destination) != t.precedence(b.destination)) {
        return t.precedence(a.destination) > t.precedence(b.destination);  // Rule 6
    }
    const auto encapsulated = [&](const RankedDestination& e) {
        return dc.ctx.encapsulated && dc.ctx.encapsulated(e.destination);
    };
    if (encapsulated(a) != encapsulated(b)) {
        return encapsulated(b);  // Rule 7
    }
    if (scope_of(a.destination) != scope_of(b.destination)) {
        return scope_of(a.destination) < scope_of(b.destination);  // Rule 8
    }
    if (is_ipv4(a.destination) == is_ipv4(b.destination) && a.source && b.source) {
        const unsigned ca = common_prefix_len(*a.source, a.destination);
        const unsigned cb = common_prefix_len(*b.source, b.destination);
        if (ca != cb) {
            return ca > cb;  // Rule 9
        }
    }
    return i < j;  // Rule 10
}

TEST(Rfc6724Properties, MatchesTheLiteralRulesWheneverTheyAreConsistent) {
    Generator g(seed + 4);
    int consistent = 0;
    int cyclic = 0;
    for (int n = 0; n < cases; ++n) {
        g.tied_families = n % 2 == 1;
        const DestinationCase dc = random_destination_case(g, false, false);
        const DestinationComparator c(dc.destinations, dc.sources.candidates, dc.ctx);
        // The literal relation decides every pair, so it is a tournament; it
        // is consistent (transitive) exactly when the win counts are
        // 0, 1, ..., n-1, and then sorting by wins gives its order.
        std::vector<std::size_t> wins(c.size(), 0);
        for (std::size_t i = 0; i < c.size(); ++i) {
            for (std::size_t j = 0; j < c.size(); ++j) {
                wins[i] += i != j && rfc_literal_before(c, dc, i, j) ? 1 : 0;
            }
        }
        std::vector<std::size_t> by_wins(c.size());
        for (std::size_t i = 0; i < c.size(); ++i) {
            by_wins[c.size() - 1 - std::min(wins[i], c.size() - 1)] = i;
        }
        std::vector<std::size_t> sorted_wins = wins;
        std::sort(sorted_wins.begin(), sorted_wins.end());
        bool transitive = true;
        for (std::size_t i = 0; i < sorted_wins.size(); ++i) {
            transitive = transitive && sorted_wins[i] == i;
        }
        if (!transitive) {
            ++cyclic;
            continue;
        }
        ++consistent;
        const auto got = order_destinations(dc.destinations, dc.sources.candidates, dc.ctx);
        for (std::size_t p = 0; p < got.size(); ++p) {
            ASSERT_EQ(got[p].input_index, by_wins[p]) << "case " << n << " position " << p;
        }
    }
    RecordProperty("consistent", consistent);
    RecordProperty("cyclic", cyclic);
    // Both kinds of input occurred, so the check above was not vacuous.
    EXPECT_GT(consistent, cases / 2);
    EXPECT_GT(cyclic, 0);
}

}  // namespace
}  // namespace multi6d
