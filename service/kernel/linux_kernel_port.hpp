// KernelPort on Linux: routes, rules and labels over rtnetlink
// (kernel_writer.hpp), accept_ra_defrtr through /proc/sys with the original
// values kept on disk (sysctl_store.hpp) so a crashed run's changes are
// still undone by the next one.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "kernel_port.hpp"
#include "kernel_writer.hpp"
#include "sysctl_store.hpp"

namespace multi6d {

class LinuxKernelPort final : public OwnedKernelPort {
  public:
    // Saved sysctls live in runtime_dir/sysctl.saved (created if missing).
    explicit LinuxKernelPort(const std::string& runtime_dir);

    void add_route(const PathRoute& route) override { writer_.add_route(route); }
    void delete_route(const PathRoute& route) override { writer_.delete_route(route); }
    void add_rule(const SourceRule& rule) override { writer_.add_rule(rule); }
    void delete_rule(const SourceRule& rule) override { writer_.delete_rule(rule); }
    void add_suppress_rule() override { writer_.add_suppress_rule(); }
    void delete_suppress_rule() override { writer_.delete_suppress_rule(); }
    void set_label(const LabelRow& row) override;
    void delete_label(const LabelRow& row) override;
    void take_over_default_routers(int ifindex) override;
    void release_default_routers(int ifindex) override;
    KernelState read_owned(ReadScope scope) override;

    // Removes every route and rule carrying multi6d's marks, every label row
    // in the label range that the record says multi6d wrote, and
    // restores every saved sysctl: the leftovers of an earlier run at start,
    // a final sweep at stop. Failures are logged; it carries on.
    void remove_leftovers() override;
    KernelFeatures probe_features(std::string& report) override;

  private:
    bool kernel_processes_ras(const std::string& ifname) const;
    // (prefix, ifindex) of the label rows multi6d wrote, kept in
    // runtime_dir/labels.owned so the next run can tell them from a foreign
    // row in the same label range (the kernel keeps no mark on a label).
    void save_label_record();
    bool label_is_ours(const LabelRow& row) const;

    KernelWriter writer_;
    std::filesystem::path label_record_;
    std::set<std::pair<Prefix, int>> labelled_;
    std::unique_ptr<SysctlStore> sysctls_;
    std::map<int, std::string> taken_over_;  // ifindex -> name at take-over
    // Managed links whose RAs a userspace client processes (accept_ra=0):
    // nothing of the kernel's taken over there.
    std::set<int> userspace_ra_links_;
};

}  // namespace multi6d
