// m6-recv-ra: receive Router Advertisements on an interface and print what
// the multi6d RA parser makes of each, one line per RA (plus one per note).
// The counterpart of m6-send-ra for tests: it reads exactly what the daemon's
// RA listener will read (raw ICMPv6 socket, type 134 only, hop limit from
// IPV6_HOPLIMIT ancillary data). Needs root (CAP_NET_RAW); never installed.
//
//   m6-recv-ra --iface IF [--count N] [--timeout-ms MS]
//
// Exits 0 after N RAs (default 1), 1 if the timeout (default 5000 ms)
// passes first, 2 on usage or socket errors.
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "datagram.hpp"
#include "ra_parser.hpp"

namespace {

using namespace multi6d;

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "m6-recv-ra: %s\n", message.c_str());
    std::exit(2);
}

void report(std::span<const std::uint8_t> icmp6, const Address& source, int hop_limit) {
    const ParseResult result = parse_router_advertisement(icmp6, source, hop_limit);
    if (!result) {
        std::printf("RA from %s hop %d: rejected %s: %s\n", source.to_string().c_str(), hop_limit,
                    std::string(to_string(result.rejection().reason)).c_str(),
                    result.rejection().text.c_str());
        return;
    }
    const RouterAdvertisement& ra = result.advertisement().ra;
    std::printf("RA from %s hop %d: accepted lifetime %u prf %d pio %zu rio %zu rdnss %zu mtu %u\n",
                source.to_string().c_str(), hop_limit, unsigned{ra.router_lifetime},
                static_cast<int>(ra.preference), ra.prefixes.size(), ra.routes.size(),
                ra.dns_servers.size(), ra.mtu.value_or(0));
    for (const auto& pio : ra.prefixes) {
        std::printf("  pio %s valid %u preferred %u%s%s\n", pio.prefix.to_string().c_str(),
                    pio.valid_lifetime, pio.preferred_lifetime, pio.on_link ? " L" : "",
                    pio.autonomous ? " A" : "");
    }
    for (const auto& rio : ra.routes) {
        std::printf("  rio %s lifetime %u prf %d\n", rio.prefix.to_string().c_str(), rio.lifetime,
                    static_cast<int>(rio.preference));
    }
    for (const auto& dns : ra.dns_servers) {
        for (const auto& server : dns.servers) {
            std::printf("  rdnss %s lifetime %u\n", server.to_string().c_str(), dns.lifetime);
        }
    }
    for (const auto& note : result.advertisement().notes) {
        std::printf("  note %s: %s\n", std::string(to_string(note.issue)).c_str(),
                    note.text.c_str());
    }
}

long number(const char* text, const char* what) {
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0) {
        fail(std::string("bad ") + what + " '" + text + "'");
    }
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    std::string iface;
    long count = 1;
    long timeout_ms = 5000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view arg = argv[i];
        if (arg == "--iface") {
            iface = argv[i + 1];
        } else if (arg == "--count") {
            count = number(argv[i + 1], "count");
        } else if (arg == "--timeout-ms") {
            timeout_ms = number(argv[i + 1], "timeout");
        } else {
            fail("unknown option " + std::string(arg));
        }
    }
    if (iface.empty() || argc % 2 == 0) {
        fail("usage: m6-recv-ra --iface IF [--count N] [--timeout-ms MS]");
    }
    const unsigned ifindex = if_nametoindex(iface.c_str());
    if (ifindex == 0) {
        fail("no interface '" + iface + "'");
    }
    const int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (fd < 0) {
        fail(std::string("raw ICMPv6 socket: ") + std::strerror(errno));
    }
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &filter);
    const int one = 1;
    if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) != 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface.c_str(),
                   static_cast<socklen_t>(iface.size())) != 0) {
        fail(std::string("setsockopt: ") + std::strerror(errno));
    }
    std::printf("listening on %s\n", iface.c_str());
    std::fflush(stdout);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    long received = 0;
    while (received < count) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        pollfd pfd{fd, POLLIN, 0};
        if (left <= 0 || poll(&pfd, 1, static_cast<int>(left)) == 0) {
            std::printf("timeout after %ld of %ld RAs\n", received, count);
            return 1;
        }
        std::uint8_t buf[65536];
        sockaddr_in6 from{};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        iovec iov{buf, sizeof buf};
        msghdr msg = datagram_header(from, iov, control);
        const ssize_t n = recvmsg(fd, &msg, 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            fail(std::string("recvmsg: ") + std::strerror(errno));
        }
        int hop_limit = -1;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
                std::memcpy(&hop_limit, CMSG_DATA(c), sizeof hop_limit);
            }
        }
        Address::Bytes source{};
        std::memcpy(source.data(), &from.sin6_addr, 16);
        report(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)), Address(source),
               hop_limit);
        std::fflush(stdout);
        ++received;
    }
    close(fd);
    return 0;
}
