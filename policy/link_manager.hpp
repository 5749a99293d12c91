// Who processes router advertisements on a link, and so who else installs
// routes there (DESIGN.md §2: network managers do RA in userspace). Pure:
// the facts are gathered by service/link_manager_probe.hpp.
#pragma once

#include <string>
#include <string_view>

namespace multi6d {

enum class LinkManager {
    Kernel,          // the kernel processes RAs (accept_ra), no manager claims the link
    Networkd,        // systemd-networkd configures the link
    NetworkManager,  // NetworkManager manages the device
    OtherUserspace,  // accept_ra off, RAs arrive and someone adds `proto ra` defaults
    None,            // nobody processes RAs here (accept_ra off, no manager, no RA routes)
    Conflict,        // networkd and NetworkManager both claim the link
};

// What was seen on one link.
struct LinkManagerSignals {
    // The kernel acts on RAs: accept_ra 2, or 1 with forwarding 0
    // (ip-sysctl.rst, accept_ra).
    bool kernel_accepts_ra = false;
    // /run/systemd/netif/links/<ifindex> says networkd configures it
    // (ADMIN_STATE configuring/configured/failed, or a NETWORK_FILE).
    bool networkd_configures = false;
    // /run/NetworkManager/devices/<ifindex> has managed=true.
    bool networkmanager_manages = false;
    bool ras_seen = false;           // multi6d has a router on the link
    bool ra_default_routes = false;  // `proto ra` defaults via this link in main
    friend bool operator==(const LinkManagerSignals&, const LinkManagerSignals&) = default;
};

LinkManager classify(const LinkManagerSignals& seen);

// "kernel", "systemd-networkd", "NetworkManager", "userspace-ra", "none",
// "conflict": the D-Bus detail link_manager and multi6ctl's column.
std::string_view link_manager_name(LinkManager manager);

// One sentence: what multi6d does beside that manager (start-up log,
// D-Bus detail link_manager_note, multi6ctl status).
std::string_view link_manager_note(LinkManager manager);

// True when multi6d cannot work beside it: logged as an error and shown
// in the State property ("conflict").
bool link_manager_blocks(LinkManager manager);

}  // namespace multi6d
