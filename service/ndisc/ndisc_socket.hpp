// The raw ICMPv6 socket that hears Router Advertisements and sends Router
// Solicitations. The kernel keeps no record of which router advertised which
// prefix (DESIGN §2), so multi6d reads the RAs itself.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "address.hpp"
#include "unique_fd.hpp"

namespace multi6d {

struct ReceivedNdisc {
    int ifindex = 0;
    Address source;
    int hop_limit = -1;                   // from IPV6_HOPLIMIT; -1 when the kernel gave none
    std::span<const std::uint8_t> icmp6;  // starts at the ICMPv6 header
};

// What the daemon asks of the socket that hears RAs; NdiscSocket is the
// Linux one, the daemon's unit tests substitute queued packets.
class RaSocket {
  public:
    virtual ~RaSocket() = default;
    // Readable when a packet waits (the daemon watches it on its loop).
    virtual int fd() const = 0;
    // Receives one packet; false when none is waiting. The span in `out`
    // stays valid until the next call.
    virtual bool receive(ReceivedNdisc& out) = 0;
    // Sends `icmp6` (an RS built by build_router_solicitation) to ff02::2 on
    // the link, hop limit 255 (RFC 4861 §6.3.7). Throws on failure.
    virtual void send_to_all_routers(int ifindex, std::span<const std::uint8_t> icmp6) = 0;
};

class NdiscSocket final : public RaSocket {
  public:
    // Opens a non-blocking raw ICMPv6 socket whose ICMP6_FILTER passes only
    // Router Advertisements (type 134). Needs CAP_NET_RAW.
    NdiscSocket();

    int fd() const override { return fd_.get(); }
    bool receive(ReceivedNdisc& out) override;
    void send_to_all_routers(int ifindex, std::span<const std::uint8_t> icmp6) override;

  private:
    UniqueFd fd_;
    std::vector<std::uint8_t> buffer_;
};

}  // namespace multi6d
