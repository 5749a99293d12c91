#include "neighbour_table.hpp"

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace multi6d {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), "neighbour table: " + what);
}

// A netlink request: header, fixed family header, then attributes.
template <typename Family>
std::vector<std::uint8_t> make_request(std::uint16_t type, const Family& family) {
    std::vector<std::uint8_t> m(NLMSG_SPACE(sizeof(Family)), 0);
    auto* nh = reinterpret_cast<nlmsghdr*>(m.data());
    nh->nlmsg_type = type;
    nh->nlmsg_flags = NLM_F_REQUEST;
    std::memcpy(NLMSG_DATA(nh), &family, sizeof family);
    return m;
}

void add_attribute(std::vector<std::uint8_t>& m, std::uint16_t type, const void* data,
                   std::size_t size) {
    const std::size_t at = m.size();
    m.resize(at + RTA_SPACE(size), 0);
    auto* rta = reinterpret_cast<rtattr*>(m.data() + at);
    rta->rta_type = type;
    rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(size));
    std::memcpy(RTA_DATA(rta), data, size);
}

// Calls on_attribute(type, data, size) for every attribute after the
// family header of `message` (a whole netlink message).
template <typename Family, typename F>
void for_each_attribute(const std::vector<std::uint8_t>& message, F on_attribute) {
    const auto* nh = reinterpret_cast<const nlmsghdr*>(message.data());
    const std::size_t offset = NLMSG_SPACE(sizeof(Family));
    if (nh->nlmsg_len < offset) {
        return;
    }
    int length = static_cast<int>(nh->nlmsg_len - offset);
    const auto* rta = reinterpret_cast<const rtattr*>(message.data() + offset);
    for (; RTA_OK(rta, length); rta = RTA_NEXT(rta, length)) {
        on_attribute(rta->rta_type, static_cast<const std::uint8_t*>(RTA_DATA(rta)),
                     static_cast<std::size_t>(RTA_PAYLOAD(rta)));
    }
}

}  // namespace

NeighbourTable::NeighbourTable() {
    fd_ = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd_ < 0) {
        throw_errno("open rtnetlink socket");
    }
    // The kernel answers a get request before sendto() returns; the timeout
    // only bounds a kernel that never answers.
    timeval timeout{1, 0};
    if (setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {
        const int saved = errno;
        close(fd_);
        errno = saved;
        throw_errno("SO_RCVTIMEO");
    }
}

NeighbourTable::~NeighbourTable() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

std::vector<std::uint8_t> NeighbourTable::exchange(std::vector<std::uint8_t> request, int& error) {
    auto* nh = reinterpret_cast<nlmsghdr*>(request.data());
    nh->nlmsg_len = static_cast<std::uint32_t>(request.size());
    nh->nlmsg_seq = ++sequence_;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd_, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
        throw_errno("send request");
    }
    std::vector<std::uint8_t> buffer(32768);  // one link's RTM_NEWLINK fits
    for (;;) {
        const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno("receive answer");
        }
        int left = static_cast<int>(n);
        for (auto* m = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(m, left);
             m = NLMSG_NEXT(m, left)) {
            if (m->nlmsg_seq != sequence_) {
                continue;  // the answer to an earlier request that timed out
            }
            if (m->nlmsg_type == NLMSG_ERROR) {
                const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(m));
                error = -e->error;
                return {};
            }
            error = 0;
            const auto* begin = reinterpret_cast<const std::uint8_t*>(m);
            return std::vector<std::uint8_t>(begin, begin + m->nlmsg_len);
        }
    }
}

std::optional<std::vector<std::uint8_t>> NeighbourTable::link_layer_address(
    int ifindex, const Address& address) {
    ndmsg ndm{};
    ndm.ndm_family = AF_INET6;
    ndm.ndm_ifindex = ifindex;
    auto request = make_request(RTM_GETNEIGH, ndm);
    add_attribute(request, NDA_DST, address.bytes().data(), 16);
    int error = 0;
    const auto answer = exchange(std::move(request), error);
    if (error == ENOENT || error == ENODEV) {
        return std::nullopt;
    }
    if (error != 0) {
        errno = error;
        throw_errno("RTM_GETNEIGH " + address.to_string());
    }
    const auto* nh = reinterpret_cast<const nlmsghdr*>(answer.data());
    if (nh->nlmsg_type != RTM_NEWNEIGH || nh->nlmsg_len < NLMSG_SPACE(sizeof(ndmsg))) {
        return std::nullopt;
    }
    const auto* got = static_cast<const ndmsg*>(NLMSG_DATA(nh));
    constexpr unsigned usable =
        NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;
    if ((got->ndm_state & usable) == 0) {
        return std::nullopt;
    }
    std::optional<std::vector<std::uint8_t>> lladdr;
    for_each_attribute<ndmsg>(answer, [&](unsigned type, const std::uint8_t* data, std::size_t n) {
        if (type == NDA_LLADDR && n > 0) {
            lladdr.emplace(data, data + n);
        }
    });
    return lladdr;
}

std::optional<std::size_t> NeighbourTable::hardware_address_length(int ifindex) {
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = ifindex;
    int error = 0;
    const auto answer = exchange(make_request(RTM_GETLINK, ifi), error);
    if (error == ENODEV) {
        return std::nullopt;
    }
    if (error != 0) {
        errno = error;
        throw_errno("RTM_GETLINK " + std::to_string(ifindex));
    }
    const auto* nh = reinterpret_cast<const nlmsghdr*>(answer.data());
    if (nh->nlmsg_type != RTM_NEWLINK) {
        return std::nullopt;
    }
    // The kernel puts IFLA_ADDRESS only when the device has an address
    // (dev->addr_len > 0).
    std::size_t length = 0;
    for_each_attribute<ifinfomsg>(answer, [&](unsigned type, const std::uint8_t*, std::size_t n) {
        if (type == IFLA_ADDRESS) {
            length = n;
        }
    });
    return length;
}

}  // namespace multi6d
