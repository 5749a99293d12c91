#include "ndisc_socket.hpp"

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

#include "icmpv6_socket.hpp"

namespace multi6d {

namespace {
[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

NdiscSocket::NdiscSocket() : buffer_(65536) {
    const std::string owner = "ICMPv6 socket";
    fd_ = open_icmpv6_socket({ND_ROUTER_ADVERT}, owner);
    try {
        // RFC 4861 §6.1.2: an RA must arrive with hop limit 255.
        set_socket_option(fd_, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, owner, "IPV6_RECVHOPLIMIT");
        set_socket_option(fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255, owner,
                          "IPV6_MULTICAST_HOPS");
        set_socket_option(fd_, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, owner, "IPV6_MULTICAST_LOOP");
    } catch (...) {
        close(fd_);
        throw;
    }
}

NdiscSocket::~NdiscSocket() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

bool NdiscSocket::receive(ReceivedNdisc& out) {
    sockaddr_in6 from{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr)
        std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(fd_, &msg, MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return false;
        }
        throw_errno("receive on ICMPv6 socket");
    }
    out = ReceivedNdisc{};
    Address::Bytes source{};
    std::memcpy(source.data(), &from.sin6_addr, 16);
    out.source = Address(source);
    out.ifindex = static_cast<int>(from.sin6_scope_id);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IPV6) {
            continue;
        }
        if (c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            out.ifindex = static_cast<int>(info.ipi6_ifindex);
        } else if (c->cmsg_type == IPV6_HOPLIMIT) {
            std::memcpy(&out.hop_limit, CMSG_DATA(c), sizeof(int));
        }
    }
    // A datagram larger than the buffer is truncated; RAs are bounded by the
    // link MTU, and a truncated one fails the parser's length checks.
    out.icmp6 = std::span<const std::uint8_t>(buffer_.data(), static_cast<std::size_t>(n));
    return true;
}

void NdiscSocket::send_to_all_routers(int ifindex, std::span<const std::uint8_t> icmp6) {
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "ff02::2", &to.sin6_addr);
    to.sin6_scope_id = static_cast<std::uint32_t>(ifindex);
    if (sendto(fd_, icmp6.data(), icmp6.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) <
        0) {
        throw_errno("send Router Solicitation on interface " + std::to_string(ifindex));
    }
}

}  // namespace multi6d
