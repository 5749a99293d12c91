#include "application_mptcp.hpp"

#include <algorithm>
#include <set>

namespace multi6d {

std::vector<std::uint32_t> mptcpify_uids(const std::vector<ApplicationConfig>& applications) {
    std::set<std::uint32_t> claimed;
    std::vector<std::uint32_t> out;
    for (const ApplicationConfig& a : applications) {
        for (const std::uint32_t uid : a.uids) {
            if (claimed.insert(uid).second && a.mptcp) {
                out.push_back(uid);
            }
        }
    }
    std::ranges::sort(out);
    return out;
}

MptcpState application_mptcp_state(const ApplicationConfig& application, bool program_loaded) {
    if (!application.mptcp) {
        return MptcpState::Off;
    }
    return program_loaded ? MptcpState::On : MptcpState::Unavailable;
}

std::string_view to_string(MptcpState state) {
    switch (state) {
        case MptcpState::Off:
            return "off";
        case MptcpState::On:
            return "on";
        case MptcpState::Unavailable:
            return "unavailable";
    }
    return "off";
}

}  // namespace multi6d
