#include "icmpv6_socket.hpp"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace multi6d {

namespace {

[[noreturn]] void throw_errno(const std::string& owner, const std::string& what) {
    throw std::system_error(errno, std::generic_category(), owner + ": " + what);
}

}  // namespace

void set_socket_option(int fd, int level, int name, int value, const std::string& owner,
                       const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof value) < 0) {
        throw_errno(owner, what);
    }
}

int open_icmpv6_socket(std::initializer_list<std::uint8_t> pass, const std::string& owner) {
    const int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (fd < 0) {
        throw_errno(owner, "open raw ICMPv6 socket (needs CAP_NET_RAW)");
    }
    try {
        icmp6_filter filter;
        ICMP6_FILTER_SETBLOCKALL(&filter);
        for (const std::uint8_t type : pass) {
            ICMP6_FILTER_SETPASS(type, &filter);
        }
        if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0) {
            throw_errno(owner, "ICMP6_FILTER");
        }
        set_socket_option(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, owner, "IPV6_RECVPKTINFO");
    } catch (...) {
        close(fd);
        throw;
    }
    return fd;
}

}  // namespace multi6d
