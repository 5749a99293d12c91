#include "load_balance.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <tuple>

namespace multi6d {

namespace {

// FNV-1a, then the splitmix64 finaliser so that nearby inputs (slices
// differing in one bit) give unrelated scores. Fixed, so the assignment is
// the same on every host and in every run.
std::uint64_t score(const std::string& uplink, const Prefix& slice) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const auto mix = [&](std::uint8_t byte) {
        h ^= byte;
        h *= 0x100000001b3ULL;
    };
    for (const char c : uplink) {
        mix(static_cast<std::uint8_t>(c));
    }
    mix(0);
    for (const std::uint8_t b : slice.address().bytes()) {
        mix(b);
    }
    mix(static_cast<std::uint8_t>(slice.length()));
    h += 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

}  // namespace

std::vector<Prefix> split_prefix(const Prefix& range, unsigned bits) {
    std::vector<Prefix> slices;
    const unsigned length = range.length() + bits;
    for (std::uint32_t i = 0; i < (1U << bits); ++i) {
        Address::Bytes bytes = range.address().bytes();
        // Write i into bits [range.length(), length) of the address.
        for (unsigned b = 0; b < bits; ++b) {
            if ((i >> (bits - 1 - b)) & 1U) {
                const unsigned pos = range.length() + b;
                bytes[pos / 8] |= static_cast<std::uint8_t>(0x80U >> (pos % 8));
            }
        }
        slices.emplace_back(Address(bytes), length);
    }
    return slices;
}

std::vector<unsigned> apportion(const std::vector<unsigned>& weights, unsigned seats) {
    std::vector<unsigned> result(weights.size(), 0);
    const std::uint64_t total = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
    if (total == 0) {
        return result;
    }
    std::vector<std::tuple<std::uint64_t, unsigned, std::size_t>> remainders;
    unsigned given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const std::uint64_t exact = std::uint64_t{weights[i]} * seats;
        result[i] = static_cast<unsigned>(exact / total);
        given += result[i];
        remainders.emplace_back(exact % total, weights[i], i);
    }
    // Largest remainder first; then larger weight; then lower index.
    std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return std::tuple(std::get<0>(b), std::get<1>(b), std::get<2>(a)) <
               std::tuple(std::get<0>(a), std::get<1>(a), std::get<2>(b));
    });
    for (std::size_t k = 0; given < seats; ++k, ++given) {
        ++result[std::get<2>(remainders[k])];
    }
    return result;
}

std::map<Prefix, std::string> assign_slices(const std::vector<Prefix>& slices,
                                            const std::vector<WeightedUplink>& uplinks,
                                            const std::map<Prefix, std::string>& previous) {
    std::map<Prefix, std::string> owner;
    if (uplinks.empty()) {
        return owner;
    }
    std::vector<unsigned> weights;
    for (const auto& u : uplinks) {
        weights.push_back(u.weight);
    }
    std::vector<unsigned> room = apportion(weights, static_cast<unsigned>(slices.size()));

    // (score, slice index, uplink index), best first.
    using Candidate = std::tuple<std::uint64_t, std::size_t, std::size_t>;
    const auto best_first = [&](const Candidate& a, const Candidate& b) {
        return std::tuple(std::get<0>(b), std::get<1>(a), uplinks[std::get<2>(a)].name) <
               std::tuple(std::get<0>(a), std::get<1>(b), uplinks[std::get<2>(b)].name);
    };
    // 1. Previous owners keep their slices, up to their share.
    std::vector<Candidate> kept;
    for (std::size_t s = 0; s < slices.size(); ++s) {
        auto it = previous.find(slices[s]);
        if (it == previous.end()) {
            continue;
        }
        for (std::size_t u = 0; u < uplinks.size(); ++u) {
            if (uplinks[u].name == it->second) {
                kept.emplace_back(score(uplinks[u].name, slices[s]), s, u);
            }
        }
    }
    std::sort(kept.begin(), kept.end(), best_first);
    for (const auto& [sc, s, u] : kept) {
        if (room[u] > 0) {
            owner.emplace(slices[s], uplinks[u].name);
            --room[u];
        }
    }
    // 2. The rest by rendezvous score.
    std::vector<Candidate> open;
    for (std::size_t s = 0; s < slices.size(); ++s) {
        if (owner.contains(slices[s])) {
            continue;
        }
        for (std::size_t u = 0; u < uplinks.size(); ++u) {
            if (room[u] > 0) {
                open.emplace_back(score(uplinks[u].name, slices[s]), s, u);
            }
        }
    }
    std::sort(open.begin(), open.end(), best_first);
    for (const auto& [sc, s, u] : open) {
        if (room[u] > 0 && owner.emplace(slices[s], uplinks[u].name).second) {
            --room[u];
        }
    }
    return owner;
}

}  // namespace multi6d
