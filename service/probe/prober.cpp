#include "prober.hpp"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "datagram.hpp"
#include "icmpv6_socket.hpp"
#include "log.hpp"
#include "throw_errno.hpp"

namespace multi6d {

namespace {

using Clock = std::chrono::steady_clock;

UniqueFd open_icmp_socket(std::uint8_t hop_limit) {
    UniqueFd fd = open_icmpv6_socket({ICMP6_ECHO_REPLY, ICMP6_DST_UNREACH}, "prober");
    set_socket_option(fd.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, hop_limit, "prober",
                      "IPV6_UNICAST_HOPS");
    return fd;
}

// Protocol 0: the socket is bound to no protocol and so receives nothing
// (packet(7)); it only sends.
UniqueFd open_packet_socket() {
    UniqueFd fd(socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        throw_errno("prober: open AF_PACKET socket (needs CAP_NET_RAW)");
    }
    return fd;
}

void fill_random(void* data, std::size_t size) {
    auto* p = static_cast<std::uint8_t*>(data);
    while (size > 0) {
        const ssize_t n = getrandom(p, size, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno("prober: getrandom");
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
}

std::uint16_t random_identifier() {
    std::uint16_t id = 0;
    fill_random(&id, sizeof id);
    return id;
}

ProbeNonce random_nonce() {
    ProbeNonce nonce;
    fill_random(nonce.data(), nonce.size());
    return nonce;
}

Address to_address(const in6_addr& a) {
    Address::Bytes bytes{};
    std::memcpy(bytes.data(), &a, 16);
    return Address(bytes);
}

in6_addr to_in6(const Address& a) {
    in6_addr out{};
    std::memcpy(&out, a.bytes().data(), 16);
    return out;
}

std::string describe(const ProbeRequest& r) {
    return r.target.to_string() + " from " + r.source.to_string() + " via " +
           r.path.router.to_string() + "%" + std::to_string(r.path.ifindex);
}

}  // namespace

Prober::Prober(EventLoop& loop, Callbacks callbacks) : Prober(loop, std::move(callbacks), {}) {}

Prober::Prober(EventLoop& loop, Callbacks callbacks, Options options)
    : loop_(loop),
      callbacks_(std::move(callbacks)),
      options_(options),
      icmp_fd_(open_icmp_socket(options.hop_limit)),
      packet_fd_(open_packet_socket()),
      tracker_(options.identifier ? *options.identifier : random_identifier()),
      buffer_(2048) {
    io_ = loop_.add_io(icmp_fd_.get(), EPOLLIN, [this](std::uint32_t) { on_readable(); });
}

Prober::~Prober() = default;

void Prober::set_timeout(std::chrono::milliseconds timeout) {
    options_.timeout = timeout;
}

ProbeCounters Prober::counters(const PathKey& path) const {
    const auto it = counters_.find(path);
    return it == counters_.end() ? ProbeCounters{} : it->second;
}

std::optional<MonotonicTime> Prober::next_deadline() const {
    return tracker_.next_deadline();
}

void Prober::count_sent(const PathKey& path, bool ok) {
    auto& c = counters_[path];
    ++(ok ? c.packets_sent : c.send_errors);
}

void Prober::send(const PathKey& path, const Address& source, const Address& target) {
    send(path, source, target, options_.timeout);
}

void Prober::send(const PathKey& path, const Address& source, const Address& target,
                  std::chrono::microseconds timeout) {
    const ProbeTime now = Clock::now();
    const ProbeTime deadline = now + timeout;
    // A reply up to Options::timeout (timeout_ms, the adaptive timeout's
    // cap) after the send still counts as a late one (probe_tracker.hpp).
    const ProbeTime late_until =
        now + std::max<std::chrono::microseconds>(timeout, options_.timeout);
    const ProbeRequest request{path, source, target};
    ++counters_[path].probes;

    if (target.is_link_local()) {
        // On-link target (the router itself): no next hop to choose.
        const auto fields = tracker_.add(request, ProbeKind::Probe, random_nonce(), now, deadline,
                                         false, late_until);
        count_sent(path, send_through_stack(request, fields));
        rearm();
        return;
    }

    std::optional<std::vector<std::uint8_t>> lladdr;
    bool link_missing = false;
    try {
        lladdr = neighbours_.link_layer_address(path.ifindex, path.router);
        if (!lladdr) {
            const auto length = neighbours_.hardware_address_length(path.ifindex);
            if (!length) {
                link_missing = true;
            } else if (*length == 0) {
                lladdr.emplace();  // point-to-point link: no link-layer address to resolve
            }
        }
    } catch (const std::system_error& e) {
        send_failure_log_.write(log::Level::Warning, std::string(e.what()) + "; probe of " +
                                                         describe(request) + " not sent");
        link_missing = true;
    }

    if (link_missing) {
        tracker_.add(request, ProbeKind::Probe, random_nonce(), now, deadline);
        count_sent(path, false);
    } else if (lladdr) {
        const auto fields = tracker_.add(request, ProbeKind::Probe, random_nonce(), now, deadline,
                                         false, late_until);
        count_sent(path, send_to_link_layer(request, fields, *lladdr));
    } else {
        tracker_.add(request, ProbeKind::Probe, random_nonce(), now, deadline, /*held=*/true,
                     late_until);
        ++counters_[path].neighbour_waits;
        if (!tracker_.kick_outstanding(path.ifindex, path.router)) {
            const ProbeRequest kick{path, source, path.router};
            const auto fields =
                tracker_.add(kick, ProbeKind::NeighbourKick, random_nonce(), now, deadline);
            count_sent(path, send_through_stack(kick, fields));
        }
    }
    rearm();
}

bool Prober::send_through_stack(const ProbeRequest& request, const EchoFields& fields) {
    const auto icmp = build_echo_icmp(fields);  // the kernel fills in the checksum
    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    to.sin6_addr = to_in6(request.target);
    if (request.target.is_link_local()) {
        to.sin6_scope_id = static_cast<std::uint32_t>(request.path.ifindex);
    }
    in6_pktinfo info{};
    info.ipi6_addr = to_in6(request.source);
    info.ipi6_ifindex = static_cast<unsigned>(request.path.ifindex);
    alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))]{};
    iovec iov{const_cast<std::uint8_t*>(icmp.data()), icmp.size()};
    msghdr msg = datagram_header(to, iov, control);
    set_packet_info(msg, info);
    if (sendmsg(icmp_fd_.get(), &msg, MSG_DONTWAIT) < 0) {
        log::debug("probe " + describe(request) + ": " + std::strerror(errno));
        return false;
    }
    return true;
}

bool Prober::send_to_link_layer(const ProbeRequest& request, const EchoFields& fields,
                                const std::vector<std::uint8_t>& link_layer_address) {
    sockaddr_ll to{};
    if (link_layer_address.size() > sizeof to.sll_addr) {
        log::debug("probe " + describe(request) + ": link-layer address too long");
        return false;
    }
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_IPV6);
    to.sll_ifindex = request.path.ifindex;
    to.sll_halen = static_cast<unsigned char>(link_layer_address.size());
    std::copy(link_layer_address.begin(), link_layer_address.end(), to.sll_addr);
    const auto packet =
        build_echo_packet(request.source, request.target, fields, options_.hop_limit);
    if (sendto(packet_fd_.get(), packet.data(), packet.size(), MSG_DONTWAIT,
               reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
        log::debug("probe " + describe(request) + ": " + std::strerror(errno));
        return false;
    }
    return true;
}

void Prober::release_held(int ifindex, const Address& router) {
    const auto held = tracker_.held_for(ifindex, router);
    if (held.empty()) {
        return;
    }
    std::optional<std::vector<std::uint8_t>> lladdr;
    try {
        lladdr = neighbours_.link_layer_address(ifindex, router);
    } catch (const std::system_error& e) {
        send_failure_log_.write(log::Level::Warning, e.what());
    }
    if (!lladdr) {
        return;  // still unresolved: the held probes wait for their deadline
    }
    const ProbeTime now = Clock::now();
    for (const std::uint16_t sequence : held) {
        const ProbeTracker::Entry* e = tracker_.find(sequence);
        const ProbeRequest request = e->request;
        const EchoFields fields{tracker_.identifier(), sequence, e->nonce};
        count_sent(request.path, send_to_link_layer(request, fields, *lladdr));
        tracker_.transmitted(sequence, now);
    }
}

void Prober::on_readable() {
    // Level-triggered: whatever is left after this batch wakes us again.
    for (int i = 0; i < 64 && receive_one(); ++i) {
    }
    rearm();
}

bool Prober::receive_one() {
    sockaddr_in6 from{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))];
    msghdr msg = datagram_header(from, iov, control);
    const ssize_t n = recvmsg(icmp_fd_.get(), &msg, MSG_DONTWAIT);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            send_failure_log_.write(log::Level::Warning,
                                    std::string("prober: receive: ") + std::strerror(errno));
        }
        return false;
    }
    const ProbeTime now = Clock::now();
    std::optional<in6_pktinfo> info;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            info.emplace();
            std::memcpy(&*info, CMSG_DATA(c), sizeof *info);
        }
    }
    if (!info) {
        return true;  // without the destination nothing can be validated
    }
    const auto length = std::min(static_cast<std::size_t>(n), buffer_.size());
    const std::span<const std::uint8_t> icmp(buffer_.data(), length);
    const int ifindex = static_cast<int>(info->ipi6_ifindex);
    const Address to = to_address(info->ipi6_addr);
    // Losses whose deadline passed go first, so that a reply read after a
    // probe's deadline is taken as a late reply, not as an in-time one.
    dispatch_all(tracker_.expire(now));
    std::optional<ProbeOutcome> outcome;
    if (const auto reply = parse_echo_reply(icmp)) {
        outcome = tracker_.on_reply(ifindex, to_address(from.sin6_addr), to, *reply, now);
    } else if (const auto quoted = parse_unreachable(icmp)) {
        outcome = tracker_.on_unreachable(ifindex, to, *quoted);
        if (outcome) {
            // RFC 4443 §3.1: the code says why (5: source address failed
            // ingress/egress policy, as a BCP 38 filter may say).
            outcome->error = "destination unreachable code " + std::to_string(icmp[1]) + " from " +
                             to_address(from.sin6_addr).to_string();
        }
    }
    if (outcome) {
        dispatch_all({*outcome});
    }
    return true;
}

void Prober::expire(MonotonicTime now) {
    dispatch_all(tracker_.expire(now));
    rearm();
}

void Prober::forget(const PathKey& path) {
    tracker_.forget(path);
    counters_.erase(path);
    if (dispatching_) {
        forgotten_in_dispatch_.push_back(path);
    }
    rearm();
}

void Prober::dispatch_all(const std::vector<ProbeOutcome>& outcomes) {
    const bool outer = !dispatching_;
    dispatching_ = true;
    for (const auto& outcome : outcomes) {
        const auto& gone = forgotten_in_dispatch_;
        if (std::find(gone.begin(), gone.end(), outcome.request.path) == gone.end()) {
            dispatch(outcome);
        }
    }
    if (outer) {
        dispatching_ = false;
        forgotten_in_dispatch_.clear();
    }
}

void Prober::dispatch(const ProbeOutcome& outcome) {
    const PathKey& path = outcome.request.path;
    const Address& target = outcome.request.target;
    if (outcome.rtt && target == path.router) {
        // The router answered, so its link-layer address is known now.
        release_held(path.ifindex, path.router);
    }
    if (outcome.kind == ProbeKind::NeighbourKick) {
        return;
    }
    auto& c = counters_[path];
    if (outcome.late) {
        ++c.late_replies;
        if (callbacks_.on_late_reply) {
            callbacks_.on_late_reply(path, target, *outcome.rtt);
        }
    } else if (outcome.rtt) {
        ++c.replies;
        if (callbacks_.on_reply) {
            callbacks_.on_reply(path, target, *outcome.rtt);
        }
    } else {
        ++c.losses;
        if (outcome.error && callbacks_.on_error) {
            callbacks_.on_error(path, target, *outcome.error);
        } else if (callbacks_.on_loss) {
            callbacks_.on_loss(path, target);
        }
    }
}

void Prober::rearm() {
    const auto next = tracker_.next_deadline();
    if (!next) {
        timer_.reset();
        timer_at_.reset();
        return;
    }
    if (timer_ && timer_at_ == next) {
        return;
    }
    timer_at_ = next;
    // Fire just after the deadline: expire() takes deadlines before `now`.
    timer_ = loop_.add_timer(*next + std::chrono::microseconds(1), [this] {
        timer_at_.reset();
        expire(Clock::now());
    });
}

}  // namespace multi6d
