#include "mptcp_genl.hpp"

#include <netinet/in.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "kernel_objects.hpp"

namespace multi6d {

namespace {

void check(int err, const std::string& what) {
    if (err < 0) {
        throw KernelError(what + ": message too large", 0);
    }
}

// MPTCP_PM_ATTR_ADDR: family, id, address, flags, device. Address and
// family are left out when `with_address` is false.
void put_endpoint(nl_msg* msg, const MptcpEndpoint& e, bool with_address, const std::string& what) {
    nlattr* nest = nla_nest_start(msg, MPTCP_PM_ATTR_ADDR | NLA_F_NESTED);
    if (nest == nullptr) {
        throw KernelError(what + ": message too large", 0);
    }
    if (with_address) {
        if (e.address.is_v4_mapped()) {
            check(nla_put_u16(msg, MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET), what);
            check(nla_put(msg, MPTCP_PM_ADDR_ATTR_ADDR4, 4, e.address.bytes().data() + 12), what);
        } else {
            check(nla_put_u16(msg, MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET6), what);
            check(nla_put(msg, MPTCP_PM_ADDR_ATTR_ADDR6, 16, e.address.bytes().data()), what);
        }
    }
    // Without a family the kernel looks the endpoint up by id alone (as
    // `ip mptcp endpoint delete id N` does); AF_UNSPEC would be refused.
    check(nla_put_u8(msg, MPTCP_PM_ADDR_ATTR_ID, e.id), what);
    check(nla_put_u32(msg, MPTCP_PM_ADDR_ATTR_FLAGS, e.flags), what);
    if (e.ifindex != 0) {
        check(nla_put_s32(msg, MPTCP_PM_ADDR_ATTR_IF_IDX, e.ifindex), what);
    }
    nla_nest_end(msg, nest);
}

// One GET_ADDR reply; throws KernelError on a malformed one.
MptcpEndpoint parse_endpoint(nlmsghdr* hdr) {
    nlattr* top[MPTCP_PM_ATTR_MAX + 1] = {};
    if (genlmsg_parse(hdr, 0, top, MPTCP_PM_ATTR_MAX, nullptr) < 0 ||
        top[MPTCP_PM_ATTR_ADDR] == nullptr) {
        throw KernelError("list MPTCP endpoints: malformed reply", 0);
    }
    nlattr* a[MPTCP_PM_ADDR_ATTR_MAX + 1] = {};
    if (nla_parse_nested(a, MPTCP_PM_ADDR_ATTR_MAX, top[MPTCP_PM_ATTR_ADDR], nullptr) < 0 ||
        a[MPTCP_PM_ADDR_ATTR_ID] == nullptr) {
        throw KernelError("list MPTCP endpoints: malformed address", 0);
    }
    MptcpEndpoint e;
    e.id = nla_get_u8(a[MPTCP_PM_ADDR_ATTR_ID]);
    if (a[MPTCP_PM_ADDR_ATTR_FLAGS] != nullptr) {
        e.flags = nla_get_u32(a[MPTCP_PM_ADDR_ATTR_FLAGS]);
    }
    if (a[MPTCP_PM_ADDR_ATTR_IF_IDX] != nullptr) {
        e.ifindex = static_cast<int>(nla_get_s32(a[MPTCP_PM_ADDR_ATTR_IF_IDX]));
    }
    Address::Bytes bytes{};
    if (a[MPTCP_PM_ADDR_ATTR_ADDR6] != nullptr && nla_len(a[MPTCP_PM_ADDR_ATTR_ADDR6]) == 16) {
        std::memcpy(bytes.data(), nla_data(a[MPTCP_PM_ADDR_ATTR_ADDR6]), 16);
    } else if (a[MPTCP_PM_ADDR_ATTR_ADDR4] != nullptr &&
               nla_len(a[MPTCP_PM_ADDR_ATTR_ADDR4]) == 4) {
        bytes[10] = 0xff;
        bytes[11] = 0xff;
        std::memcpy(bytes.data() + 12, nla_data(a[MPTCP_PM_ADDR_ATTR_ADDR4]), 4);
    }
    e.address = Address(bytes);
    return e;
}

std::uint32_t get_u32(nlattr* attr) {
    return attr != nullptr ? nla_get_u32(attr) : 0;
}

}  // namespace

std::unique_ptr<MptcpGenl> MptcpGenl::open(std::string* reason, const std::string& family) {
    std::unique_ptr<GenlSocket> socket = GenlSocket::open(family, reason);
    if (!socket) {
        return nullptr;
    }
    return std::unique_ptr<MptcpGenl>(new MptcpGenl(std::move(socket)));
}

std::vector<MptcpEndpoint> MptcpGenl::endpoints() {
    const std::string what = "list MPTCP endpoints";
    auto msg = socket_->message(MPTCP_PM_CMD_GET_ADDR, NLM_F_DUMP, MPTCP_PM_VER);
    std::vector<MptcpEndpoint> result;
    socket_->exchange(msg.get(), what,
                      [&](nlmsghdr* hdr) { result.push_back(parse_endpoint(hdr)); });
    std::sort(result.begin(), result.end());
    return result;
}

void MptcpGenl::add(const MptcpEndpoint& endpoint) {
    const std::string what = "add MPTCP endpoint " + describe(endpoint);
    if (endpoint.id == 0) {
        throw KernelError(what + ": id 0 is the kernel's", 0);
    }
    auto msg = socket_->message(MPTCP_PM_CMD_ADD_ADDR, 0, MPTCP_PM_VER);
    put_endpoint(msg.get(), endpoint, true, what);
    socket_->exchange(msg.get(), what);
}

void MptcpGenl::remove(std::uint8_t id) {
    const std::string what = "delete MPTCP endpoint id " + std::to_string(id);
    auto msg = socket_->message(MPTCP_PM_CMD_DEL_ADDR, 0, MPTCP_PM_VER);
    MptcpEndpoint e;
    e.id = id;
    put_endpoint(msg.get(), e, false, what);
    socket_->exchange(msg.get(), what);
}

void MptcpGenl::set_flags(const MptcpEndpoint& endpoint) {
    const std::string what = "set flags of MPTCP endpoint " + describe(endpoint);
    auto msg = socket_->message(MPTCP_PM_CMD_SET_FLAGS, 0, MPTCP_PM_VER);
    put_endpoint(msg.get(), endpoint, true, what);
    socket_->exchange(msg.get(), what);
}

MptcpLimits MptcpGenl::limits() {
    const std::string what = "get MPTCP limits";
    auto msg = socket_->message(MPTCP_PM_CMD_GET_LIMITS, 0, MPTCP_PM_VER);
    MptcpLimits limits;
    bool seen = false;
    socket_->exchange(msg.get(), what, [&](nlmsghdr* hdr) {
        nlattr* top[MPTCP_PM_ATTR_MAX + 1] = {};
        if (genlmsg_parse(hdr, 0, top, MPTCP_PM_ATTR_MAX, nullptr) < 0) {
            throw KernelError(what + ": malformed reply", 0);
        }
        limits.subflows = get_u32(top[MPTCP_PM_ATTR_SUBFLOWS]);
        limits.add_addr_accepted = get_u32(top[MPTCP_PM_ATTR_RCV_ADD_ADDRS]);
        seen = true;
    });
    if (!seen) {
        throw KernelError(what + ": no reply", 0);
    }
    return limits;
}

void MptcpGenl::set_limits(const MptcpLimits& limits) {
    const std::string what = "set MPTCP limits " + describe(limits);
    auto msg = socket_->message(MPTCP_PM_CMD_SET_LIMITS, 0, MPTCP_PM_VER);
    check(nla_put_u32(msg.get(), MPTCP_PM_ATTR_RCV_ADD_ADDRS, limits.add_addr_accepted), what);
    check(nla_put_u32(msg.get(), MPTCP_PM_ATTR_SUBFLOWS, limits.subflows), what);
    socket_->exchange(msg.get(), what);
}

}  // namespace multi6d
