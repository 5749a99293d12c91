#include "addrlabel.hpp"

#include <linux/if_addrlabel.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netlink/attr.h>

#include <array>
#include <cstring>
#include <string_view>

namespace multi6d {

NlMsg build_label_request(int type, int flags, const LabelRow& row) {
    NlMsg msg = make_message(type, flags);
    ifaddrlblmsg header{};
    header.ifal_family = AF_INET6;
    header.ifal_prefixlen = static_cast<std::uint8_t>(row.prefix.length());
    header.ifal_index = static_cast<std::uint32_t>(row.ifindex);
    if (nlmsg_append(msg.get(), &header, sizeof header, NLMSG_ALIGNTO) < 0 ||
        nla_put(msg.get(), IFAL_ADDRESS, 16, row.prefix.address().bytes().data()) < 0 ||
        nla_put_u32(msg.get(), IFAL_LABEL, row.label.value) < 0) {
        throw KernelError("address label message: out of space", ENOMEM);
    }
    return msg;
}

std::optional<LabelRow> parse_label(const nlmsghdr* hdr) {
    if (hdr->nlmsg_type != RTM_NEWADDRLABEL ||
        hdr->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrlblmsg))) {
        return std::nullopt;
    }
    const auto* header = static_cast<const ifaddrlblmsg*>(NLMSG_DATA(hdr));
    if (header->ifal_family != AF_INET6 || header->ifal_prefixlen > 128) {
        return std::nullopt;
    }
    std::optional<Address::Bytes> address;
    std::optional<std::uint32_t> label;
    auto* attrs = reinterpret_cast<nlattr*>(reinterpret_cast<char*>(NLMSG_DATA(hdr)) +
                                            NLMSG_ALIGN(sizeof(ifaddrlblmsg)));
    int remaining =
        static_cast<int>(hdr->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(ifaddrlblmsg))));
    nlattr* attr = nullptr;
    nla_for_each_attr(attr, attrs, remaining, remaining) {
        if (nla_type(attr) == IFAL_ADDRESS && nla_len(attr) == 16) {
            Address::Bytes bytes{};
            std::memcpy(bytes.data(), nla_data(attr), bytes.size());
            address = bytes;
        } else if (nla_type(attr) == IFAL_LABEL && nla_len(attr) >= 4) {
            label = nla_get_u32(attr);
        }
    }
    if (!address || !label) {
        return std::nullopt;
    }
    return LabelRow{Prefix(Address(*address), header->ifal_prefixlen), AddressLabel{*label},
                    static_cast<int>(header->ifal_index)};
}

std::optional<AddressLabel> builtin_label(const Prefix& prefix) {
    struct Row {
        std::string_view address;
        unsigned length;
        std::uint32_t label;
    };
    // Built from address and length: Prefix::parse() reads "::ffff:0:0/96"
    // as an IPv4 prefix length and would refuse it.
    static constexpr std::array<Row, 10> rows{{
        {"::", 0, 1},
        {"fc00::", 7, 5},
        {"fec0::", 10, 11},
        {"2002::", 16, 2},
        {"3ffe::", 16, 12},
        {"2001::", 32, 6},
        {"2001:10::", 28, 7},
        {"::ffff:0:0", 96, 4},
        {"::", 96, 3},
        {"::1", 128, 0},
    }};
    for (const Row& row : rows) {
        if (Prefix(*Address::parse(row.address), row.length) == prefix) {
            return AddressLabel{row.label};
        }
    }
    return std::nullopt;
}

}  // namespace multi6d
