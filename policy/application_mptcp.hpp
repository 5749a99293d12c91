// mptcp = true in an [[application]] (issue 17 item 5): which uids the
// mptcpify program (service/bpf/mptcpify.bpf.c) matches, whose TCP sockets
// (socket(2) with AF_INET or AF_INET6, SOCK_STREAM, protocol 0 or
// IPPROTO_TCP) then open as MPTCP; and what the application interface says
// of it. Pure.
//
// A uid listed by two applications belongs to the first in configuration
// order, as for the routing rules (application_policy.hpp): the first's
// mptcp decides. The program is loaded only while this list is not empty.
//
// Applications matched by cgroup (units) are not part of this list; their
// cgroups will be a second input of the program (mptcpify_match.h).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "config.hpp"

namespace multi6d {

// Sorted, unique.
std::vector<std::uint32_t> mptcpify_uids(const std::vector<ApplicationConfig>& applications);

// What an application's TCP sockets get: Off (mptcp = false), On (the
// program is loaded and matches its uids) or Unavailable (mptcp = true but
// the program could not be loaded: they stay TCP).
enum class MptcpState { Off, On, Unavailable };

MptcpState application_mptcp_state(const ApplicationConfig& application, bool program_loaded);

// "off", "on", "unavailable" (D-Bus Applications' "mptcp", multi6ctl).
std::string_view to_string(MptcpState state);

}  // namespace multi6d
