#include "daemon.hpp"

#include <linux/if_addr.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <filesystem>
#include <stdexcept>

#include "build_info.hpp"
#include "bus_service.hpp"
#include "config_loader.hpp"
#include "decision.hpp"
#include "gai_conf_writer.hpp"
#include "kernel_writer.hpp"
#include "link_managers.hpp"
#include "linux_kernel_port.hpp"
#include "log.hpp"
#include "manager_backend.hpp"
#include "mptcp_endpoints.hpp"
#include "path_report.hpp"
#include "path_supervisor.hpp"
#include "ra_parser.hpp"
#include "ranking.hpp"
#include "router_solicitation.hpp"

namespace multi6d {

namespace {

std::string link_name(int ifindex) {
    char name[IF_NAMESIZE] = {};
    if (if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) {
        return "#" + std::to_string(ifindex);
    }
    return name;
}

AddressUpdate to_address_update(const AddressInfo& info) {
    AddressUpdate update;
    update.address = info.address;
    update.prefix_len = info.prefix_length;
    update.flags.tentative = (info.flags & IFA_F_TENTATIVE) != 0;
    update.flags.deprecated = (info.flags & IFA_F_DEPRECATED) != 0;
    update.flags.temporary = (info.flags & IFA_F_TEMPORARY) != 0;
    update.flags.dadfailed = (info.flags & IFA_F_DADFAILED) != 0;
    update.flags.permanent = (info.flags & IFA_F_PERMANENT) != 0;
    update.valid_lifetime = info.valid_lifetime;
    update.preferred_lifetime = info.preferred_lifetime;
    return update;
}

HostModelLimits to_model_limits(const StateLimits& limits) {
    HostModelLimits l;
    l.max_routers_per_link = limits.routers_per_link;
    l.max_prefixes_per_router = limits.prefixes_per_router;
    l.max_routes_per_router = limits.routes_per_router;
    l.max_dns_servers_per_router = limits.dns_servers_per_router;
    return l;
}

// "PREFIX via ROUTER on LINK" for the path whose label the generic
// destinations (2000::/3) carry.
std::string describe(const GenericChoice& choice) {
    if (!choice.label) {
        return "no usable path (kernel defaults)";
    }
    if (choice.path) {
        return choice.path->source.to_string() + " via " + choice.path->router.to_string() +
               " on " + link_name(choice.path->ifindex);
    }
    return "label " + std::to_string(*choice.label);
}

constexpr auto mptcp_start_hold = std::chrono::seconds(2);
// A manager started or stopped after multi6d is seen within this.
constexpr auto link_manager_refresh = std::chrono::seconds(3);
// Owned state removed by someone else is back within 1 s (DESIGN.md §6).
constexpr auto kernel_check_interval = std::chrono::milliseconds(500);
constexpr auto first_retry_delay = std::chrono::seconds(1);
constexpr auto max_retry_delay = std::chrono::seconds(60);

}  // namespace

Daemon::Daemon(CommandLine command_line, Config config)
    : command_line_(std::move(command_line)),
      config_(std::move(config)),
      model_(to_model_limits(config_.limits)) {}

Daemon::~Daemon() = default;

int Daemon::run() {
    sigterm_ = loop_.add_signal(SIGTERM, [this] { stop(); });
    sigint_ = loop_.add_signal(SIGINT, [this] { stop(); });
    sighup_ = loop_.add_signal(SIGHUP, [this] { reload(); });
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
    kernel_ = std::make_unique<LinuxKernelPort>(command_line_.runtime_dir);
    // Leftovers of a run that did not stop cleanly (SIGKILL, crash, power
    // loss with a persistent /run): remove them so state is rebuilt from
    // scratch, and put back the sysctls that run had changed.
    kernel_->remove_leftovers();
    reconciler_ = std::make_unique<Reconciler>(*kernel_);
    link_managers_ = std::make_unique<LinkManagers>(LinkManagerProbe("/", [](int ifindex) {
        KernelWriter writer;
        return !writer.kernel_ra_default_routes(ifindex).empty();
    }));

    ndisc_ = std::make_unique<NdiscSocket>();
    ra_io_ = loop_.add_io(ndisc_->fd(), EPOLLIN, [this](std::uint32_t) { on_ra_readable(); });

    paths_ = std::make_unique<PathSupervisor>(
        loop_, config_.probe,
        [this](const PathKey& key, const HealthTransition& t) { on_path_transition(key, t); });

    netlink_ = std::make_unique<NetlinkWatcher>(
        loop_, NetlinkHandlers{
                   [this](const LinkInfo& l) { on_link(l); },
                   [this](int ifindex) { on_link_removed(ifindex); },
                   [this](const AddressInfo& a) { on_address(a); },
                   [this](int ifindex, const Address& a) { on_address_removed(ifindex, a); },
                   [this] { schedule_reconcile(); },
               });
    netlink_->start();
    configure_gai();
    configure_mptcp();
    start_dbus();

    reconcile();
    arm_kernel_check();
    if (bus_) {
        bus_->set_lifecycle(std::nullopt);
    }
    log::notice(std::string("multi6d ") + "started; managing " +
                (config_.managed_links.empty()
                     ? std::string("every link that receives RAs")
                     : std::to_string(config_.managed_links.size()) + " configured link(s)"));
    sd_notify(0, "READY=1");
    notify_status();
}

void Daemon::stop() {
    cleanup();
    loop_.exit(0);
}

void Daemon::start_dbus() {
    bus_ = std::make_unique<BusService>(
        loop_, [this] { return reload(); }, build_info::version);
    bus_->start();
}

const PathHealthView& Daemon::health() const {
    static const FixedPathHealth none;  // before start(): every path Unknown
    return paths_ ? static_cast<const PathHealthView&>(*paths_) : none;
}

void Daemon::publish_dbus(const KernelState& desired, const std::string& policy_reason) {
    if (!bus_) {
        return;
    }
    std::map<PathKey, PathFacts> facts;
    const PathHealthView& view = health();
    for (const PathInfo& path : find_paths(model_)) {
        PathFacts& f = facts[path.key];
        const PathUplink uplink = uplink_of(config_.uplinks, path.key);
        f.uplink = uplink.name;
        const LinkManager manager = link_managers_->of(path.key.ifindex);
        f.link_manager = link_manager_name(manager);
        f.link_manager_note = link_manager_note(manager);
        f.metrics.cost = uplink.cost;
        f.metrics.state = view.health(path.key);
        if (const PathMonitor* monitor = view.monitor(path.key)) {
            if (const auto rtt = monitor->rtt()) {
                f.metrics.rtt = std::chrono::duration_cast<std::chrono::microseconds>(rtt->srtt);
                f.metrics.rtt_variation =
                    std::chrono::duration_cast<std::chrono::microseconds>(rtt->rttvar);
            }
            if (monitor->window_samples() > 0) {
                f.metrics.loss = monitor->loss_ratio();
            }
        }
    }
    // Kept up to date while the bus is away too: a reconnect serves it.
    bus_->publish(path_reports(model_, facts),
                  applied_policy_table(PolicyTable::rfc6724_default(), desired.labels),
                  policy_reason);
}

void Daemon::cleanup() {
    stopped_ = true;
    sd_notify(0, "STOPPING=1");
    if (bus_) {
        bus_->set_lifecycle(std::string("stopping"));
        // Gone from the bus before the kernel state goes: no caller gets a
        // ranking for paths that are being removed.
        bus_->stop();
        bus_.reset();
    }
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
    if (mptcp_changed) {
        if (mptcp_ && !config_.mptcp.enabled) {
            log_mptcp(mptcp_->remove_all_owned());
        }
        mptcp_.reset();
        configure_mptcp();
    }
    log::notice("reload: configuration reloaded");
    schedule_reconcile();
    return dbus::ReloadResult{true, ""};
}

bool Daemon::is_managed(int ifindex) const {
    if (config_.managed_links.empty()) {
        return true;
    }
    const Link* link = model_.link(ifindex);
    if (link == nullptr) {
        return false;
    }
    for (const auto& name : config_.managed_links) {
        if (name == link->name) {
            return true;
        }
    }
    return false;
}

void Daemon::solicit_routers(int ifindex) {
    static const std::vector<std::uint8_t> solicitation = build_router_solicitation(std::nullopt);
    try {
        ndisc_->send_to_all_routers(ifindex, solicitation);
        log::debug("sent Router Solicitation on " + link_name(ifindex));
    } catch (const std::exception& e) {
        log::warning(e.what());
    }
}

void Daemon::on_ra_readable() {
    ReceivedNdisc packet;
    for (int budget = 64; budget > 0 && ndisc_->receive(packet); --budget) {
        if (!is_managed(packet.ifindex)) {
            continue;
        }
        const std::string where =
            " from " + packet.source.to_string() + " on " + link_name(packet.ifindex);
        const ParseResult parsed =
            parse_router_advertisement(packet.icmp6, packet.source, packet.hop_limit);
        if (!parsed) {
            log::debug("ignored RA" + where + ": " + parsed.rejection().text);
            continue;
        }
        const RouterAdvertisement& ra = parsed.advertisement().ra;
        for (const auto& note : parsed.advertisement().notes) {
            log::debug("RA" + where + ": ignored option: " + note.text);
        }
        if (log::enabled(log::Level::Debug)) {
            log::debug("RA" + where + ": router lifetime " + std::to_string(ra.router_lifetime) +
                       " s, preference " + std::string(to_string(ra.preference)) + ", " +
                       std::to_string(ra.prefixes.size()) + " prefix(es), " +
                       std::to_string(ra.routes.size()) + " route(s), " +
                       std::to_string(ra.dns_servers.size()) + " RDNSS option(s)");
        }
        absorb(model_.apply(packet.ifindex, ra, loop_.now()));
    }
}

void Daemon::on_link(const LinkInfo& link) {
    if (link.loopback) {
        return;
    }
    const Link* known = model_.link(link.ifindex);
    const bool came_up = link.up && (known == nullptr || !known->up);
    absorb(model_.set_link(link.ifindex, link.name, link.up));
    if (came_up && ndisc_ && is_managed(link.ifindex)) {
        solicit_routers(link.ifindex);
    }
}

void Daemon::on_link_removed(int ifindex) {
    absorb(model_.remove_link(ifindex));
}

void Daemon::on_address(const AddressInfo& address) {
    if (address.address.is_v4_mapped() || model_.link(address.ifindex) == nullptr) {
        return;
    }
    absorb(model_.set_address(address.ifindex, to_address_update(address), loop_.now()));
}

void Daemon::on_address_removed(int ifindex, const Address& address) {
    absorb(model_.remove_address(ifindex, address));
}

void Daemon::absorb(ModelUpdate update) {
    for (const auto& note : update.notes) {
        const std::string where = note.ifindex != 0 ? link_name(note.ifindex) + ": " : "";
        switch (note.kind) {
            case NoteKind::LimitReached:
                // Every RA of a router past a limit says it again.
                limit_log_.write(log::Level::Warning, where + note.text);
                break;
            case NoteKind::Expired:
                log::info(where + note.text);
                break;
            case NoteKind::Ignored:
            case NoteKind::UnknownLink:
                log::debug(where + note.text);
                break;
        }
    }
    if (update.routing_changed) {
        schedule_reconcile();  // reconcile() also brings the prober up to date
    } else if (update.dns_changed && paths_) {
        paths_->update(model_);  // RDNSS servers are probe targets
    }
    arm_expiry_timer();
}

void Daemon::arm_expiry_timer() {
    const auto next = model_.next_expiry();
    if (!next) {
        expiry_timer_.reset();
        return;
    }
    expiry_timer_ = loop_.add_timer(*next, [this] { absorb(model_.expire(loop_.now())); });
}

void Daemon::schedule_reconcile() {
    // Coalesce: a burst of netlink events and RAs ends in one reconcile.
    if (!reconcile_soon_) {
        reconcile_soon_ = loop_.add_defer([this] {
            reconcile_soon_.reset();
            reconcile();
        });
    }
}

void Daemon::reconcile() {
    if (paths_) {
        paths_->update(model_);
    }
    // RAs from unmanaged links never reach the model, so every path in it is
    // on a managed link.
    decision_ = decide(model_, health(), config_, ids_);
    const KernelState& desired = decision_.kernel;
    const ReconcileReport report = reconciler_->apply(desired, loop_.now());
    for (const auto& change : report.changes) {
        log::info(change);
    }
    for (const auto& repair : report.repairs) {
        log::notice(repair);
    }
    for (const auto& conflict : report.conflicts) {
        log::warning(conflict);
    }
    for (const auto& error : report.errors) {
        log::error(error);
    }
    if (!report.complete()) {
        // Back off: 1 s, 2 s, 4 s ... 60 s, until a reconcile succeeds.
        retry_delay_ = retry_delay_.count() == 0
                           ? std::chrono::milliseconds(first_retry_delay)
                           : std::min<std::chrono::milliseconds>(retry_delay_ * 2, max_retry_delay);
        retry_timer_ = loop_.add_timer(loop_.now() + retry_delay_, [this] { reconcile(); });
    } else {
        retry_delay_ = {};
        retry_timer_.reset();
    }
    update_gai(decision_.gai);
    update_mptcp();
    // Each path change is logged once, on one line with its effect: e.g.
    // "path 2001:db8:a::/64 via fe80::a: down (3 probes lost in a row ...)
    // -> generic destinations: 2001:db8:b::/64 via fe80::b on eth0".
    std::string reasons;
    for (const auto& reason : pending_reasons_) {
        reasons += (reasons.empty() ? "" : "; ") + reason;
    }
    pending_reasons_.clear();
    const std::string generic = describe(decision_.generic);
    std::string policy_reason;
    if (generic != last_generic_choice_) {
        policy_reason =
            (reasons.empty() ? "" : reasons + " -> ") + "generic destinations: " + generic;
        log::notice(policy_reason);
        last_generic_choice_ = generic;
    } else if (!reasons.empty()) {
        log::notice(reasons);
    }
    refresh_link_managers();
    publish_dbus(desired, policy_reason);
    notify_status();
}

bool Daemon::refresh_link_managers() {
    const bool changed = link_managers_->refresh(LinkManagers::links_with_paths(model_));
    link_manager_timer_ = loop_.add_timer(loop_.now() + link_manager_refresh, [this] {
        if (refresh_link_managers()) {
            schedule_reconcile();
        }
    });
    return changed;
}

void Daemon::arm_kernel_check() {
    // The kernel sends no event when address labels, accept_ra_defrtr or
    // MPTCP endpoints change (checked on 6.18), so read those back on a
    // timer: one label dump, one sysctl read per managed link and one
    // endpoint dump a second. Rules and routes come as events. (This also
    // follows NetworkManager's MPTCP endpoints, which it re-creates under
    // new ids on `nmcli device reapply`.)
    kernel_check_timer_ = loop_.add_timer(loop_.now() + kernel_check_interval, [this] {
        if (reconciler_->unnotified_drift(loop_.now())) {
            schedule_reconcile();
        } else {
            update_mptcp();
        }
        arm_kernel_check();
    });
}

std::string Daemon::path_name(const PathKey& key) const {
    // The id multi6ctl and the D-Bus interface show (LINK/PREFIX/ROUTER),
    // after the [[uplink]] name when the administrator gave one.
    const Link* link = model_.link(key.ifindex);
    const std::string id = path_id(link != nullptr ? link->name : link_name(key.ifindex), key);
    const PathUplink uplink = uplink_of(config_.uplinks, key);
    return uplink.configured ? uplink.name + " (" + id + ")" : id;
}

void Daemon::on_path_transition(const PathKey& key, const HealthTransition& transition) {
    pending_reasons_.push_back("path " + path_name(key) + ": " +
                               std::string(health_name(transition.to)) + " (" + transition.reason +
                               ")");
    schedule_reconcile();
}

void Daemon::configure_gai() {
    if (!config_.gai.enabled) {
        return;
    }
    gai_ = std::make_unique<GaiConfWriter>(config_.gai.file);
    try {
        // A block left by a run that did not stop cleanly.
        gai_->restore();
    } catch (const std::exception& e) {
        log::error(e.what());
    }
}

void Daemon::update_gai(const GaiInput& input) {
    if (!gai_) {
        return;
    }
    if (gai_applied_ == input) {
        return;
    }
    try {
        const GaiConfUpdate update = gai_->apply(input);
        gai_applied_ = input;
        if (update.changed) {
            log::info("updated multi6d's block in " + config_.gai.file);
        }
        for (const auto& prefix : update.shadowed_labels) {
            log::warning(config_.gai.file + ": the administrator's label line for " +
                         prefix.to_string() +
                         " overrides multi6d's; glibc and the kernel disagree");
        }
        for (const auto& prefix : update.shadowed_precedences) {
            log::warning(config_.gai.file + ": the administrator's precedence line for " +
                         prefix.to_string() + " overrides multi6d's");
        }
        for (const auto line : update.stray_markers) {
            log::warning(config_.gai.file + ":" + std::to_string(line) +
                         ": multi6d marker without its partner; lines after it kept as the "
                         "administrator's");
        }
    } catch (const std::exception& e) {
        // The kernel policy is unaffected; the next reconcile tries again.
        log::error(e.what());
    }
}

void Daemon::configure_mptcp() {
    const std::filesystem::path record =
        std::filesystem::path(command_line_.runtime_dir) / "mptcp-endpoints";
    auto manager = std::make_unique<MptcpEndpoints>(record);
    if (!manager->available()) {
        log::notice("MPTCP endpoints not managed: " + manager->unavailable_reason());
        return;
    }
    if (!config_.mptcp.enabled) {
        // Another manager owns endpoints: remove only what an earlier,
        // enabled run of multi6d left behind.
        log_mptcp(manager->remove_all_owned());
        return;
    }
    log_mptcp(manager->startup_report());
    log_mptcp(manager->set_limits(config_.mptcp.subflows, config_.mptcp.add_addr_accepted));
    mptcp_ = std::move(manager);
    mptcp_hold_until_ = loop_.now() + mptcp_start_hold;
}

void Daemon::update_mptcp() {
    if (!mptcp_) {
        return;
    }
    // Right after a start the model knows only the routers that have
    // answered the Router Solicitation yet. Deleting an endpoint closes the
    // subflows that use its address, so a restarted multi6d must not drop
    // an endpoint it adopted just because that address's router has not
    // answered: hold back until every router had time to (RFC 4861 §6.2.6,
    // MAX_RA_DELAY_TIME 0.5 s, plus margin). A timer reconciles then.
    if (loop_.now() < mptcp_hold_until_) {
        if (!mptcp_hold_timer_) {
            mptcp_hold_timer_ = loop_.add_timer(mptcp_hold_until_, [this] { reconcile(); });
        }
        return;
    }
    mptcp_hold_timer_.reset();
    // The last decision's wants: between decisions the kernel check re-applies
    // them (someone else's change to an endpoint comes with no event).
    log_mptcp(mptcp_->apply(decision_.mptcp));
}

void Daemon::log_mptcp(const MptcpReport& report) {
    for (const auto& line : report.changes) {
        log::info("MPTCP: " + line);
    }
    for (const auto& line : report.notices) {
        log::notice("MPTCP: " + line);
    }
    for (const auto& line : report.errors) {
        log::error("MPTCP: " + line);
    }
}

void Daemon::notify_status() {
    std::size_t paths = 0;
    for (const SourceRule& rule : reconciler_->applied().rules) {
        paths += rule.priority != unbound_rule_priority ? 1 : 0;
    }
    const std::string status = std::to_string(paths) + " path(s); generic destinations: " +
                               (last_generic_choice_.empty() ? "none" : last_generic_choice_);
    sd_notify(0, ("STATUS=" + status).c_str());
}

}  // namespace multi6d
