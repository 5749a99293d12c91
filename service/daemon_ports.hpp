// Everything the daemon talks to outside its own memory, in one injectable
// struct: the loop and its clock, the kernel, the RA socket, rtnetlink, the
// probe sockets, the bus, the MPTCP path manager, the link managers' marks,
// the units' cgroups and systemd's notify socket. production_ports() builds the real ones;
// the daemon's unit tests (tests/unit/test_daemon.cpp) pass fakes, each at
// the syscall boundary, and run the real Daemon without root.
//
// Ports the daemon opens in start() are factories, so it opens them in the
// same order as always: the kernel port first (its leftovers go before
// anything else), then the RA socket, the prober, rtnetlink, MPTCP, the bus.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "bus_port.hpp"
#include "event_loop.hpp"
#include "kernel_port.hpp"
#include "link_manager_probe.hpp"
#include "mptcp_endpoints.hpp"
#include "mptcpify_port.hpp"
#include "ndisc_socket.hpp"
#include "netlink_watcher.hpp"
#include "prober.hpp"
#include "unit_source_port.hpp"

namespace multi6d {

struct CommandLine;

struct DaemonPorts {
    std::unique_ptr<EventLoop> loop;
    // Routes, rules, labels, sysctls; owns runtime_dir's records.
    std::function<std::unique_ptr<OwnedKernelPort>()> kernel;
    std::function<std::unique_ptr<RaSocket>()> ra_socket;
    std::function<std::unique_ptr<LinkWatcher>(EventLoop&, NetlinkHandlers)> netlink;
    ProbePortFactory prober;
    // Its hooks: Reload and the live counters (called at each bus call).
    std::function<std::unique_ptr<BusPort>(EventLoop&, BusPort::Hooks)> bus;
    // The MPTCP endpoint manager over the kernel's path manager; `record`
    // is its ownership record in the runtime directory.
    std::function<std::unique_ptr<MptcpEndpoints>(const std::filesystem::path& record)> mptcp;
    // The mptcpify BPF program (mptcp = true): loaded when one is created,
    // unloaded when it is destroyed.
    MptcpifyFactory mptcpify;
    std::function<LinkManagerProbe()> link_managers;
    // The cgroups of the [[application]]s' units (issue 17 item 2); made only
    // while the configuration lists units.
    std::function<std::unique_ptr<UnitSourcePort>(EventLoop&)> units;
    // sd_notify(3): "READY=1", "STATUS=...", "STOPPING=1".
    std::function<void(const std::string& state)> notify;
};

// The Linux ports: sd-event, rtnetlink, raw ICMPv6 and packet sockets,
// generic netlink, the system bus, /proc and /run.
DaemonPorts production_ports(const CommandLine& command_line);

}  // namespace multi6d
