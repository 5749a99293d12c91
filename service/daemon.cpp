#include "daemon.hpp"

#include <sys/epoll.h>

#include <csignal>
#include <set>
#include <stdexcept>

#include "build_info.hpp"
#include "config_loader.hpp"
#include "gai_conf_writer.hpp"
#include "link_managers.hpp"
#include "log.hpp"
#include "manager_backend.hpp"
#include "path_supervisor.hpp"

namespace multi6d {

namespace {

HostModelLimits to_model_limits(const StateLimits& limits) {
    HostModelLimits l;
    l.max_routers_per_link = limits.routers_per_link;
    l.max_prefixes_per_router = limits.prefixes_per_router;
    l.max_routes_per_router = limits.routes_per_router;
    l.max_dns_servers_per_router = limits.dns_servers_per_router;
    return l;
}

}  // namespace

Daemon::Daemon(CommandLine command_line, Config config, DaemonPorts ports)
    : command_line_(std::move(command_line)),
      config_(std::move(config)),
      ports_(std::move(ports)),
      loop_(*ports_.loop),
      model_(to_model_limits(config_.limits)) {}

Daemon::~Daemon() = default;

int Daemon::run() {
    try {
        start();
    } catch (...) {
        cleanup();
        throw;
    }
    loop_.enable_watchdog();
    const int code = loop_.run();
    if (!stopped_) {
        cleanup();  // the loop ended on an internal error
    }
    return code;
}

void Daemon::start() {
    sigterm_ = loop_.add_signal(SIGTERM, [this] { stop(); });
    sigint_ = loop_.add_signal(SIGINT, [this] { stop(); });
    sighup_ = loop_.add_signal(SIGHUP, [this] { reload(); });
    kernel_ = ports_.kernel();
    // Leftovers of a run that did not stop cleanly (SIGKILL, crash, power
    // loss with a persistent /run): remove them so state is rebuilt from
    // scratch, and put back the sysctls that run had changed.
    kernel_->remove_leftovers();
    std::string features_report;
    kernel_features_ = kernel_->probe_features(features_report);
    log::info(features_report);
    reconciler_ = std::make_unique<Reconciler>(*kernel_);
    link_managers_ = std::make_unique<LinkManagers>(ports_.link_managers());

    ndisc_ = ports_.ra_socket();
    ra_io_ = loop_.add_io(ndisc_->fd(), EPOLLIN, [this](std::uint32_t) { on_ra_readable(); });

    paths_ = std::make_unique<PathSupervisor>(
        loop_, config_.probe, ports_.prober,
        [this](const PathKey& key, const HealthTransition& t) { on_path_transition(key, t); });

    netlink_ = ports_.netlink(
        loop_, NetlinkHandlers{
                   [this](const LinkInfo& l) { on_link(l); },
                   [this](int ifindex) { on_link_removed(ifindex); },
                   [this](const AddressInfo& a) { on_address(a); },
                   [this](int ifindex, const Address& a) { on_address_removed(ifindex, a); },
                   [this] { schedule_reconcile(); },
                   [this](int ifindex, const Address& a, NeighbourState state) {
                       paths_->on_neighbour(ifindex, a, state);
                   },
               });
    netlink_->start();
    configure_gai();
    configure_mptcp();
    configure_units();
    configure_mptcpify();
    bus_ = ports_.bus(loop_, BusPort::Hooks{
                                 [this] { return reload(); },
                                 [this] { return counters_; },
                                 [this](const PathKey& key) {
                                     return paths_ ? paths_->path_counters(key) : PathCounters{};
                                 },
                             });
    bus_->start();

    reconcile();
    arm_kernel_check();
    bus_->set_lifecycle(std::nullopt);
    log::notice(std::string("multi6d ") + "started; managing " +
                (config_.managed_links.empty()
                     ? std::string("every link that receives RAs")
                     : std::to_string(config_.managed_links.size()) + " configured link(s)"));
    ports_.notify("READY=1");
    notify_status();
}

void Daemon::stop() {
    cleanup();
    loop_.exit(0);
}

void Daemon::cleanup() {
    stopped_ = true;
    ports_.notify("STOPPING=1");
    if (bus_) {
        bus_->set_lifecycle(std::string("stopping"));
        // Gone from the bus before the kernel state goes: no caller gets a
        // ranking for paths that are being removed.
        bus_->stop();
        bus_.reset();
    }
    // The units' programs first: none binds a source whose rule is going.
    units_.reset();
    units_applied_.reset();
    log::notice("stopping: removing multi6d's routes, rules and labels");
    const std::set<int> released =
        reconciler_ ? reconciler_->applied().managed_links : std::set<int>{};
    kernel_check_timer_.reset();
    if (reconciler_) {
        const auto report = reconciler_->apply(KernelState{}, loop_.now());
        for (const auto& change : report.changes) {
            log::info(change);
        }
        for (const auto& e : report.errors) {
            log::error(e);
        }
    }
    if (kernel_) {
        // A final sweep by mark catches anything the applied state missed.
        kernel_->remove_leftovers();
    }
    if (mptcp_) {
        log_mptcp(mptcp_->remove_all_owned());
        mptcp_.reset();
    }
    unload_mptcpify("multi6d is stopping");
    if (gai_) {
        try {
            if (gai_->restore().changed) {
                log::info("removed multi6d's block from " + config_.gai.file);
            }
        } catch (const std::exception& e) {
            log::error(e.what());
        }
        gai_.reset();
    }
    // With accept_ra_defrtr restored the kernel learns default routes from
    // the next RA; ask for one now rather than wait up to MaxRtrAdvInterval.
    if (ndisc_) {
        for (const int ifindex : released) {
            solicit_routers(ifindex);
        }
    }
}

dbus::ReloadResult Daemon::reload() {
    // Nothing a configuration file holds may end the daemon: an exception
    // here would unwind through sd-event or sd-bus and stop the loop, taking
    // the running policy with it. It becomes ReloadFailed instead.
    try {
        return apply_reload();
    } catch (const std::exception& e) {
        log::error(std::string("reload failed: ") + e.what() +
                   "; keeping the running configuration");
        return dbus::ReloadResult{false, std::string("reload failed: ") + e.what()};
    }
}

dbus::ReloadResult Daemon::apply_reload() {
    const auto loaded = load_config(command_line_.config_file, command_line_.config_file_given);
    if (!loaded.errors.empty()) {
        dbus::ReloadResult result{false, ""};
        for (const std::string& line : shown_config_errors(loaded.errors)) {
            log::error("reload: " + line);
            result.error += (result.error.empty() ? "" : "\n") + line;
        }
        log::error("reload: configuration has errors; keeping the running configuration");
        return result;
    }
    for (const std::string& warning : loaded.warnings) {
        log::warning("reload: " + warning);
    }
    if (loaded.config.limits != config_.limits) {
        log::notice("reload: new state limits apply to entries learnt from now on");
    }
    const bool gai_changed = loaded.config.gai != config_.gai;
    if (gai_changed && gai_) {
        // Off, or another file: take the block out of the old one first.
        try {
            gai_->restore();
        } catch (const std::exception& e) {
            log::error(e.what());
        }
        gai_.reset();
        gai_applied_.reset();
    }
    const bool mptcp_changed = loaded.config.mptcp != config_.mptcp;
    config_ = loaded.config;
    if (paths_) {
        paths_->reconfigure(config_.probe);
        paths_->update(model_);
    }
    if (gai_changed) {
        configure_gai();
    }
    // Units added (the port is made), all removed (it goes) or changed
    // (the next reconcile gives it the new set, which it walks for).
    configure_units();
    if (mptcp_changed) {
        if (mptcp_ && !config_.mptcp.enabled) {
            log_mptcp(mptcp_->remove_all_owned());
        }
        mptcp_.reset();
        configure_mptcp();
    }
    // Every reload: the accounts were resolved again, so the uids may have
    // changed even where the configuration did not.
    configure_mptcpify();
    log::notice("reload: configuration reloaded");
    schedule_reconcile();
    return dbus::ReloadResult{true, ""};
}

}  // namespace multi6d
