#include "linux_kernel_port.hpp"

#include <net/if.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "log.hpp"

namespace multi6d {

namespace {
constexpr const char* defrtr_key = "accept_ra_defrtr";

std::string interface_name(int ifindex) {
    char name[IF_NAMESIZE] = {};
    if (if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) {
        throw std::system_error(errno, std::generic_category(),
                                "interface #" + std::to_string(ifindex));
    }
    return name;
}
}  // namespace

LinuxKernelPort::LinuxKernelPort(const std::string& runtime_dir) {
    std::filesystem::create_directories(runtime_dir);
    sysctls_ = std::make_unique<SysctlStore>(std::filesystem::path(runtime_dir) / "sysctl.saved");
}

bool LinuxKernelPort::kernel_processes_ras(const std::string& name) const {
    // accept_ra=0: the kernel ignores RAs on the link, so a userspace RA
    // client (systemd-networkd, NetworkManager) installed main's `proto ra`
    // defaults and there is no kernel default-router selection to take over.
    try {
        return sysctls_->get(name, "accept_ra") != "0";
    } catch (const SysctlError&) {
        return true;  // unreadable: behave as on a kernel-managed link
    }
}

void LinuxKernelPort::take_over_default_routers(int ifindex) {
    const std::string name = interface_name(ifindex);
    if (!kernel_processes_ras(name)) {
        // The unbound-lookups rule makes those defaults irrelevant while
        // multi6d runs, and they are what the host falls back to at stop:
        // leave them, and accept_ra_defrtr, alone.
        if (userspace_ra_links_.insert(ifindex).second) {
            log::info(name +
                      ": RAs are processed in userspace (accept_ra=0); leaving "
                      "accept_ra_defrtr and main's proto ra default routes alone");
        }
        return;
    }
    userspace_ra_links_.erase(ifindex);
    // RFC 8028 §3.2: default routers are chosen per source prefix now, by
    // multi6d's rules; the kernel must stop choosing one for every source.
    sysctls_->set(name, defrtr_key, "0");
    taken_over_[ifindex] = name;
    // accept_ra_defrtr=0 stops new RA default routes but keeps the learnt
    // ones, and any source-independent default route defeats source
    // routing for unbound sockets (DESIGN §2).
    for (const auto& route : writer_.kernel_ra_default_routes(ifindex)) {
        writer_.delete_ra_default_route(route);
    }
}

void LinuxKernelPort::release_default_routers(int ifindex) {
    userspace_ra_links_.erase(ifindex);
    const auto it = taken_over_.find(ifindex);
    const std::string name = it != taken_over_.end() ? it->second : interface_name(ifindex);
    sysctls_->restore(name);
    if (it != taken_over_.end()) {
        taken_over_.erase(it);
    }
}

KernelState LinuxKernelPort::read_owned(ReadScope scope) {
    KernelState state;
    if (scope == ReadScope::All) {
        const OwnedState owned = writer_.dump_owned();
        state.routes.insert(owned.routes.begin(), owned.routes.end());
        state.rules.insert(owned.rules.begin(), owned.rules.end());
        state.suppress_rule = owned.suppress_rule;
        state.labels.insert(owned.labels.begin(), owned.labels.end());
    } else {
        const std::vector<LabelRow> labels = writer_.owned_labels();
        state.labels.insert(labels.begin(), labels.end());
    }
    state.managed_links = userspace_ra_links_;
    for (const auto& [ifindex, name] : taken_over_) {
        try {
            if (sysctls_->get(name, defrtr_key) == "0") {
                state.managed_links.insert(ifindex);
            }
        } catch (const SysctlError&) {
            // The link is gone: nothing of it is held any more.
        }
    }
    return state;
}

void LinuxKernelPort::remove_leftovers() {
    try {
        const OwnedState owned = writer_.dump_owned();
        if (!owned.empty()) {
            log::notice("removing " + std::to_string(owned.routes.size()) + " route(s), " +
                        std::to_string(owned.rules.size() + owned.other_rules.size() +
                                       (owned.suppress_rule ? 1 : 0)) +
                        " rule(s) and " + std::to_string(owned.labels.size()) +
                        " address label(s) left by an earlier run");
            writer_.remove_owned();
        }
    } catch (const std::exception& e) {
        log::error(std::string("removing leftovers: ") + e.what());
    }
    try {
        if (!sysctls_->originals().empty()) {
            log::notice("restoring " + std::to_string(sysctls_->originals().size()) +
                        " sysctl(s) changed by an earlier run");
        }
        sysctls_->restore_all();
    } catch (const std::exception& e) {
        log::error(std::string("restoring sysctls: ") + e.what());
    }
    taken_over_.clear();
    userspace_ra_links_.clear();
}

}  // namespace multi6d
