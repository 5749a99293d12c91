// The daemon: wires the event loop to its inputs (RAs, rtnetlink, timers,
// signals) and its outputs (the reconciler, sd_notify). Decisions are made
// by the pure code in policy/; this class only moves facts between them.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "config.hpp"
#include "decision.hpp"
#include "event_loop.hpp"
#include "gai_conf.hpp"
#include "host_model.hpp"
#include "kernel_port.hpp"
#include "log.hpp"
#include "ndisc_socket.hpp"
#include "netlink_watcher.hpp"
#include "reconciler.hpp"
#include "routing_decision.hpp"

namespace multi6d {

class LinuxKernelPort;
namespace dbus {
struct ReloadResult;
}  // namespace dbus
class BusService;
class GaiConfWriter;
class PathSupervisor;
struct HealthTransition;
class MptcpEndpoints;
class LinkManagers;
struct MptcpReport;

class Daemon {
  public:
    Daemon(CommandLine command_line, Config config);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT; returns the process exit code.
    int run();

  private:
    log::RateLimit limit_log_{"state limit reached"};
    void start();
    void stop();                  // cleanup, then end the loop
    void cleanup();               // removes all multi6d added, restores what it changed
    dbus::ReloadResult reload();  // SIGHUP and the D-Bus Reload method
    dbus::ReloadResult apply_reload();
    void start_dbus();
    void publish_dbus(const KernelState& desired, const std::string& policy_reason);

    void on_ra_readable();
    void on_link(const LinkInfo& link);
    void on_link_removed(int ifindex);
    void on_address(const AddressInfo& address);
    void on_address_removed(int ifindex, const Address& address);
    void absorb(ModelUpdate update);

    bool is_managed(int ifindex) const;
    void solicit_routers(int ifindex);
    void schedule_reconcile();
    void reconcile();
    void arm_expiry_timer();
    void arm_kernel_check();  // the periodic read-back of labels and sysctls
    void notify_status();
    void on_path_transition(const PathKey& key, const HealthTransition& transition);
    std::string path_name(const PathKey& key) const;
    void configure_gai();
    void configure_mptcp();
    void update_mptcp();
    void log_mptcp(const MptcpReport& report);
    void update_gai(const GaiInput& input);
    const PathHealthView& health() const;  // the supervisor's, read only
    bool refresh_link_managers();          // true if a link's manager changed

    CommandLine command_line_;
    Config config_;
    EventLoop loop_;
    HostModel model_;
    RoutingIds ids_;
    Decision decision_;  // the last decide(): what is being applied
    std::unique_ptr<LinuxKernelPort> kernel_;
    std::unique_ptr<Reconciler> reconciler_;
    std::unique_ptr<NdiscSocket> ndisc_;
    std::unique_ptr<NetlinkWatcher> netlink_;
    std::unique_ptr<PathSupervisor> paths_;     // probes every path, reports health
    std::vector<std::string> pending_reasons_;  // path changes not yet logged with their effect
    // The application interface (on the system bus whenever there is one).
    std::unique_ptr<BusService> bus_;
    std::unique_ptr<GaiConfWriter> gai_;     // only with [gai] enabled
    std::optional<GaiInput> gai_applied_;    // what the file holds now
    std::unique_ptr<MptcpEndpoints> mptcp_;  // only with [mptcp] enabled and available
    MonotonicTime mptcp_hold_until_{};       // no endpoint changes before (see update_mptcp)
    EventSource mptcp_hold_timer_;

    std::unique_ptr<LinkManagers> link_managers_;  // who processes RAs on each path's link
    EventSource link_manager_timer_;

    EventSource ra_io_;
    EventSource expiry_timer_;
    EventSource reconcile_soon_;
    EventSource retry_timer_;
    EventSource kernel_check_timer_;
    EventSource sigterm_;
    EventSource sigint_;
    EventSource sighup_;
    std::chrono::milliseconds retry_delay_{0};
    bool stopped_ = false;
    std::string last_generic_choice_;
};

}  // namespace multi6d
