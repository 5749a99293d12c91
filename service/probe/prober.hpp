// The prober's socket side (DESIGN.md §3 step 4): ICMPv6 Echo Requests from
// a path's source address, forced through the path's router, and the
// matching of what comes back. When to probe is decided elsewhere (the
// probe schedule); this class sends when told and reports each probe's
// outcome once.
//
// Forcing the first hop. Linux has no IPV6_NEXTHOP (RFC 3542 §6.1): the
// socket option fails with ENOPROTOOPT and the ancillary data with EINVAL
// (ip6_datagram_send_ctl() has no case for it), so the IPv6 stack always
// picks the next hop from its routing tables. A probe to an off-link target
// is therefore built whole (IPv6 header + ICMPv6, checksum included) and
// handed to an AF_PACKET socket addressed to the router's link-layer
// address, read from the kernel's neighbour table — it leaves through that
// router whatever the routing tables say, without any kernel state of
// multi6d's. A probe to a link-local target (the router itself) goes
// through the IPv6 stack on the path's link: the target is the neighbour,
// so there is no next hop to choose, and the kernel's neighbour discovery
// keeps the router's entry fresh (RFC 4861 §7.3). When the router's
// link-layer address is not known yet the probe is held, an Echo Request to
// the router through the stack makes the kernel resolve it (RFC 4861 §7.2),
// and held probes leave as soon as the router answers; a probe still held
// at its deadline is a loss. Links without hardware addresses (PPP, tun,
// WireGuard) need no resolution: the packet goes to the only peer there is.
//
// Consequences of the packet socket, for the unit file and the docs:
// - needs CAP_NET_RAW and AF_PACKET (RestrictAddressFamilies= in the unit);
// - probes to off-link targets bypass the host's netfilter OUTPUT hooks, so
//   conntrack never sees them, and a host firewall that drops `ct state
//   invalid` drops their replies (checked in the lab): such a firewall must
//   accept ICMPv6 Echo Replies (type 129) before its invalid-drop rule.
//
// Receiving: one raw ICMPv6 socket whose ICMP6_FILTER passes Echo Reply
// (129) and Destination Unreachable (1). A reply counts only if its
// identifier is this prober's, its sequence number is outstanding, it
// echoes that probe's random 8-octet nonce, it comes from the probed
// target, is addressed to the probe's source (IPV6_PKTINFO) and arrives on
// the path's link (probe_tracker.hpp). Everything else — replies to a
// `ping` on the same host, forged or late replies — is ignored. A
// Destination Unreachable that quotes an outstanding probe exactly ends it
// as a loss at once (RFC 4443 §3.1), before its deadline.
//
// Threading: none; everything runs on the daemon's event loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "address.hpp"
#include "event_loop.hpp"
#include "log.hpp"
#include "neighbour_table.hpp"
#include "path.hpp"
#include "probe_tracker.hpp"
#include "unique_fd.hpp"

namespace multi6d {

// Per path, since the path was first probed (or last forgotten).
struct ProbeCounters {
    std::uint64_t probes = 0;           // send() calls: each ends in one reply or one loss
    std::uint64_t packets_sent = 0;     // Echo Requests handed to the kernel, kicks included
    std::uint64_t replies = 0;          // probes answered in time
    std::uint64_t losses = 0;           // probes lost (timeout, unreachable, send error)
    std::uint64_t late_replies = 0;     // replies to probes already counted as lost
    std::uint64_t send_errors = 0;      // packets the kernel refused (each ends as a loss)
    std::uint64_t neighbour_waits = 0;  // probes held for the router's link-layer address
    friend bool operator==(const ProbeCounters&, const ProbeCounters&) = default;
};

// What the path supervisor asks of the probe sockets; Prober is the Linux
// one, the daemon's unit tests substitute a fake network.
class ProbePort {
  public:
    virtual ~ProbePort() = default;
    // See Prober::send(): every call ends in exactly one outcome callback,
    // from the loop, unless forget(path) comes first. `timeout`: this
    // probe's own (policy/probe_timeout.hpp).
    virtual void send(const PathKey& path, const Address& source, const Address& target,
                      std::chrono::microseconds timeout) = 0;
    // timeout_ms: how long after the send a late reply is still taken.
    virtual void set_timeout(std::chrono::milliseconds timeout) = 0;
    virtual void forget(const PathKey& path) = 0;
    virtual ProbeCounters counters(const PathKey& path) const = 0;
};

class Prober final : public ProbePort {
  public:
    struct Callbacks {
        // The probe of `target` on `path` was answered; rtt from the packet
        // leaving to the reply being read.
        std::function<void(const PathKey& path, const Address& target,
                           std::chrono::microseconds rtt)>
            on_reply;
        // The probe of `target` on `path` got no valid answer in time.
        std::function<void(const PathKey& path, const Address& target)> on_loss;
        // The probe was ended by an ICMPv6 Destination Unreachable that
        // quotes it exactly (`error` says the code and who sent it). When
        // set, it is called instead of on_loss for such a probe; when not,
        // on_loss is.
        std::function<void(const PathKey& path, const Address& target, const std::string& error)>
            on_error;
        // A reply to a probe that on_loss already reported (after its own
        // timeout, within Options::timeout of the send): the path forwards,
        // and `rtt` is a sample the adaptive timeout needs (probe_timeout.hpp).
        std::function<void(const PathKey& path, const Address& target,
                           std::chrono::microseconds rtt)>
            on_late_reply;
    };

    struct Options {
        std::chrono::milliseconds timeout{300};  // for send() without a timeout of its own
        // Echo identifier; default: random per Prober (per daemon start).
        std::optional<std::uint16_t> identifier;
        std::uint8_t hop_limit = 64;
    };

    // Opens the sockets (needs CAP_NET_RAW; throws std::system_error) and
    // registers the receive socket with `loop`. The loop must outlive the
    // Prober. Callbacks run from the loop, never from inside send(); they
    // may call send() and forget() but must not destroy the Prober.
    Prober(EventLoop& loop, Callbacks callbacks, Options options);
    Prober(EventLoop& loop, Callbacks callbacks);
    ~Prober() override;
    Prober(const Prober&) = delete;
    Prober& operator=(const Prober&) = delete;

    // Sends one Echo Request from `source` (the host's address in
    // path.prefix) to `target` through path.router on path.ifindex. Every
    // call ends in exactly one on_reply or on_loss, unless forget(path)
    // comes first; a packet the kernel refuses ends as a loss at the
    // deadline (now + timeout). Does not check that `source` is assigned:
    // the caller probes only paths that have an address (policy/path.hpp).
    void send(const PathKey& path, const Address& source, const Address& target,
              std::chrono::microseconds timeout) override;
    // The same with Options::timeout.
    void send(const PathKey& path, const Address& source, const Address& target);

    // Options::timeout, for probes sent from now on: the timeout of those
    // sent without their own, and the end of every probe's late window.
    void set_timeout(std::chrono::milliseconds timeout) override;

    // Drops the path's outstanding probes (no callbacks) and its counters.
    void forget(const PathKey& path) override;

    // The earliest deadline of an outstanding probe. The prober keeps one
    // timer of its own armed at this time; exposed for tests and status.
    std::optional<MonotonicTime> next_deadline() const;

    // Reports every probe whose deadline is before `now` as lost. The
    // prober's timer calls it; calling it more often is harmless.
    void expire(MonotonicTime now);

    std::size_t outstanding() const { return tracker_.size(); }  // awaiting an outcome
    std::uint16_t identifier() const { return tracker_.identifier(); }
    ProbeCounters counters(const PathKey& path) const override;
    const std::map<PathKey, ProbeCounters>& all_counters() const { return counters_; }

  private:
    void on_readable();
    bool receive_one();
    void dispatch(const ProbeOutcome& outcome);
    void dispatch_all(const std::vector<ProbeOutcome>& outcomes);
    void release_held(int ifindex, const Address& router);
    bool send_through_stack(const ProbeRequest& request, const EchoFields& fields);
    bool send_to_link_layer(const ProbeRequest& request, const EchoFields& fields,
                            const std::vector<std::uint8_t>& link_layer_address);
    void count_sent(const PathKey& path, bool ok);
    void rearm();

    EventLoop& loop_;
    Callbacks callbacks_;
    Options options_;
    UniqueFd icmp_fd_;    // raw ICMPv6: receives everything, sends to link-local targets
    UniqueFd packet_fd_;  // AF_PACKET SOCK_DGRAM, protocol 0: sends only, receives nothing
    NeighbourTable neighbours_;
    ProbeTracker tracker_;
    std::map<PathKey, ProbeCounters> counters_;
    EventSource io_;
    EventSource timer_;
    std::optional<ProbeTime> timer_at_;
    std::vector<std::uint8_t> buffer_;
    // A probe that cannot be sent fails again at every probe interval.
    log::RateLimit send_failure_log_{"probe not sent"};
    // Paths forgotten while outcomes are being delivered: their remaining
    // outcomes of that batch are dropped.
    std::vector<PathKey> forgotten_in_dispatch_;
    bool dispatching_ = false;
};

// Opens the probe sockets for a PathSupervisor (the daemon's ports).
using ProbePortFactory =
    std::function<std::unique_ptr<ProbePort>(EventLoop&, Prober::Callbacks, Prober::Options)>;

}  // namespace multi6d
