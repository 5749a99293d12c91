// Bookkeeping of outstanding path probes: which (path, source, target) each
// sequence number stands for, its nonce, when it left, its deadline, and
// the validation of what comes back. Pure: the caller passes the time
// (steady clock) and the fields it read; no syscalls.
//
// A probe ends exactly once: as a reply (with its round-trip time), or as a
// loss — at its deadline, through a Destination Unreachable that quotes it
// (RFC 4443 §3.1), or through a reply that arrived after the deadline — or
// silently through forget(). Everything that does not match an outstanding
// probe in every field is ignored and leaves the probes untouched.
//
// A probe lost at its deadline may be given a later `late_until`: until
// then a reply to it still matches, once, as a late reply (ProbeOutcome::
// late). The deadline is the adaptive timeout (probe_timeout.hpp), which a
// jittery or suddenly slower path can undercut; a late reply is the proof
// that the path still forwards, and the only RTT sample that lets the
// estimate follow an RTT that rose above the timeout.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "address.hpp"
#include "path.hpp"
#include "probe_packet.hpp"

namespace multi6d {

using ProbeTime = std::chrono::steady_clock::time_point;

struct ProbeRequest {
    PathKey path;
    Address source;  // the host's address in path.prefix
    Address target;
    friend bool operator==(const ProbeRequest&, const ProbeRequest&) = default;
};

// A Probe is what the caller asked for. A NeighbourKick is an echo to the
// router's link-local address sent through the IPv6 stack only so that the
// kernel resolves the router's link-layer address (RFC 4861 §7.2); its
// outcome is the prober's business, never reported as a probe result.
enum class ProbeKind { Probe, NeighbourKick };

struct ProbeOutcome {
    std::uint16_t sequence = 0;
    ProbeRequest request;
    ProbeKind kind = ProbeKind::Probe;
    std::optional<std::chrono::microseconds> rtt;  // nullopt: lost
    // A reply to a probe already reported lost at its deadline (rtt set).
    bool late = false;
    // Lost to an ICMPv6 error quoting it: what the error said (set by the
    // prober, which has the packet).
    std::optional<std::string> error;
};

class ProbeTracker {
  public:
    explicit ProbeTracker(std::uint16_t identifier) : identifier_(identifier) {}

    std::uint16_t identifier() const { return identifier_; }

    // Registers a probe and returns the fields to put on the wire. Sequence
    // numbers count up from 1 and wrap, skipping numbers still outstanding.
    // `held`: not sent yet (waiting for the router's link-layer address);
    // call transmitted() when it leaves. `late_until` (at most: the
    // deadline): a reply until then is still taken as a late one. Throws
    // std::length_error when all 65536 numbers are outstanding.
    EchoFields add(const ProbeRequest& request, ProbeKind kind, const ProbeNonce& nonce,
                   ProbeTime now, ProbeTime deadline, bool held = false,
                   std::optional<ProbeTime> late_until = std::nullopt);

    // The held probe left now: its round-trip time counts from here. The
    // deadline stays. No effect on an unknown or already sent sequence.
    void transmitted(std::uint16_t sequence, ProbeTime now);

    // An Echo Reply that arrived on `ifindex` from `from` to `to`. Matches
    // when identifier, sequence and nonce are those of a sent (not held)
    // probe, `from` is its target, `to` its source and `ifindex` its path's
    // link. A match at or before the deadline is a reply; after it, a late
    // reply if the probe was already reported lost (expire()), else a loss.
    std::optional<ProbeOutcome> on_reply(int ifindex, const Address& from, const Address& to,
                                         const EchoFields& fields, ProbeTime now);

    // A Destination Unreachable that arrived on `ifindex`, addressed `to`,
    // quoting `quoted`. Matches (as a loss) when the quoted packet is a sent
    // probe in every field — identifier, sequence, nonce, source, target —
    // and `to` and `ifindex` are its source and link.
    std::optional<ProbeOutcome> on_unreachable(int ifindex, const Address& to,
                                               const QuotedProbe& quoted);

    // Returns (as losses) every probe whose deadline is before `now` and
    // was not reported yet, earliest deadline first; removes them, except
    // those kept for a late reply, which a later expire() removes silently
    // once past late_until.
    std::vector<ProbeOutcome> expire(ProbeTime now);

    // The earliest deadline of a probe not yet reported.
    std::optional<ProbeTime> next_deadline() const;

    // Drops the path's probes without an outcome; returns how many.
    std::size_t forget(const PathKey& path);

    // Sequence numbers of held probes waiting for `router` on `ifindex`.
    std::vector<std::uint16_t> held_for(int ifindex, const Address& router) const;

    // Whether a NeighbourKick for `router` on `ifindex` is outstanding.
    bool kick_outstanding(int ifindex, const Address& router) const;

    struct Entry {
        ProbeRequest request;
        ProbeKind kind = ProbeKind::Probe;
        ProbeNonce nonce{};
        ProbeTime sent;
        ProbeTime deadline;
        bool held = false;
        ProbeTime late_until;  // >= deadline
        bool lost = false;     // reported lost, kept for a late reply
    };
    const Entry* find(std::uint16_t sequence) const;
    // Probes awaiting an outcome (not those only kept for a late reply).
    std::size_t size() const;

  private:
    std::optional<ProbeOutcome> take(std::map<std::uint16_t, Entry>::iterator it,
                                     std::optional<std::chrono::microseconds> rtt);

    std::uint16_t identifier_;
    std::uint16_t last_sequence_ = 0;
    std::map<std::uint16_t, Entry> entries_;
};

}  // namespace multi6d
