// The kernel's in-kernel MPTCP path manager as plain values and a port:
// endpoints (`ip mptcp endpoint`) and limits (`ip mptcp limits`). The real
// implementation talks generic netlink family "mptcp_pm" (mptcp_genl.hpp);
// unit tests substitute a fake.
//
// An endpoint is a local address the path manager may use for additional
// subflows (flag subflow) or announce to peers (signal), keyed by an id
// (u8, 1..255; 0 is the initial subflow's implicit address, RFC 8684
// §3.4.1). The kernel keeps at most 8 endpoints per network namespace, at
// most one per address, and never removes one when its address or device
// goes away: whoever added it must.
#pragma once

#include <linux/mptcp.h>

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "address.hpp"

namespace multi6d {

// Kernel endpoint flags (linux/mptcp.h), named for readability.
namespace mptcp_flag {
inline constexpr std::uint32_t signal = MPTCP_PM_ADDR_FLAG_SIGNAL;
inline constexpr std::uint32_t subflow = MPTCP_PM_ADDR_FLAG_SUBFLOW;
inline constexpr std::uint32_t backup = MPTCP_PM_ADDR_FLAG_BACKUP;
inline constexpr std::uint32_t fullmesh = MPTCP_PM_ADDR_FLAG_FULLMESH;
}  // namespace mptcp_flag

// The kernel refuses more endpoints than this, and limits above it
// (MPTCP_PM_ADDR_MAX and MPTCP_PM_ADDR_SUBFLOWS_MAX in net/mptcp).
inline constexpr std::size_t mptcp_max_endpoints = 8;
inline constexpr std::uint32_t mptcp_max_limit = 8;

struct MptcpEndpoint {
    std::uint8_t id = 0;
    Address address;  // IPv4 as ::ffff:a.b.c.d
    std::uint32_t flags = 0;
    int ifindex = 0;  // 0 = not bound to a device
    friend auto operator<=>(const MptcpEndpoint&, const MptcpEndpoint&) = default;
};

struct MptcpLimits {
    // Additional subflows per connection, and ADD_ADDR announcements
    // accepted from the peer per connection (each may lead to a subflow).
    std::uint32_t subflows = 0;
    std::uint32_t add_addr_accepted = 0;
    friend auto operator<=>(const MptcpLimits&, const MptcpLimits&) = default;
};

// "2001:db8::10 id 255 subflow backup dev #3", close to `ip mptcp endpoint`.
std::string describe(const MptcpEndpoint& endpoint);
std::string describe_flags(std::uint32_t flags);
// "subflows 8 add_addr_accepted 8".
std::string describe(const MptcpLimits& limits);

// One request per call, synchronous; failures throw KernelError (message
// names the operation and object, error_number() the kernel's errno).
class MptcpPmPort {
  public:
    virtual ~MptcpPmPort() = default;
    // Every endpoint in the namespace, any owner, sorted by id.
    virtual std::vector<MptcpEndpoint> endpoints() = 0;
    // endpoint.id must be non-zero (the kernel would pick one).
    virtual void add(const MptcpEndpoint& endpoint) = 0;
    // Deletes the endpoint with this id; subflows using it are closed.
    virtual void remove(std::uint8_t id) = 0;
    // Changes the backup (and fullmesh) flag of the endpoint with this id and
    // address; the kernel tells peers of existing connections (MP_PRIO,
    // RFC 8684 §3.3.8). Other flag bits are ignored by the kernel.
    virtual void set_flags(const MptcpEndpoint& endpoint) = 0;
    virtual MptcpLimits limits() = 0;
    virtual void set_limits(const MptcpLimits& limits) = 0;
};

}  // namespace multi6d
