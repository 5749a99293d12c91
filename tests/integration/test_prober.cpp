// The Prober's sockets against the real kernel, in a network namespace of
// its own, over tun devices: the test reads what the prober sends from the
// tun file descriptor and writes back replies — genuine, forged, misrouted
// — exactly as it likes, so every validation rule is checked on the real
// receive path (raw socket, ICMP6_FILTER, IPV6_PKTINFO). A tun link has no
// link-layer addresses, so this also covers the prober's point-to-point
// case (PPP, WireGuard); the Ethernet case with real routers is
// tests/integration/prober_paths.sh.
//
// main() unshares a new network namespace before any test runs (root
// needed: the test fails, not skips, without it).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "netns_test.hpp"
#include "probe_packet.hpp"
#include "prober.hpp"

namespace multi6d {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;

Address addr(const char* text) {
    return *Address::parse(text);
}

// Two tun links, created by main().
int tun0_fd = -1;
int tun1_fd = -1;
int tun0_index = 0;
int tun1_index = 0;

const Address host = addr("2001:db8:c::10");
const Address other_host = addr("2001:db8:c::11");  // also ours, on tun0
const Address router = addr("fe80::1");
const Address dns = addr("2001:db8:ff::53");

int open_tun(const char* name) {
    const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return -1;
    }
    ifreq ifr{};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

Address address_at(const Bytes& p, std::size_t at) {
    Address::Bytes b{};
    std::copy(p.begin() + static_cast<long>(at), p.begin() + static_cast<long>(at) + 16, b.begin());
    return Address(b);
}

void put_address(Bytes& p, std::size_t at, const Address& a) {
    std::copy(a.bytes().begin(), a.bytes().end(), p.begin() + static_cast<long>(at));
}

// The next Echo Request the kernel puts on the tun (skipping MLD, DAD and
// whatever else the kernel sends on a fresh link), within 2 s.
std::optional<Bytes> read_echo_request(int fd) {
    const auto deadline = Clock::now() + 2s;
    while (Clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
            continue;
        }
        Bytes buffer(2048);
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n <= 0) {
            continue;
        }
        buffer.resize(static_cast<std::size_t>(n));
        if (buffer.size() >= 48 && (buffer[0] >> 4) == 6 && buffer[6] == 58 &&
            buffer[40] == icmp6_echo_request) {
            return buffer;
        }
    }
    return std::nullopt;
}

void drain(int fd) {
    Bytes buffer(2048);
    while (::read(fd, buffer.data(), buffer.size()) > 0) {
    }
}

void fix_checksum(Bytes& packet) {
    packet[42] = 0;
    packet[43] = 0;
    const std::uint16_t c =
        icmp6_checksum(address_at(packet, 8), address_at(packet, 24),
                       std::span<const std::uint8_t>(packet.data() + 40, packet.size() - 40));
    packet[42] = static_cast<std::uint8_t>(c >> 8);
    packet[43] = static_cast<std::uint8_t>(c & 0xff);
}

// The Echo Reply a correct target would send to `request`.
Bytes reply_to(const Bytes& request) {
    Bytes reply = request;
    put_address(reply, 8, address_at(request, 24));
    put_address(reply, 24, address_at(request, 8));
    reply[7] = 64;
    reply[40] = icmp6_echo_reply;
    fix_checksum(reply);
    return reply;
}

void inject(int fd, const Bytes& packet) {
    ASSERT_EQ(::write(fd, packet.data(), packet.size()), static_cast<ssize_t>(packet.size()))
        << std::strerror(errno);
}

struct Event {
    bool reply = false;
    PathKey path;
    Address target;
    std::chrono::microseconds rtt{};
};

class ProberTest : public ::testing::Test {
  protected:
    void SetUp() override {
        drain(tun0_fd);
        drain(tun1_fd);
        Prober::Callbacks callbacks;
        callbacks.on_reply = [this](const PathKey& p, const Address& t,
                                    std::chrono::microseconds rtt) {
            events.push_back({true, p, t, rtt});
        };
        callbacks.on_loss = [this](const PathKey& p, const Address& t) {
            events.push_back({false, p, t, {}});
        };
        Prober::Options options;
        options.timeout = 5s;  // long: losses in these tests come from elsewhere
        prober = std::make_unique<Prober>(loop, callbacks, options);
        path0 = PathKey{tun0_index, *Prefix::parse("2001:db8:c::/64"), router};
        path1 = PathKey{tun1_index, *Prefix::parse("2001:db8:c::/64"), addr("fe80::2")};
    }

    // Runs the loop until `count` events arrived or 3 s passed.
    void run_until_events(std::size_t count) {
        const auto deadline = Clock::now() + 3s;
        while (events.size() < count && Clock::now() < deadline) {
            sd_event_run(loop.raw(), 20000);
        }
    }

    SdEventLoop loop;
    std::vector<Event> events;
    std::unique_ptr<Prober> prober;
    PathKey path0;
    PathKey path1;
};

TEST_F(ProberTest, OffLinkProbeIsACompleteEchoRequestFromTheSource) {
    prober->send(path0, host, dns);
    const auto request = read_echo_request(tun0_fd);
    ASSERT_TRUE(request) << "nothing left through tun0";
    ASSERT_EQ(request->size(), ipv6_header_size + probe_icmp_size);
    EXPECT_EQ(address_at(*request, 8), host);
    EXPECT_EQ(address_at(*request, 24), dns);
    EXPECT_EQ((*request)[7], 64) << "hop limit";
    Bytes copy = *request;
    fix_checksum(copy);
    EXPECT_EQ(copy, *request) << "the checksum the prober computed is right";
    EXPECT_EQ(((*request)[44] << 8) | (*request)[45], prober->identifier());
    EXPECT_EQ(prober->counters(path0).packets_sent, 1U);
    EXPECT_EQ(prober->outstanding(), 1U);
}

TEST_F(ProberTest, ForgedRepliesAreIgnored) {
    // Probe A is answered only by forgeries, then probe B (another target)
    // genuinely: B's reply, queued behind the forgeries, proves they were
    // all read by the time it is reported.
    prober->send(path0, host, dns);
    const auto request_a = read_echo_request(tun0_fd);
    ASSERT_TRUE(request_a);
    const Address target_b = addr("2001:db8:ff::1");
    prober->send(path0, host, target_b);
    const auto request_b = read_echo_request(tun0_fd);
    ASSERT_TRUE(request_b);
    const Bytes genuine = reply_to(*request_a);

    Bytes wrong_nonce = genuine;
    wrong_nonce[55] ^= 0x01;
    fix_checksum(wrong_nonce);
    Bytes wrong_id = genuine;
    wrong_id[44] ^= 0x80;
    fix_checksum(wrong_id);
    Bytes wrong_sequence = genuine;
    wrong_sequence[47] ^= 0x01;
    fix_checksum(wrong_sequence);
    Bytes wrong_source = genuine;
    put_address(wrong_source, 8, addr("2001:db8:ff::2"));
    fix_checksum(wrong_source);
    Bytes wrong_destination = genuine;  // to another address of this host
    put_address(wrong_destination, 24, other_host);
    fix_checksum(wrong_destination);
    Bytes longer = genuine;  // what a `ping` reply looks like
    longer.push_back(0);
    longer[5] = 17;
    fix_checksum(longer);
    for (const Bytes* forged :
         {&wrong_nonce, &wrong_id, &wrong_sequence, &wrong_source, &wrong_destination, &longer}) {
        inject(tun0_fd, *forged);
    }
    inject(tun0_fd, reply_to(*request_b));
    run_until_events(1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].reply);
    EXPECT_EQ(events[0].target, target_b) << "a forgery was taken for probe A's reply";
    EXPECT_EQ(prober->outstanding(), 1U);

    // The genuine reply, twice: counted once.
    inject(tun0_fd, genuine);
    inject(tun0_fd, genuine);
    run_until_events(2);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_TRUE(events[1].reply);
    EXPECT_EQ(events[1].path, path0);
    EXPECT_EQ(events[1].target, dns);
    EXPECT_EQ(prober->outstanding(), 0U);
    // A third probe's reply, queued behind the duplicate, proves the
    // duplicate was read and ignored.
    prober->send(path0, host, dns);
    const auto third = read_echo_request(tun0_fd);
    ASSERT_TRUE(third);
    inject(tun0_fd, reply_to(*third));
    run_until_events(3);
    ASSERT_EQ(events.size(), 3U);
    EXPECT_EQ(prober->counters(path0).replies, 3U);
    EXPECT_EQ(prober->counters(path0).losses, 0U);
}

TEST_F(ProberTest, ReplyArrivingOnAnotherLinkIsIgnored) {
    prober->send(path0, host, dns);
    const auto request0 = read_echo_request(tun0_fd);
    ASSERT_TRUE(request0);
    prober->send(path1, host, dns);
    const auto request1 = read_echo_request(tun1_fd);
    ASSERT_TRUE(request1);
    // Both replies come in on tun1 (the host accepts its address on any
    // link); only path1's is valid there.
    inject(tun1_fd, reply_to(*request0));
    inject(tun1_fd, reply_to(*request1));
    run_until_events(1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].path, path1);
    EXPECT_TRUE(events[0].reply);
    EXPECT_EQ(prober->outstanding(), 1U) << "path0's probe still waits";
}

TEST_F(ProberTest, RouterTargetGoesThroughTheStackFromTheSource) {
    prober->send(path0, host, router);
    const auto request = read_echo_request(tun0_fd);
    ASSERT_TRUE(request);
    EXPECT_EQ(address_at(*request, 8), host);
    EXPECT_EQ(address_at(*request, 24), router);
    inject(tun0_fd, reply_to(*request));
    run_until_events(1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_TRUE(events[0].reply);
    EXPECT_EQ(events[0].target, router);
    EXPECT_LT(events[0].rtt, 1s);
}

TEST_F(ProberTest, DestinationUnreachableEndsTheProbeAtOnce) {
    prober->send(path0, host, dns);
    const auto request = read_echo_request(tun0_fd);
    ASSERT_TRUE(request);
    // RFC 4443 §3.1 from a router on the way, quoting the whole probe.
    Bytes error(40 + 8, 0);
    error[0] = 0x60;
    error[6] = 58;
    error[7] = 64;
    put_address(error, 8, addr("2001:db8:c::1"));
    put_address(error, 24, host);
    error[40] = icmp6_destination_unreachable;
    error.insert(error.end(), request->begin(), request->end());
    const auto length = static_cast<std::uint16_t>(error.size() - 40);
    error[4] = static_cast<std::uint8_t>(length >> 8);
    error[5] = static_cast<std::uint8_t>(length & 0xff);
    Bytes wrong_nonce = error;  // quoting a packet we did not send
    wrong_nonce[48 + 55] ^= 1;
    fix_checksum(wrong_nonce);
    fix_checksum(error);
    const auto sent = Clock::now();
    inject(tun0_fd, wrong_nonce);
    inject(tun0_fd, error);
    run_until_events(1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_FALSE(events[0].reply);
    EXPECT_EQ(events[0].target, dns);
    EXPECT_LT(Clock::now() - sent, 1s) << "long before the 5 s deadline";
    EXPECT_EQ(prober->outstanding(), 0U);
}

TEST_F(ProberTest, SilenceEndsAsALossAtTheDeadline) {
    prober->set_timeout(150ms);
    const auto before = Clock::now();
    prober->send(path0, host, dns);
    const auto after = Clock::now();
    ASSERT_TRUE(prober->next_deadline());
    EXPECT_GE(*prober->next_deadline(), before + 150ms);
    EXPECT_LE(*prober->next_deadline(), after + 150ms);
    run_until_events(1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_FALSE(events[0].reply);
    EXPECT_GE(Clock::now() - before, 150ms);
    EXPECT_FALSE(prober->next_deadline());
    EXPECT_EQ(prober->counters(path0).losses, 1U);
    // The reply that comes too late changes nothing.
    const auto request = read_echo_request(tun0_fd);
    ASSERT_TRUE(request);
    inject(tun0_fd, reply_to(*request));
    prober->set_timeout(5s);
    prober->send(path0, host, dns);
    const auto next = read_echo_request(tun0_fd);
    ASSERT_TRUE(next);
    inject(tun0_fd, reply_to(*next));
    run_until_events(2);
    ASSERT_EQ(events.size(), 2U);
    EXPECT_TRUE(events[1].reply);
    EXPECT_EQ(prober->counters(path0).replies, 1U);
}

TEST_F(ProberTest, ForgottenPathGetsNoCallback) {
    prober->send(path0, host, dns);
    const auto request = read_echo_request(tun0_fd);
    ASSERT_TRUE(request);
    prober->forget(path0);
    EXPECT_EQ(prober->counters(path0), ProbeCounters{});
    inject(tun0_fd, reply_to(*request));
    prober->send(path1, host, dns);
    const auto other = read_echo_request(tun1_fd);
    ASSERT_TRUE(other);
    inject(tun0_fd, reply_to(*other));  // wrong link: ignored too
    inject(tun1_fd, reply_to(*other));
    run_until_events(1);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].path, path1);
}

}  // namespace
}  // namespace multi6d

int main(int argc, char** argv) {
    using namespace multi6d;
    ::testing::InitGoogleTest(&argc, argv);
    // Everything happens in a fresh, anonymous network namespace that
    // disappears with this process.
    if (!test::enter_namespaces("test_prober", "own network namespace, tun, CAP_NET_RAW",
                                CLONE_NEWNET)) {
        return 1;
    }
    tun0_fd = open_tun("m6pt0");
    tun1_fd = open_tun("m6pt1");
    if (tun0_fd < 0 || tun1_fd < 0) {
        std::fprintf(stderr, "test_prober: FAILED: cannot create tun devices: %s\n",
                     std::strerror(errno));
        return 1;
    }
    if (!test::run_setup("test_prober", {
                                            "ip link set lo up",
                                            "ip link set m6pt0 up",
                                            "ip link set m6pt1 up",
                                            "ip -6 addr add 2001:db8:c::10/64 dev m6pt0 nodad",
                                            "ip -6 addr add 2001:db8:c::11/64 dev m6pt0 nodad",
                                            "ip -6 addr add fe80::10/64 dev m6pt0 nodad",
                                            "ip -6 addr add fe80::20/64 dev m6pt1 nodad",
                                        })) {
        return 1;
    }
    tun0_index = static_cast<int>(if_nametoindex("m6pt0"));
    tun1_index = static_cast<int>(if_nametoindex("m6pt1"));
    return RUN_ALL_TESTS();
}
