// The kernel numbers multi6d owns (DESIGN.md §5), one definition for the
// decision, the kernel writer, the tests and multi6d(8) (test_config_docs
// checks the numbers the man page states against these), and a stable
// allocator for them.
//
// Everything multi6d writes carries a mark that makes it findable again:
// after a crash, at start-up (remove leftovers) and at stop (remove all it
// added); anything else is never touched. The numbers are fixed, not
// configurable: a daemon restarted with another configuration must still
// recognise what the previous run left behind.
//
// One block of 256 numbers, 6600..6855, serves tables, rule priorities and
// address labels: 6600 is the `lookup main suppress_prefixlength 0` rule;
// per-path tables, `from <prefix>` rule priorities and per-prefix labels
// are allocated from 6601..6854, except the top 32 tables (6823..6854) and
// the top rule priority (6854), which belong to [[application]]s
// (policy/application_policy.hpp); label 6600 marks known-local ULA rows
// (policy/known_local.hpp); 6855 is the unbound-lookups rule and table
// (policy/routing_decision.hpp), after every source rule and before the
// kernel's `lookup main` at 32766. Table ids, rule priorities and labels are
// distinct types, so passing one where another is meant does not compile.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace multi6d {

// A number the kernel holds, of one kind; constructed only explicitly. The
// wire value is `value`.
template <typename Kind>
struct KernelNumber {
    std::uint32_t value = 0;
    constexpr KernelNumber() = default;
    constexpr explicit KernelNumber(std::uint32_t v) : value(v) {}
    friend constexpr auto operator<=>(KernelNumber, KernelNumber) = default;
};

// A routing table id (RTA_TABLE, FRA_TABLE).
using TableId = KernelNumber<struct TableIdKind>;
// A policy-routing rule priority (FRA_PRIORITY).
using RulePriority = KernelNumber<struct RulePriorityKind>;
// An RFC 6724 address label (IFAL_LABEL, `ip addrlabel`).
using AddressLabel = KernelNumber<struct AddressLabelKind>;

template <typename Kind>
std::string to_string(KernelNumber<Kind> number) {
    return std::to_string(number.value);
}

// The closed range [first, last] of one kind.
template <typename Id>
struct IdRange {
    Id first;
    Id last;
    constexpr bool contains(Id id) const { return id >= first && id <= last; }
    constexpr std::uint32_t size() const { return last.value - first.value + 1; }
};

namespace owned {

// Route protocol (rtm_protocol, FRA_PROTOCOL) of every route and rule
// multi6d installs. Named in /etc/iproute2/rt_protos.d/multi6d.conf
// (shipped from service/rt_protos.d/multi6d.conf) so `ip route` prints
// "proto multi6d". 196 is unused by the kernel's RTPROT_* values and
// iproute2's rt_protos.
inline constexpr std::uint8_t route_protocol = 196;

inline constexpr std::uint32_t block_first = 6600;
inline constexpr std::uint32_t block_last = 6855;
static_assert(block_last - block_first + 1 == 256);

// What multi6d recognises as its own: tables in the block (with routes of
// protocol 196), rules at priorities in the block with protocol 196, label
// rows with a label in the block that multi6d recorded writing.
inline constexpr IdRange<TableId> tables{TableId{block_first}, TableId{block_last}};
inline constexpr IdRange<RulePriority> rule_priorities{RulePriority{block_first},
                                                       RulePriority{block_last}};
inline constexpr IdRange<AddressLabel> labels{AddressLabel{block_first}, AddressLabel{block_last}};

// 6600: `lookup main suppress_prefixlength 0`: main's on-link and
// more-specific routes keep working, while a default route in main (prefix
// length 0) is suppressed, so source rules decide the exit.
inline constexpr RulePriority suppress_rule_priority{block_first};
// The `from <prefix> lookup <table>` rules and the unbound-lookups rule.
inline constexpr IdRange<RulePriority> source_rule_priorities{RulePriority{block_first + 1},
                                                              RulePriority{block_last}};

// Allocated per path (6601..6854): one table per (prefix, router) path,
// holding that path's default route and RIO routes (one table per path
// sidesteps libnl's route cache, which keys on (family, tos, table, dst,
// priority) and so collides on source-specific routes in one table,
// DESIGN.md §2); one rule priority per path; one label per path prefix.
// The top of the range (application_tables, application_rule_priority)
// is carved out for [[application]]s.
inline constexpr std::uint32_t max_applications = 32;
inline constexpr IdRange<TableId> path_tables{TableId{block_first + 1},
                                              TableId{block_last - 1 - max_applications}};
inline constexpr IdRange<RulePriority> path_rule_priorities{RulePriority{block_first + 1},
                                                            RulePriority{block_last - 2}};
inline constexpr IdRange<AddressLabel> path_labels{AddressLabel{block_first + 1},
                                                   AddressLabel{block_last - 1}};

// `from all lookup 6855` at priority 6855: what no source rule took (the
// kernel's lookup with source ::, DESIGN.md §2) goes to a table whose routes
// mirror the label rows, so the exit agrees with the source RFC 6724 picks.
inline constexpr RulePriority unbound_rule_priority{block_last};
inline constexpr TableId unbound_table{block_last};

// The label of known-local ULA rows that no path prefix lies in
// (policy/known_local.hpp): the kernel's stand-in for
// draft-ietf-6man-rfc6724-update's label 14. 6600, which no path label
// uses (labels and rule priorities are distinct kinds).
inline constexpr AddressLabel known_local_label{block_first};

// [[application]]s (policy/application_policy.hpp): one table per
// application (6823..6854), holding `default via R dev L src A`; every
// application's `uidrange U-V lookup <its table>` rule at 6854, after every
// `from <prefix>` rule (bound sockets keep their own uplink's exit) and
// before the unbound rule at 6855. The uid ranges of different
// applications never overlap, so their order at one priority is
// irrelevant. A blocked application (fallback = false, no preferred uplink
// usable) gets `uidrange U-V unreachable` at 6601 instead, ahead of every
// `from <prefix>` rule: a lookup that fails is retried by the kernel with
// the source RFC 6724 picks (ip6_dst_lookup_tail()), which a later block
// would let out through that source's own uplink. While any application
// has fallback = false, the path rules start at 6602 so 6601 stays free.
inline constexpr IdRange<TableId> application_tables{TableId{block_last - max_applications},
                                                     TableId{block_last - 1}};
inline constexpr RulePriority application_rule_priority{block_last - 1};
inline constexpr RulePriority application_block_priority{block_first + 1};
static_assert(application_tables.size() == max_applications &&
              path_tables.last < application_tables.first &&
              application_tables.last < unbound_table);
static_assert(path_rule_priorities.last < application_rule_priority &&
              application_rule_priority < unbound_rule_priority &&
              application_block_priority > suppress_rule_priority &&
              application_block_priority == path_rule_priorities.first);

static_assert(tables.contains(path_tables.first) && tables.contains(path_tables.last) &&
              !path_tables.contains(unbound_table) && tables.contains(unbound_table));
static_assert(path_rule_priorities.first > suppress_rule_priority &&
              path_rule_priorities.last < unbound_rule_priority &&
              source_rule_priorities.contains(unbound_rule_priority));
static_assert(labels.contains(path_labels.first) && labels.contains(path_labels.last));
static_assert(labels.contains(known_local_label) && !path_labels.contains(known_local_label));

}  // namespace owned

// Gives each key an id from [first, last] that stays the same for as long as
// the key keeps being present, so the kernel state does not churn between
// decisions. Kept by the daemon across calls.
template <typename Key, typename Id>
class OwnedIdAllocator {
  public:
    explicit OwnedIdAllocator(IdRange<Id> range)
        : first_(range.first.value), last_(range.last.value) {}

    // Makes `keys` the set of keys holding ids: every other key's id is
    // released; a key that had an id keeps it; new keys, in key order, get
    // the lowest free id. Keys left over when the range is exhausted get no
    // id (refused() counts them). Deterministic: the result depends only on
    // the previous assignment and `keys`.
    void assign(const std::set<Key>& keys) {
        std::map<Key, Id> next;
        std::vector<bool> used(last_ - first_ + 1, false);
        for (const auto& key : keys) {
            auto it = ids_.find(key);
            if (it != ids_.end()) {
                next.emplace(key, it->second);
                used[it->second.value - first_] = true;
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
            next.emplace(key, Id{first_ + static_cast<std::uint32_t>(free)});
        }
        ids_ = std::move(next);
    }

    std::optional<Id> find(const Key& key) const {
        auto it = ids_.find(key);
        return it == ids_.end() ? std::nullopt : std::optional<Id>(it->second);
    }
    const std::map<Key, Id>& ids() const { return ids_; }
    // Keys the last assign() could not give an id.
    std::size_t refused() const { return refused_; }

  private:
    std::uint32_t first_;
    std::uint32_t last_;
    std::map<Key, Id> ids_;
    std::size_t refused_ = 0;
};

}  // namespace multi6d
