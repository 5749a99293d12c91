#include "policy_table.hpp"

#include <algorithm>

namespace multi6d {

namespace {

// Longest prefix first, so the first row that contains an address is the
// longest match; equal lengths by prefix to make the order total.
bool row_before(const PolicyRow& a, const PolicyRow& b) {
    if (a.prefix.length() != b.prefix.length()) {
        return a.prefix.length() > b.prefix.length();
    }
    return a.prefix.address() < b.prefix.address();
}

PolicyRow row(const char* prefix, Precedence precedence, Label label) {
    return PolicyRow{*Prefix::parse(prefix), precedence, label};
}

}  // namespace

PolicyTable::PolicyTable(const std::vector<PolicyRow>& rows) {
    rows_.reserve(rows.size());
    for (const PolicyRow& r : rows) {
        set_row(r);
    }
}

PolicyTable PolicyTable::rfc6724_default() {
    // RFC 6724 §2.1, in the RFC's order.
    return PolicyTable({
        row("::1/128", 50, 0),
        row("::/0", 40, 1),
        row("::ffff:0:0/96", 35, 4),
        row("2002::/16", 30, 2),
        row("2001::/32", 5, 5),
        row("fc00::/7", 3, 13),
        row("::/96", 1, 3),
        row("fec0::/10", 1, 11),
        row("3ffe::/16", 1, 12),
    });
}

PolicyTable PolicyTable::rfc6724_update_default() {
    // draft-ietf-6man-rfc6724-update §3.1, in the draft's order; the rows
    // marked (*) there changed: fc00::/7 3 -> 30 (above IPv4, like GUAs),
    // ::ffff:0:0/96 35 -> 20, 2002::/16 30 -> 5 (RFC 7526 deprecated the
    // 6to4 relays; now as low as Teredo).
    return PolicyTable({
        row("::1/128", 50, 0),
        row("::/0", 40, 1),
        row("fc00::/7", 30, 13),
        row("::ffff:0:0/96", 20, 4),
        row("2002::/16", 5, 2),
        row("2001::/32", 5, 5),
        row("::/96", 1, 3),
        row("fec0::/10", 1, 11),
        row("3ffe::/16", 1, 12),
    });
}

void PolicyTable::set_row(const PolicyRow& r) {
    const auto it = std::lower_bound(rows_.begin(), rows_.end(), r, row_before);
    if (it != rows_.end() && it->prefix == r.prefix) {
        *it = r;
    } else {
        rows_.insert(it, r);
    }
}

bool PolicyTable::remove_row(const Prefix& prefix) {
    const auto it = std::find_if(rows_.begin(), rows_.end(),
                                 [&](const PolicyRow& r) { return r.prefix == prefix; });
    if (it == rows_.end()) {
        return false;
    }
    rows_.erase(it);
    return true;
}

const PolicyRow* PolicyTable::find_row(const Prefix& prefix) const {
    for (const PolicyRow& r : rows_) {
        if (r.prefix == prefix) {
            return &r;
        }
    }
    return nullptr;
}

const PolicyRow* PolicyTable::match(const Address& address) const {
    for (const PolicyRow& r : rows_) {
        if (r.prefix.contains(address)) {
            return &r;
        }
    }
    return nullptr;
}

PolicyValue PolicyTable::lookup(const Address& address) const {
    const PolicyRow* r = match(address);
    if (r == nullptr) {
        return {};
    }
    return {r->precedence, r->label};
}

}  // namespace multi6d
