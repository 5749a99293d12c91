// The kernel ids multi6d owns (DESIGN.md §5) and a stable allocator for them.
//
// Table ids, rule priorities and address labels all come from 6600..6855:
// rule priority 6600 is the `suppress_prefixlength 0` rule; per-path rules
// take priorities 6601 upwards; per-path tables and per-prefix labels are
// allocated from 6601..6854; 6855 is the unbound-lookups rule and table
// (policy/routing_decision.hpp), after every source rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace multi6d {

inline constexpr std::uint32_t suppress_rule_priority = 6600;
inline constexpr std::uint32_t first_owned_id = 6601;
inline constexpr std::uint32_t last_owned_id = 6854;
// `from all lookup 6855` at priority 6855: what no source rule took (the
// kernel's lookup with source ::, DESIGN.md §2) goes to a table whose routes
// mirror the label rows, so the exit agrees with the source RFC 6724 picks.
inline constexpr std::uint32_t unbound_rule_priority = 6855;
inline constexpr std::uint32_t unbound_table = 6855;

// Gives each key an id from [first, last] that stays the same for as long as
// the key keeps being present, so the kernel state does not churn between
// decisions. Kept by the daemon across calls.
template <typename Key>
class OwnedIdAllocator {
  public:
    OwnedIdAllocator(std::uint32_t first = first_owned_id, std::uint32_t last = last_owned_id)
        : first_(first), last_(last) {}

    // Makes `keys` the set of keys holding ids: every other key's id is
    // released; a key that had an id keeps it; new keys, in key order, get
    // the lowest free id. Keys left over when the range is exhausted get no
    // id (refused() counts them). Deterministic: the result depends only on
    // the previous assignment and `keys`.
    void assign(const std::set<Key>& keys) {
        std::map<Key, std::uint32_t> next;
        std::vector<bool> used(last_ - first_ + 1, false);
        for (const auto& key : keys) {
            auto it = ids_.find(key);
            if (it != ids_.end()) {
                next.emplace(key, it->second);
                used[it->second - first_] = true;
            }
        }
        refused_ = 0;
        std::size_t free = 0;
        for (const auto& key : keys) {
            if (next.contains(key)) {
                continue;
            }
            while (free < used.size() && used[free]) {
                ++free;
            }
            if (free == used.size()) {
                ++refused_;
                continue;
            }
            used[free] = true;
            next.emplace(key, first_ + static_cast<std::uint32_t>(free));
        }
        ids_ = std::move(next);
    }

    std::optional<std::uint32_t> find(const Key& key) const {
        auto it = ids_.find(key);
        return it == ids_.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
    }
    const std::map<Key, std::uint32_t>& ids() const { return ids_; }
    // Keys the last assign() could not give an id.
    std::size_t refused() const { return refused_; }

  private:
    std::uint32_t first_;
    std::uint32_t last_;
    std::map<Key, std::uint32_t> ids_;
    std::size_t refused_ = 0;
};

}  // namespace multi6d
