#include "reconciler.hpp"

#include <net/if.h>

#include <exception>

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

std::map<Prefix, std::uint32_t> by_prefix(const std::set<LabelRow>& rows) {
    std::map<Prefix, std::uint32_t> m;
    for (const auto& row : rows) {
        m[row.prefix] = row.label;
    }
    return m;
}

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

ReconcileReport Reconciler::apply(const KernelState& desired) {
    ReconcileReport report;

    for (const auto& route : desired.routes) {
        if (applied_.routes.count(route) == 0) {
            attempt(report, "add " + describe(route), [&] {
                kernel_.add_route(route);
                applied_.routes.insert(route);
            });
        }
    }
    if (desired.suppress_rule && !applied_.suppress_rule) {
        attempt(report, "add rule lookup main suppress_prefixlength 0", [&] {
            kernel_.add_suppress_rule();
            applied_.suppress_rule = true;
        });
    }
    for (const auto& rule : desired.rules) {
        if (applied_.rules.count(rule) == 0) {
            attempt(report, "add " + describe(rule), [&] {
                kernel_.add_rule(rule);
                applied_.rules.insert(rule);
            });
        }
    }
    // Labels are keyed by prefix in the kernel: a changed label is a replace.
    const auto applied_labels = by_prefix(applied_.labels);
    for (const auto& row : desired.labels) {
        const auto it = applied_labels.find(row.prefix);
        if (it != applied_labels.end() && it->second == row.label) {
            continue;
        }
        const bool replacing = it != applied_labels.end();
        attempt(report, (replacing ? "set " : "add ") + describe(row), [&] {
            kernel_.set_label(row);
            if (replacing) {
                applied_.labels.erase(LabelRow{row.prefix, it->second});
            }
            applied_.labels.insert(row);
        });
    }
    for (const int ifindex : desired.managed_links) {
        if (applied_.managed_links.count(ifindex) == 0) {
            attempt(report, "take over default-router selection on " + link_label(ifindex), [&] {
                kernel_.take_over_default_routers(ifindex);
                applied_.managed_links.insert(ifindex);
            });
        }
    }

    // Removals, in the reverse order of dependence.
    const auto desired_labels = by_prefix(desired.labels);
    for (const auto& row : std::set<LabelRow>(applied_.labels)) {
        if (desired_labels.count(row.prefix) == 0) {
            attempt(report, "delete " + describe(row), [&] {
                kernel_.delete_label(row);
                applied_.labels.erase(row);
            });
        }
    }
    for (const auto& rule : std::set<SourceRule>(applied_.rules)) {
        if (desired.rules.count(rule) == 0) {
            attempt(report, "delete " + describe(rule), [&] {
                kernel_.delete_rule(rule);
                applied_.rules.erase(rule);
            });
        }
    }
    if (!desired.suppress_rule && applied_.suppress_rule) {
        attempt(report, "delete rule lookup main suppress_prefixlength 0", [&] {
            kernel_.delete_suppress_rule();
            applied_.suppress_rule = false;
        });
    }
    for (const auto& route : std::set<PathRoute>(applied_.routes)) {
        if (desired.routes.count(route) == 0) {
            attempt(report, "delete " + describe(route), [&] {
                kernel_.delete_route(route);
                applied_.routes.erase(route);
            });
        }
    }
    for (const int ifindex : std::set<int>(applied_.managed_links)) {
        if (desired.managed_links.count(ifindex) == 0) {
            attempt(
                report,
                "hand default-router selection on " + link_label(ifindex) + " back to the kernel",
                [&] {
                    kernel_.release_default_routers(ifindex);
                    applied_.managed_links.erase(ifindex);
                });
        }
    }
    return report;
}

}  // namespace multi6d
