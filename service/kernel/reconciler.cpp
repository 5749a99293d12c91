#include "reconciler.hpp"

#include <net/if.h>

#include <exception>
#include <map>
#include <set>

#include "kernel_objects.hpp"

namespace multi6d {

namespace {

std::string link_label(int ifindex) {
    char name[IF_NAMESIZE] = {};
    if (if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) {
        return "link #" + std::to_string(ifindex);
    }
    return name;
}

std::map<Prefix, AddressLabel> by_prefix(const std::set<LabelRow>& rows) {
    std::map<Prefix, AddressLabel> m;
    for (const auto& row : rows) {
        m[row.prefix] = row.label;
    }
    return m;
}

const std::string suppress_rule_text = "rule 6600: from all lookup main suppress_prefixlength 0";

std::string rule_text(const SourceRule& rule) {
    return "rule " + describe(rule);
}
std::string route_text(const PathRoute& route) {
    return "route " + describe(route);
}
std::string label_text(const LabelRow& row) {
    return "address label " + describe(row);
}
std::string defrtr_text(int ifindex) {
    return "accept_ra_defrtr=0 on " + link_label(ifindex);
}

// Who removes what, and the setting that stops it (issue 11: networkd
// deletes "foreign" rules and routes when it configures a link).
const std::string rule_remover =
    "if systemd-networkd manages a link, set ManageForeignRoutingPolicyRules=no in "
    "networkd.conf; else another program or an administrator";
const std::string route_remover =
    "if systemd-networkd manages a link, set ManageForeignRoutes=no in networkd.conf; else "
    "another program or an administrator";
const std::string other_remover = "another program or an administrator";

}  // namespace

template <typename Action>
void Reconciler::attempt(ReconcileReport& report, const std::string& what, Action action) {
    try {
        action();
        report.changes.push_back(what);
    } catch (const std::exception& e) {
        report.errors.push_back(what + ": " + e.what());
    }
}

bool Reconciler::note_removal(ReconcileReport& report, const std::string& key,
                              const std::string& verb, const std::string& other_party,
                              RepairClock::time_point now) {
    const RepairVerdict verdict = repairs_.removed(key, key, verb, other_party, now);
    if (verdict.log_line) {
        (verdict.conflict ? report.conflicts : report.repairs).push_back(*verdict.log_line);
    }
    return verdict.restore_now;
}

ReconcileReport Reconciler::apply(const KernelState& desired, RepairClock::time_point now) {
    ReconcileReport report;
    KernelState held;  // what the kernel holds, updated as changes succeed
    try {
        held = kernel_.read_owned(KernelPort::ReadScope::All);
    } catch (const std::exception& e) {
        report.errors.push_back(std::string("read multi6d's kernel state: ") + e.what());
        return report;
    }

    // Someone else's removals: applied before, still wanted, gone now. Each
    // is noted once here; one held off is not put back below.
    std::set<std::string> wait;
    const auto lost = [&](const std::string& key, const std::string& verb,
                          const std::string& other_party) {
        if (!note_removal(report, key, verb, other_party, now)) {
            wait.insert(key);
        }
    };
    for (const auto& route : applied_.routes) {
        if (desired.routes.contains(route) && !held.routes.contains(route)) {
            lost(route_text(route), "removed", route_remover);
        }
    }
    if (applied_.suppress_rule && desired.suppress_rule && !held.suppress_rule) {
        lost(suppress_rule_text, "removed", rule_remover);
    }
    for (const auto& rule : applied_.rules) {
        if (desired.rules.contains(rule) && !held.rules.contains(rule)) {
            lost(rule_text(rule), "removed", rule_remover);
        }
    }
    const auto held_labels_before = by_prefix(held.labels);
    for (const auto& row : applied_.labels) {
        if (desired.labels.contains(row) && !held.labels.contains(row)) {
            lost(label_text(row),
                 held_labels_before.contains(row.prefix) ? "relabelled" : "removed or relabelled",
                 other_remover);
        }
    }
    for (const int ifindex : applied_.managed_links) {
        if (desired.managed_links.contains(ifindex) && !held.managed_links.contains(ifindex)) {
            lost(defrtr_text(ifindex), "changed", other_remover);
        }
    }
    const auto may_restore = [&](const std::string& key) {
        return !wait.contains(key) && !repairs_.held(key, now);
    };

    for (const auto& route : desired.routes) {
        if (!held.routes.contains(route) && may_restore(route_text(route))) {
            attempt(report, "add " + describe(route), [&] {
                kernel_.add_route(route);
                held.routes.insert(route);
            });
        }
    }
    if (desired.suppress_rule && !held.suppress_rule && may_restore(suppress_rule_text)) {
        attempt(report, "add rule lookup main suppress_prefixlength 0", [&] {
            kernel_.add_suppress_rule();
            held.suppress_rule = true;
        });
    }
    for (const auto& rule : desired.rules) {
        if (!held.rules.contains(rule) && may_restore(rule_text(rule))) {
            attempt(report, "add " + describe(rule), [&] {
                kernel_.add_rule(rule);
                held.rules.insert(rule);
            });
        }
    }
    // Labels are keyed by prefix in the kernel: a changed label is a replace.
    const auto held_labels = by_prefix(held.labels);
    for (const auto& row : desired.labels) {
        const auto it = held_labels.find(row.prefix);
        if ((it != held_labels.end() && it->second == row.label) || !may_restore(label_text(row))) {
            continue;
        }
        const bool replacing = it != held_labels.end();
        attempt(report, (replacing ? "set " : "add ") + describe(row), [&] {
            kernel_.set_label(row);
            if (replacing) {
                held.labels.erase(LabelRow{row.prefix, it->second});
            }
            held.labels.insert(row);
        });
    }
    for (const int ifindex : desired.managed_links) {
        if (!held.managed_links.contains(ifindex) && may_restore(defrtr_text(ifindex))) {
            attempt(report, "take over default-router selection on " + link_label(ifindex), [&] {
                kernel_.take_over_default_routers(ifindex);
                held.managed_links.insert(ifindex);
            });
        }
    }

    // Removals, in the reverse order of dependence.
    const auto desired_labels = by_prefix(desired.labels);
    for (const auto& row : std::set<LabelRow>(held.labels)) {
        if (!desired_labels.contains(row.prefix)) {
            attempt(report, "delete " + describe(row), [&] {
                kernel_.delete_label(row);
                held.labels.erase(row);
            });
        }
    }
    for (const auto& rule : std::set<SourceRule>(held.rules)) {
        if (!desired.rules.contains(rule)) {
            attempt(report, "delete " + describe(rule), [&] {
                kernel_.delete_rule(rule);
                held.rules.erase(rule);
            });
        }
    }
    if (!desired.suppress_rule && held.suppress_rule) {
        attempt(report, "delete rule lookup main suppress_prefixlength 0", [&] {
            kernel_.delete_suppress_rule();
            held.suppress_rule = false;
        });
    }
    for (const auto& route : std::set<PathRoute>(held.routes)) {
        if (!desired.routes.contains(route)) {
            attempt(report, "delete " + describe(route), [&] {
                kernel_.delete_route(route);
                held.routes.erase(route);
            });
        }
    }
    // Links multi6d took over, or read as taken over (a link with nothing
    // of the kernel's to take over), and no longer wants.
    std::set<int> release = applied_.managed_links;
    release.insert(held.managed_links.begin(), held.managed_links.end());
    for (const int ifindex : release) {
        if (!desired.managed_links.contains(ifindex)) {
            attempt(
                report,
                "hand default-router selection on " + link_label(ifindex) + " back to the kernel",
                [&] {
                    kernel_.release_default_routers(ifindex);
                    held.managed_links.erase(ifindex);
                });
        }
    }
    applied_ = held;
    held_until_ = repairs_.next_hold_end(now);
    return report;
}

bool Reconciler::unnotified_drift(RepairClock::time_point now) {
    if (held_until_ && now >= *held_until_) {
        return true;
    }
    try {
        const KernelState held = kernel_.read_owned(KernelPort::ReadScope::Unnotified);
        return held.labels != applied_.labels || held.managed_links != applied_.managed_links;
    } catch (const std::exception&) {
        return true;  // apply() reports the error
    }
}

}  // namespace multi6d
