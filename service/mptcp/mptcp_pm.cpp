#include "mptcp_pm.hpp"

#include <net/if.h>

#include <cstdio>
#include <utility>

namespace multi6d {

std::string describe_flags(std::uint32_t flags) {
    static const std::pair<std::uint32_t, const char*> names[] = {
        {mptcp_flag::signal, "signal"},
        {mptcp_flag::subflow, "subflow"},
        {mptcp_flag::backup, "backup"},
        {mptcp_flag::fullmesh, "fullmesh"},
        {MPTCP_PM_ADDR_FLAG_IMPLICIT, "implicit"},
    };
    std::string text;
    for (const auto& [bit, name] : names) {
        if ((flags & bit) != 0) {
            text += (text.empty() ? "" : " ") + std::string(name);
            flags &= ~bit;
        }
    }
    if (flags != 0) {
        text += (text.empty() ? "" : " ") + std::string("0x") + [&] {
            char hex[16];
            std::snprintf(hex, sizeof hex, "%x", flags);
            return std::string(hex);
        }();
    }
    return text.empty() ? "none" : text;
}

std::string describe(const MptcpEndpoint& endpoint) {
    std::string text = endpoint.address.to_string() + " id " + std::to_string(endpoint.id) + " " +
                       describe_flags(endpoint.flags);
    if (endpoint.ifindex != 0) {
        char name[IF_NAMESIZE];
        if (if_indextoname(static_cast<unsigned>(endpoint.ifindex), name) != nullptr) {
            text += " dev " + std::string(name);
        } else {
            text += " dev #" + std::to_string(endpoint.ifindex);
        }
    }
    return text;
}

std::string describe(const MptcpLimits& limits) {
    return "subflows " + std::to_string(limits.subflows) + " add_addr_accepted " +
           std::to_string(limits.add_addr_accepted);
}

}  // namespace multi6d
