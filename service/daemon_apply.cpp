// The daemon's apply step (daemon.hpp): one decide() per burst of changes,
// then the kernel (retried with back-off while it refuses), gai.conf, the
// MPTCP endpoints and the units' cgroups, all from that one decision.
#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "daemon.hpp"
#include "gai_conf_writer.hpp"
#include "log.hpp"
#include "mptcp_endpoints.hpp"
#include "path_supervisor.hpp"

namespace multi6d {

namespace {

// Right after a start the model knows only the routers that have answered
// the Router Solicitation yet (see update_mptcp).
constexpr auto mptcp_start_hold = std::chrono::seconds(2);
// Owned state removed by someone else is back within 1 s (DESIGN.md §6).
constexpr auto kernel_check_interval = std::chrono::milliseconds(500);
// The check waits for a wake-up the loop has anyway (probes, replies) up to
// this long, so it costs no wake-up of its own while paths are probed.
constexpr auto kernel_check_latest = std::chrono::milliseconds(750);

}  // namespace

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
    decision_ = decide(model_, health(), config_, ids_, kernel_features_);
    apply_kernel(decision_.kernel);
    update_gai(decision_.gai);
    update_mptcp();
    update_units();
    report_decision();
}

void Daemon::apply_kernel(const KernelState& desired) {
    const ReconcileReport report = reconciler_->apply(desired, loop_.now());
    for (const auto& change : report.changes) {
        log::info(change);
    }
    for (const auto& repair : report.repairs) {
        log::notice(repair);
    }
    counters_.repairs += report.repairs.size();
    for (const auto& conflict : report.conflicts) {
        log::warning(conflict);
    }
    for (const auto& error : report.errors) {
        log::error(error);
    }
    if (!report.complete()) {
        // Back off: 1 s, 2 s, 4 s ... 60 s, until a reconcile succeeds.
        retry_timer_ = loop_.add_timer(loop_.now() + retry_.next(), [this] { reconcile(); });
    } else {
        retry_.reset();
        retry_timer_.reset();
    }
}

void Daemon::arm_kernel_check() {
    // The kernel sends no event when address labels, accept_ra_defrtr or
    // MPTCP endpoints change (checked on 6.18), so read those back on a
    // timer: one label dump, one sysctl read per managed link and one
    // endpoint dump a second. Rules and routes come as events. (This also
    // follows NetworkManager's MPTCP endpoints, which it re-creates under
    // new ids on `nmcli device reapply`.) A lazy timer: it runs at the
    // first wake-up after 500 ms (issue 14: no wake-ups beyond the probe
    // schedule), after 750 ms at the latest when nothing woke the loop, so a
    // repair still comes within a second (multi6d(8), Repair).
    const MonotonicTime now = loop_.now();
    kernel_check_timer_ =
        loop_.add_lazy_timer(now + kernel_check_interval, now + kernel_check_latest, [this] {
            if (reconciler_->unnotified_drift(loop_.now())) {
                schedule_reconcile();
            } else {
                update_mptcp();
            }
            arm_kernel_check();
        });
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
    auto manager = ports_.mptcp(record);
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

}  // namespace multi6d

namespace multi6d {

void Daemon::configure_units() {
    const bool wanted = std::ranges::any_of(
        config_.applications, [](const ApplicationConfig& a) { return !a.units.empty(); });
    if (!wanted) {
        units_.reset();  // detaches every program
        units_applied_.reset();
        return;
    }
    if (units_) {
        return;
    }
    auto port = ports_.units(loop_);
    if (const std::string why = port->unavailable_reason(); !why.empty()) {
        // One line; users, groups and everything else work without it.
        log::warning("units: not steered (" + why + "); [[application]] units are ignored");
        return;
    }
    units_ = std::move(port);
}

void Daemon::update_units() {
    if (!units_) {
        return;
    }
    UnitWants wants = unit_wants(config_.applications, decision_.applications);
    if (units_applied_ == wants) {
        return;
    }
    units_->apply(wants);
    units_applied_ = std::move(wants);
}

}  // namespace multi6d
