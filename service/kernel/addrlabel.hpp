// Raw address-label messages (RTM_NEWADDRLABEL / RTM_DELADDRLABEL /
// RTM_GETADDRLABEL with struct ifaddrlblmsg, IFAL_ADDRESS and IFAL_LABEL):
// libnl-route 3.7 has no API for the kernel's RFC 6724 policy table.
#pragma once

#include <cstdint>
#include <optional>

#include "kernel_objects.hpp"
#include "netlink_socket.hpp"

namespace multi6d {

// A request of `type` for `row`. The kernel keys rows on (prefix, ifindex):
// RTM_NEWADDRLABEL fails with EEXIST for an existing key unless `flags`
// has NLM_F_REPLACE; RTM_DELADDRLABEL removes the key's row whatever its
// label (the label is sent because the kernel insists on one).
NlMsg build_label_request(int type, int flags, const LabelRow& row);

// An RTM_NEWADDRLABEL message (a dump reply); nullopt when malformed.
std::optional<LabelRow> parse_label(const nlmsghdr* hdr);

// The label Linux gives `prefix` in a fresh network namespace
// (net/ipv6/addrlabel.c, ip6addrlbl_init_table: RFC 3484's table plus
// 2001::/32 Teredo and 2001:10::/28 ORCHID), or nullopt if the built-in
// table has no row for exactly this prefix. Used to give such a row back
// instead of deleting it when multi6d's label is removed.
std::optional<AddressLabel> builtin_label(const Prefix& prefix);

}  // namespace multi6d
