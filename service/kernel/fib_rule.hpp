// Raw RTM_NEWRULE / RTM_DELRULE messages for IPv6 policy-routing rules.
// libnl-route 3.7's rule object has no suppress_prefixlength attribute
// (FRA_SUPPRESS_PREFIXLEN), which the suppress rule needs and which a dump
// must show to tell that rule apart, so rules are built and parsed here.
#pragma once

#include <cstdint>
#include <optional>

#include "address.hpp"
#include "kernel_state.hpp"
#include "netlink_socket.hpp"
#include "owned_ids.hpp"

namespace multi6d {

// The part of an IPv6 FIB rule multi6d writes: `[from <source>] [uidrange
// U-V] lookup <table> [suppress_prefixlength N]` at `priority`, action
// FR_ACT_TO_TBL, or `[uidrange U-V] unreachable` (FR_ACT_UNREACHABLE).
struct RuleSpec {
    RulePriority priority;
    Prefix source;  // ::/0 = from all
    TableId table;  // 0 only in a delete request: any table
    std::optional<std::uint32_t> suppress_prefixlength;
    std::uint8_t protocol = 0;     // FRA_PROTOCOL; 0 in a delete request: any
    std::optional<UidRange> uids;  // FRA_UID_RANGE
    bool unreachable = false;      // action FR_ACT_UNREACHABLE (no table)

    friend bool operator==(const RuleSpec&, const RuleSpec&) = default;
};

// A request of `type` (RTM_NEWRULE / RTM_DELRULE) with nlmsg_flags `flags`.
NlMsg build_rule_request(int type, int flags, const RuleSpec& rule);

// A delete request that matches the first IPv6 rule at `priority` with
// protocol `protocol` (any protocol when 0), whatever else it holds (the
// kernel compares only the attributes a request carries).
NlMsg build_rule_delete_by_priority(RulePriority priority, std::uint8_t protocol = 0);

struct ParsedRule {
    RuleSpec spec;
    // True when the rule holds nothing besides what RuleSpec describes (no
    // destination, interface, mark, invert, ...): only then is it one of
    // the shapes multi6d writes.
    bool plain = false;
};

// An RTM_NEWRULE message of an IPv6 rule; nullopt for other families and
// malformed messages. A rule without FRA_PRIORITY has priority 0.
std::optional<ParsedRule> parse_rule(const nlmsghdr* hdr);

}  // namespace multi6d
