// sendmsg()/recvmsg() of one datagram with ancillary data (RFC 3542 §5), as
// the RA listener, the prober and the lab tools use them: the one way to
// build the msghdr and to put IPV6_PKTINFO on a datagram sent.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace multi6d {

// A msghdr for one datagram to or from `peer` (a sockaddr_*), its data in
// `data`, ancillary data in `control` (an array sized with CMSG_SPACE and
// aligned as cmsghdr). All three must outlive the header.
template <typename Peer, typename Control>
msghdr datagram_header(Peer& peer, iovec& data, Control& control) {
    msghdr msg{};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof peer;
    msg.msg_iov = &data;
    msg.msg_iovlen = 1;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof control;
    return msg;
}

// Makes `info` the header's first ancillary item, IPV6_PKTINFO: the source
// address and outgoing interface of the datagram (RFC 3542 §6.1). The
// control buffer must hold CMSG_SPACE(sizeof(in6_pktinfo)) zeroed bytes.
inline void set_packet_info(msghdr& msg, const in6_pktinfo& info) {
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
}

}  // namespace multi6d
