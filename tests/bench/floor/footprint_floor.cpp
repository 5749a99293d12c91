// m6-footprint-floor: the memory the daemon's fixed dependencies cost by
// themselves (issue 14 item 3). Links the libraries multi6d links (sd-event
// and libsystemd, sdbus-c++, libnl-3/-route/-genl, libstdc++; toml++ is
// compiled into the daemon, so it counts as the daemon's own), makes
// one call into each so that their constructors and relocations have run,
// prints its pid and sleeps in sd-event until killed (or 10 min).
// tests/bench/footprint measures it beside the daemon: what is left above
// it is the daemon's own.
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <sdbus-c++/sdbus-c++.h>
#include <cstdio>
#include <exception>

int main() {
    sd_event* event = nullptr;
    if (sd_event_new(&event) < 0) {
        return 1;
    }
    nl_sock* sock = nl_socket_alloc();
    rtnl_link* link = rtnl_link_alloc();
    const bool genl = sock != nullptr && genl_connect(sock) == 0;  // as the MPTCP port does
    try {
        // No bus needed: the attempt runs sdbus-c++'s and sd-bus's code.
        auto connection = sdbus::createSystemBusConnection();
    } catch (const std::exception&) {
    }
    std::printf("%d\n", static_cast<int>(getpid()));
    std::fflush(stdout);
    sd_event_run(event, 600ULL * 1000 * 1000);
    rtnl_link_put(link);
    nl_socket_free(sock);
    sd_event_unref(event);
    return genl ? 0 : 1;
}
