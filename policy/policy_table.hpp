// The RFC 6724 §2.1 policy table: rows of (prefix, precedence, label),
// looked up by longest matching prefix.
//
// Labels are 32-bit because the daemon mirrors this table into the kernel's
// `ip addrlabel` table, whose labels are u32 and whose own defaults already
// use values up to 13; the daemon allocates its per-uplink labels from a
// high range.
#pragma once

#include <cstdint>
#include <vector>

#include "address.hpp"

namespace multi6d {

using Label = std::uint32_t;
using Precedence = std::uint32_t;

// What lookup() returns for an address that no row covers. Same value as the
// kernel's IPV6_ADDR_LABEL_DEFAULT, so an unmatched address behaves like it
// does in the kernel: its label equals only other unmatched labels.
inline constexpr Label unmatched_label = 0xffffffffU;
inline constexpr Precedence unmatched_precedence = 0;

// draft-ietf-6man-rfc6724-update §3.3 rule 6: every known-local ULA row has
// precedence 45 and label 14 (RFC 6724 §10.6's example row, made default).
inline constexpr Precedence known_local_precedence = 45;
inline constexpr Label known_local_label = 14;

struct PolicyRow {
    Prefix prefix;
    Precedence precedence = 0;
    Label label = 0;
    friend bool operator==(const PolicyRow&, const PolicyRow&) = default;
};

struct PolicyValue {
    Precedence precedence = unmatched_precedence;
    Label label = unmatched_label;
    friend bool operator==(const PolicyValue&, const PolicyValue&) = default;
};

class PolicyTable {
  public:
    // An empty table: every address is unmatched.
    PolicyTable() = default;
    // A row whose prefix repeats an earlier row's prefix replaces it.
    explicit PolicyTable(const std::vector<PolicyRow>& rows);

    // The default table of RFC 6724 §2.1 (nine rows, ::/0 included).
    static PolicyTable rfc6724_default();
    // The default table of draft-ietf-6man-rfc6724-update §3.1 (approved,
    // in the RFC Editor queue): RFC 6724's rows with fc00::/7 raised to
    // precedence 30, ::ffff:0:0/96 lowered to 20 and 2002::/16 to 5. The
    // "known-local" ULA rows (known_local_precedence, known_local_label) are
    // not in it: they are learnt (policy/known_local.hpp) and added on top.
    static PolicyTable rfc6724_update_default();

    // Adds the row, or replaces the row that has the same prefix (same
    // address bits and length; 2001:db8::/32 and 2001::/32 are different).
    void set_row(const PolicyRow& row);
    // Removes the row for exactly this prefix; false if there was none.
    bool remove_row(const Prefix& prefix);
    // The row for exactly this prefix, or nullptr.
    const PolicyRow* find_row(const Prefix& prefix) const;

    // Rows ordered longest prefix first (ties by prefix), which is the order
    // lookup() scans them in.
    const std::vector<PolicyRow>& rows() const { return rows_; }

    // Longest-prefix match (RFC 6724 §2.1). IPv4 addresses are already
    // ::ffff:a.b.c.d in Address, which is how the RFC looks them up.
    // nullptr if no row covers the address.
    const PolicyRow* match(const Address& address) const;
    // Precedence(A) and Label(A); {unmatched_precedence, unmatched_label}
    // if no row covers the address.
    PolicyValue lookup(const Address& address) const;
    Label label(const Address& address) const { return lookup(address).label; }
    Precedence precedence(const Address& address) const { return lookup(address).precedence; }

    friend bool operator==(const PolicyTable&, const PolicyTable&) = default;

  private:
    std::vector<PolicyRow> rows_;  // invariant: sorted by row_before, prefixes unique
};

}  // namespace multi6d
