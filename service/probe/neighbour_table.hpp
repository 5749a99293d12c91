// Read-only queries of the kernel's neighbour and link tables over
// rtnetlink (RTM_GETNEIGH / RTM_GETLINK with one object each), for the
// prober, which sends to a router's link-layer address itself.
//
// Blocking and synchronous (the kernel answers at once); the socket joins no
// multicast group, so nothing but answers arrives on it. Changes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "address.hpp"

namespace multi6d {

class NeighbourTable {
  public:
    // Opens a NETLINK_ROUTE socket in the caller's network namespace.
    // Throws std::system_error.
    NeighbourTable();
    ~NeighbourTable();
    NeighbourTable(const NeighbourTable&) = delete;
    NeighbourTable& operator=(const NeighbourTable&) = delete;

    // The link-layer address the kernel holds for `address` on `ifindex` if
    // the entry is usable: REACHABLE, STALE, DELAY, PROBE, PERMANENT or
    // NOARP with an address (RFC 4861 §7.3.2: a STALE address is used and
    // re-verified by traffic). nullopt when there is no entry, it is
    // INCOMPLETE or FAILED, or it carries no address. Throws
    // std::system_error when the exchange itself fails.
    std::optional<std::vector<std::uint8_t>> link_layer_address(int ifindex,
                                                                const Address& address);

    // Length of the link's hardware address: 6 on Ethernet and Wi-Fi, 0 on
    // links without one (PPP, tun, WireGuard), which need no neighbour
    // resolution. nullopt when the link does not exist.
    std::optional<std::size_t> hardware_address_length(int ifindex);

  private:
    // Sends `request` (a complete netlink message) and returns the answer's
    // payload message, or the kernel's errno (positive) in `error`.
    std::vector<std::uint8_t> exchange(std::vector<std::uint8_t> request, int& error);

    int fd_ = -1;
    std::uint32_t sequence_ = 0;
};

}  // namespace multi6d
