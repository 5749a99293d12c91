// The daemon: wires the event loop to its inputs (RAs, rtnetlink, probe
// outcomes, timers, signals, D-Bus Reload) and its outputs (the reconciler,
// gai.conf, MPTCP endpoints, D-Bus, sd_notify). Every port comes in through
// DaemonPorts (daemon_ports.hpp), so the same class runs over the real
// system and over the fakes of its unit tests. Decisions are made by the
// pure decide() (policy/decision.hpp); this class only moves facts between
// it and the ports. Its members live in files by concept:
//   daemon.cpp         start, stop, cleanup, reload
//   daemon_intake.cpp  RAs, links and addresses into the host model
//   daemon_apply.cpp   decide, apply with back-off, gai.conf, MPTCP, units
//   daemon_report.cpp  the log line of each change, D-Bus, sd_notify STATUS
//   daemon_mptcpify.cpp  the mptcpify program of mptcp = true
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backoff.hpp"
#include "command_line.hpp"
#include "config.hpp"
#include "daemon_counters.hpp"
#include "daemon_ports.hpp"
#include "decision.hpp"
#include "event_loop.hpp"
#include "gai_conf.hpp"
#include "host_model.hpp"
#include "log.hpp"
#include "reconciler.hpp"
#include "routing_decision.hpp"
#include "unit_wants.hpp"

namespace multi6d {

namespace dbus {
struct ReloadResult;
}  // namespace dbus
class GaiConfWriter;
class PathSupervisor;
struct HealthTransition;
class LinkManagers;

class Daemon {
  public:
    Daemon(CommandLine command_line, Config config, DaemonPorts ports);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT; returns the process exit code.
    int run();

    // run()'s two halves, for tests that drive the loop themselves: start()
    // opens the ports, takes the signals and makes the first decision;
    // stop() removes all multi6d added, restores what it changed and ends
    // the loop.
    void start();
    void stop();

  private:
    void cleanup();
    dbus::ReloadResult reload();  // SIGHUP and the D-Bus Reload method
    dbus::ReloadResult apply_reload();

    // daemon_intake.cpp
    void on_ra_readable();
    void on_link(const LinkInfo& link);
    void on_link_removed(int ifindex);
    void on_address(const AddressInfo& address);
    void on_address_removed(int ifindex, const Address& address);
    void absorb(ModelUpdate update);
    void arm_expiry_timer();
    bool is_managed(int ifindex) const;
    void solicit_routers(int ifindex);

    // daemon_apply.cpp
    void schedule_reconcile();
    void reconcile();
    void apply_kernel(const KernelState& desired);  // logs, backs off on errors
    void arm_kernel_check();                        // the periodic read-back of labels and sysctls
    void configure_gai();
    void update_gai(const GaiInput& input);
    void configure_mptcp();
    void update_mptcp();
    void log_mptcp(const MptcpReport& report);
    void configure_units();  // the units' cgroup port, while units are configured
    void update_units();

    // daemon_mptcpify.cpp
    void configure_mptcpify();
    void unload_mptcpify(const std::string& why);

    // daemon_report.cpp
    const PathHealthView& health() const;  // the supervisor's, read only
    void on_path_transition(const PathKey& key, const HealthTransition& transition);
    void report_decision();  // the log line, link managers, D-Bus, STATUS
    void count_policy_change();
    void count_application_move(const ApplicationChoice& choice);
    void publish_dbus(const std::string& policy_reason);
    void notify_status();
    std::string path_name(const PathKey& key) const;
    bool refresh_link_managers();  // true if a link's manager changed

    CommandLine command_line_;
    Config config_;
    DaemonPorts ports_;  // first in, last out: the loop outlives every source
    EventLoop& loop_;
    HostModel model_;
    RoutingIds ids_;
    // What the kernel can hold, probed once at start (policy/kernel_features.hpp).
    KernelFeatures kernel_features_;
    Decision decision_;  // the last decide(): what is being applied
    std::unique_ptr<OwnedKernelPort> kernel_;
    std::unique_ptr<Reconciler> reconciler_;
    std::unique_ptr<RaSocket> ndisc_;
    std::unique_ptr<LinkWatcher> netlink_;
    std::unique_ptr<PathSupervisor> paths_;     // probes every path, owns its health
    std::vector<std::string> pending_reasons_;  // path changes not yet logged with their effect
    // The application interface (on the system bus whenever there is one).
    std::unique_ptr<BusPort> bus_;
    std::unique_ptr<GaiConfWriter> gai_;     // only with [gai] enabled
    std::optional<GaiInput> gai_applied_;    // what the file holds now
    std::unique_ptr<MptcpEndpoints> mptcp_;  // only with [mptcp] enabled and available
    MonotonicTime mptcp_hold_until_{};       // no endpoint changes before (see update_mptcp)
    EventSource mptcp_hold_timer_;
    // Only while an application with mptcp = true matches a uid and the
    // program loaded; its failures are rate-limited (a reload repeats them).
    std::unique_ptr<MptcpifyPort> mptcpify_;
    log::RateLimit mptcpify_log_{"mptcpify failures", std::chrono::minutes(1), 2};

    // Only while some [[application]] lists units and the port works.
    std::unique_ptr<UnitSourcePort> units_;
    std::optional<UnitWants> units_applied_;  // what units_ was given last

    std::unique_ptr<LinkManagers> link_managers_;  // who processes RAs on each path's link
    EventSource link_manager_timer_;

    log::RateLimit limit_log_{"state limit reached"};
    EventSource ra_io_;
    EventSource expiry_timer_;
    EventSource reconcile_soon_;
    EventSource retry_timer_;
    EventSource kernel_check_timer_;
    EventSource sigterm_;
    EventSource sigint_;
    EventSource sighup_;
    Backoff retry_{std::chrono::seconds(1), std::chrono::seconds(60)};  // failed reconciles
    bool stopped_ = false;
    std::string last_generic_choice_;
    // Per [[application]] name, its last reported choice.
    std::map<std::string, std::string> last_application_choices_;
    // Per [[application]] name that has had a path: the path of its last
    // choice (count_application_move()).
    std::map<std::string, std::optional<PathKey>> last_application_paths_;
    std::optional<PathKey> last_generic_path_;  // the path behind last_generic_choice_
    // Policy changes, failovers, repairs, RAs (D-Bus Counters, multi6ctl
    // metrics); the per-path counters are the prober's and the monitors'.
    DaemonCounters counters_;
};

}  // namespace multi6d
