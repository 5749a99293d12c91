#include "link_manager.hpp"

namespace multi6d {

LinkManager classify(const LinkManagerSignals& seen) {
    if (seen.networkd_configures && seen.networkmanager_manages) {
        return LinkManager::Conflict;
    }
    if (seen.networkd_configures) {
        return LinkManager::Networkd;
    }
    if (seen.networkmanager_manages) {
        return LinkManager::NetworkManager;
    }
    if (seen.kernel_accepts_ra) {
        return LinkManager::Kernel;
    }
    // accept_ra is off: RAs arriving and `proto ra` defaults appearing mean
    // someone processes them in userspace (dhcpcd, connman, ...).
    if (seen.ras_seen && seen.ra_default_routes) {
        return LinkManager::OtherUserspace;
    }
    return LinkManager::None;
}

std::string_view link_manager_name(LinkManager manager) {
    switch (manager) {
        case LinkManager::Kernel:
            return "kernel";
        case LinkManager::Networkd:
            return "systemd-networkd";
        case LinkManager::NetworkManager:
            return "NetworkManager";
        case LinkManager::OtherUserspace:
            return "userspace-ra";
        case LinkManager::None:
            return "none";
        case LinkManager::Conflict:
            return "conflict";
    }
    return "none";
}

std::string_view link_manager_note(LinkManager manager) {
    switch (manager) {
        case LinkManager::Kernel:
            return "takes over default-router selection (accept_ra_defrtr=0, restored at stop)";
        case LinkManager::Networkd:
            return "works beside it: its proto ra default in main stays and is the fallback "
                   "at stop; a catch-all rule sends unbound lookups to the generic path; "
                   "rules and routes it removes are put back";
        case LinkManager::NetworkManager:
            return "works beside it: its proto ra default in main stays and is the fallback "
                   "at stop; a catch-all rule sends unbound lookups to the generic path; "
                   "its MPTCP endpoints' flags follow path health and are restored at stop";
        case LinkManager::OtherUserspace:
            return "works beside an unknown userspace RA client: its proto ra defaults stay, "
                   "a catch-all rule sends unbound lookups to the generic path";
        case LinkManager::None:
            return "nobody processes RAs here: multi6d routes only what it learns itself";
        case LinkManager::Conflict:
            return "systemd-networkd and NetworkManager both manage this link and fight over "
                   "its routes: make one of them leave it alone";
    }
    return "";
}

bool link_manager_blocks(LinkManager manager) {
    return manager == LinkManager::Conflict;
}

}  // namespace multi6d
