#include "fib_rule.hpp"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netlink/attr.h>

#include <cstring>

#include "kernel_objects.hpp"

namespace multi6d {

namespace {

void check(int err) {
    if (err < 0) {
        throw KernelError("rule message: out of space", ENOMEM);
    }
}

NlMsg start_request(int type, int flags, const fib_rule_hdr& header) {
    NlMsg msg = make_message(type, flags);
    check(
        nlmsg_append(msg.get(), const_cast<fib_rule_hdr*>(&header), sizeof header, NLMSG_ALIGNTO));
    return msg;
}

}  // namespace

NlMsg build_rule_request(int type, int flags, const RuleSpec& rule) {
    fib_rule_hdr header{};
    header.family = AF_INET6;
    header.src_len = static_cast<std::uint8_t>(rule.source.length());
    // Tables above 255 travel in FRA_TABLE; the header says "unspecified".
    header.table = rule.table.value < 256 ? static_cast<std::uint8_t>(rule.table.value)
                                          : static_cast<std::uint8_t>(RT_TABLE_UNSPEC);
    header.action = rule.unreachable ? FR_ACT_UNREACHABLE : FR_ACT_TO_TBL;
    NlMsg msg = start_request(type, flags, header);
    check(nla_put_u32(msg.get(), FRA_PRIORITY, rule.priority.value));
    if (rule.source.length() != 0) {
        check(nla_put(msg.get(), FRA_SRC, 16, rule.source.address().bytes().data()));
    }
    if (rule.table.value != 0) {
        check(nla_put_u32(msg.get(), FRA_TABLE, rule.table.value));
    }
    if (rule.suppress_prefixlength) {
        check(nla_put_u32(msg.get(), FRA_SUPPRESS_PREFIXLEN, *rule.suppress_prefixlength));
    }
    if (rule.protocol != 0) {
        check(nla_put_u8(msg.get(), FRA_PROTOCOL, rule.protocol));
    }
    if (rule.uids) {
        // libnl-route 3.7's rule object has no uid range either.
        const fib_rule_uid_range range{rule.uids->first, rule.uids->last};
        check(nla_put(msg.get(), FRA_UID_RANGE, sizeof range, &range));
    }
    return msg;
}

NlMsg build_rule_delete_by_priority(RulePriority priority, std::uint8_t protocol) {
    fib_rule_hdr header{};
    header.family = AF_INET6;
    NlMsg msg = start_request(RTM_DELRULE, 0, header);
    check(nla_put_u32(msg.get(), FRA_PRIORITY, priority.value));
    if (protocol != 0) {
        // The kernel matches FRA_PROTOCOL when given (rule_find()), so a
        // foreign rule at the same priority is never the one deleted.
        check(nla_put_u8(msg.get(), FRA_PROTOCOL, protocol));
    }
    return msg;
}

std::optional<ParsedRule> parse_rule(const nlmsghdr* hdr) {
    if (hdr->nlmsg_type != RTM_NEWRULE || hdr->nlmsg_len < NLMSG_LENGTH(sizeof(fib_rule_hdr))) {
        return std::nullopt;
    }
    const auto* header = static_cast<const fib_rule_hdr*>(NLMSG_DATA(hdr));
    if (header->family != AF_INET6 || header->src_len > 128) {
        return std::nullopt;
    }
    ParsedRule parsed;
    parsed.plain = (header->action == FR_ACT_TO_TBL || header->action == FR_ACT_UNREACHABLE) &&
                   header->dst_len == 0 && header->tos == 0 && header->flags == 0;
    parsed.spec.unreachable = header->action == FR_ACT_UNREACHABLE;
    parsed.spec.table = TableId{header->table};
    Address::Bytes source{};
    bool have_source = header->src_len == 0;

    auto* attrs = reinterpret_cast<nlattr*>(reinterpret_cast<char*>(NLMSG_DATA(hdr)) +
                                            NLMSG_ALIGN(sizeof(fib_rule_hdr)));
    int remaining =
        static_cast<int>(hdr->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(fib_rule_hdr))));
    nlattr* attr = nullptr;
    nla_for_each_attr(attr, attrs, remaining, remaining) {
        const int length = nla_len(attr);
        switch (nla_type(attr)) {
            case FRA_PRIORITY:
                if (length < 4) {
                    return std::nullopt;
                }
                parsed.spec.priority = RulePriority{nla_get_u32(attr)};
                break;
            case FRA_TABLE:
                if (length < 4) {
                    return std::nullopt;
                }
                parsed.spec.table = TableId{nla_get_u32(attr)};
                break;
            case FRA_SRC:
                if (length != 16) {
                    return std::nullopt;
                }
                std::memcpy(source.data(), nla_data(attr), source.size());
                have_source = true;
                break;
            case FRA_SUPPRESS_PREFIXLEN:
                if (length < 4) {
                    return std::nullopt;
                }
                // Always sent; -1 means "not set" (fib_nl_fill_rule()).
                if (nla_get_u32(attr) != 0xffffffffU) {
                    parsed.spec.suppress_prefixlength = nla_get_u32(attr);
                }
                break;
            case FRA_PROTOCOL:
                if (length < 1) {
                    return std::nullopt;
                }
                parsed.spec.protocol = nla_get_u8(attr);
                break;
            case FRA_UID_RANGE: {
                // Sent only when set (fib_nl_fill_rule()).
                fib_rule_uid_range range{};
                if (length != sizeof range) {
                    return std::nullopt;
                }
                std::memcpy(&range, nla_data(attr), sizeof range);
                parsed.spec.uids = UidRange{range.start, range.end};
                break;
            }
            case FRA_SUPPRESS_IFGROUP:
                // Sent only when set; -1 means "not set" all the same.
                if (length < 4 || nla_get_u32(attr) != 0xffffffffU) {
                    parsed.plain = false;
                }
                break;
            default:
                // Interface, mark, goto, ports, l3mdev, any
                // attribute newer than these headers: not a shape we write.
                parsed.plain = false;
                break;
        }
    }
    if (!have_source) {
        return std::nullopt;
    }
    parsed.spec.source = Prefix(Address(source), header->src_len);
    return parsed;
}

}  // namespace multi6d
