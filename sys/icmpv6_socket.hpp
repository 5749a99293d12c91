// Raw ICMPv6 sockets, as the RA listener (ndisc_socket) and the prober use
// them (RFC 3542, the advanced sockets API for IPv6).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace multi6d {

// A raw ICMPv6 socket, non-blocking and close-on-exec, that receives only
// the ICMPv6 types in `pass` (ICMP6_FILTER, RFC 3542 §3.2) and reports each
// packet's destination and arrival interface (IPV6_RECVPKTINFO, §6.1).
// Needs CAP_NET_RAW. Throws std::system_error "OWNER: STEP".
int open_icmpv6_socket(std::initializer_list<std::uint8_t> pass, const std::string& owner);

// setsockopt() of an int; throws std::system_error "OWNER: WHAT".
void set_socket_option(int fd, int level, int name, int value, const std::string& owner,
                       const char* what);

}  // namespace multi6d
