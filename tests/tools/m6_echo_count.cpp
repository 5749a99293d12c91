// m6-echo-count: counts the ICMPv6 echo requests (RFC 4443 §4.1) arriving on
// one interface for a while, per source address, with the kernel's receive
// time of each, and prints how many per second: on average and at most in
// any window of one second (the definition of the prober's rate cap,
// policy/probe_schedule.hpp). Run in a router's namespace on its LAN side,
// it measures one path's probes on the wire. Needs root (AF_PACKET); never
// installed.
//
//   m6-echo-count --iface IF --seconds S
//
// Output, one line per source address seen, sorted by address:
//   src=2001:db8:a::10 requests=40 seconds=10.000 per_s=4.00 max_in_1s=5
// Exit status: 0 done (also when nothing arrived), 2 usage or socket error.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <getopt.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datagram.hpp"
#include "tool_util.hpp"

namespace multi6d::tools {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t ipv6_header = 40;
constexpr std::uint8_t next_header_icmpv6 = 58;
constexpr std::uint8_t icmpv6_echo_request = 128;

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "m6-echo-count: %s\n", message.c_str());
    std::exit(2);
}

void usage(std::FILE* out) {
    std::fputs(
        "usage: m6-echo-count --iface IF --seconds S\n"
        "  counts ICMPv6 echo requests arriving on IF for S seconds, per source;\n"
        "  prints 'src=A requests=N seconds=S per_s=R max_in_1s=M' per source\n",
        out);
}

std::int64_t wall_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// The most events in any half-open window [t, t + 1 s) of times (ns, in
// arrival order, which is time order).
std::size_t max_in_one_second(const std::vector<std::int64_t>& times) {
    std::size_t best = 0;
    std::size_t first = 0;
    for (std::size_t last = 0; last < times.size(); ++last) {
        while (times[last] - times[first] >= 1000000000LL) {
            ++first;
        }
        best = std::max(best, last - first + 1);
    }
    return best;
}

int run(const std::string& iface, std::int64_t seconds) {
    const unsigned index = ::if_nametoindex(iface.c_str());
    if (index == 0) {
        fail("no interface '" + iface + "'");
    }
    Fd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IPV6)));
    if (!fd.valid()) {
        fail("socket(AF_PACKET): " + errno_name(errno));
    }
    sockaddr_ll bind_to{};
    bind_to.sll_family = AF_PACKET;
    bind_to.sll_protocol = htons(ETH_P_IPV6);
    bind_to.sll_ifindex = static_cast<int>(index);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&bind_to), sizeof bind_to) != 0) {
        fail("bind to " + iface + ": " + errno_name(errno));
    }
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) {
        fail("SO_TIMESTAMPNS: " + errno_name(errno));
    }
    std::map<std::string, std::vector<std::int64_t>> seen;
    const auto start = Clock::now();
    const auto end = start + std::chrono::seconds(seconds);
    std::uint8_t packet[2048];
    while (true) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(end - Clock::now());
        if (left.count() <= 0) {
            break;
        }
        pollfd p{fd.get(), POLLIN, 0};
        const int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno != EINTR) {
            fail("poll: " + errno_name(errno));
        }
        if (n <= 0) {
            continue;
        }
        sockaddr_ll from{};
        iovec iov{packet, sizeof packet};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
        msghdr msg = datagram_header(from, iov, control);
        const ssize_t got = ::recvmsg(fd.get(), &msg, 0);
        const auto now = Clock::now();
        if (got < 0) {
            continue;
        }
        // The kernel's receive time (SO_TIMESTAMPNS, wall clock): free of
        // this process's scheduling delay, which matters for max_in_1s.
        std::optional<std::int64_t> stamp_ns;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                timespec ts{};
                std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
                stamp_ns = static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
            }
        }
        // Arriving only (not what this node sends out of IF), and only an
        // echo request right after the IPv6 header (probes carry no
        // extension headers).
        if (from.sll_pkttype == PACKET_OUTGOING || now >= end ||
            static_cast<std::size_t>(got) < ipv6_header + 1 || (packet[0] >> 4) != 6 ||
            packet[6] != next_header_icmpv6 || packet[ipv6_header] != icmpv6_echo_request) {
            continue;
        }
        sockaddr_in6 src{};
        src.sin6_family = AF_INET6;
        std::memcpy(&src.sin6_addr, packet + 8, sizeof src.sin6_addr);
        seen[address_text(src)].push_back(stamp_ns.value_or(wall_ns()));
    }
    const double secs = std::chrono::duration<double>(end - start).count();
    for (const auto& [source, times] : seen) {
        std::printf("src=%s requests=%zu seconds=%.3f per_s=%.2f max_in_1s=%zu\n", source.c_str(),
                    times.size(), secs, static_cast<double>(times.size()) / secs,
                    max_in_one_second(times));
    }
    return 0;
}

}  // namespace
}  // namespace multi6d::tools

int main(int argc, char** argv) {
    static const option kLong[] = {{"iface", required_argument, nullptr, 'i'},
                                   {"seconds", required_argument, nullptr, 's'},
                                   {"help", no_argument, nullptr, 'h'},
                                   {nullptr, 0, nullptr, 0}};
    std::string iface;
    std::optional<std::int64_t> seconds;
    int c = 0;
    while ((c = getopt_long(argc, argv, "i:s:h", kLong, nullptr)) != -1) {
        switch (c) {
            case 'i':
                iface = optarg;
                break;
            case 's':
                seconds = multi6d::tools::parse_int(optarg, 1, 3600);
                break;
            case 'h':
                multi6d::tools::usage(stdout);
                return 0;
            default:
                multi6d::tools::usage(stderr);
                return 2;
        }
    }
    if (iface.empty() || !seconds || optind != argc) {
        multi6d::tools::usage(stderr);
        return 2;
    }
    return multi6d::tools::run(iface, *seconds);
}
