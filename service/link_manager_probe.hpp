// Reads who processes RAs on a link (policy/link_manager.hpp) from where
// each party leaves its mark, as measured with the real managers in the lab
// (tests/integration/daemon_beside_*.sh):
//   kernel            /proc/sys/net/ipv6/conf/<link>/{accept_ra,forwarding}
//   systemd-networkd  /run/systemd/netif/links/<ifindex> (ADMIN_STATE=configured,
//                     NETWORK_FILE=...; networkd removes the files when it stops)
//   NetworkManager    /run/NetworkManager/devices/<ifindex> ([device] managed=true)
//   another client    `proto ra` defaults in main via the link (asked only when
//                     accept_ra is off and no manager claims the link)
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "link_manager.hpp"

namespace multi6d {

class LinkManagerProbe {
  public:
    // `root` prefixes /proc and /run (unit tests use a directory);
    // `has_ra_defaults(ifindex)` asks the kernel for `proto ra` defaults.
    LinkManagerProbe(std::filesystem::path root, std::function<bool(int)> has_ra_defaults);

    LinkManagerSignals read(int ifindex, const std::string& name, bool ras_seen) const;

  private:
    std::filesystem::path root_;
    std::function<bool(int)> has_ra_defaults_;
};

// `KEY=VALUE` lines (networkd's link state files, NetworkManager's device
// files, which are ini files with unique keys): the value of `key`, or "".
std::string key_value(const std::string& text, const std::string& key);

}  // namespace multi6d
