#include "linux_kernel_port.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <optional>
#include <system_error>

#include "durable_file.hpp"
#include "interface_name.hpp"
#include "log.hpp"
#include "small_file.hpp"
#include "throw_errno.hpp"

namespace multi6d {

namespace {
constexpr const char* defrtr_key = "accept_ra_defrtr";

// labels.owned holds a line "PREFIX IFINDEX" for each label row of ours:
// a few hundred at most; a larger file is not ours.
constexpr std::size_t max_label_record_bytes = 1 << 20;

// 0 is a row of no interface (ip addrlabel without dev): multi6d's are.
bool parse_ifindex(std::string_view text, int& ifindex) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ifindex);
    return ec == std::errc{} && end == text.data() + text.size() && ifindex >= 0;
}

// The name a sysctl path needs; throws when the interface is gone.
std::string existing_interface_name(int ifindex) {
    if (auto name = interface_name(ifindex)) {
        return *name;
    }
    throw_errno("interface #" + std::to_string(ifindex));
}
}  // namespace

LinuxKernelPort::LinuxKernelPort(const std::string& runtime_dir)
    : label_record_(std::filesystem::path(runtime_dir) / "labels.owned") {
    std::filesystem::create_directories(runtime_dir);
    sysctls_ = std::make_unique<SysctlStore>(std::filesystem::path(runtime_dir) / "sysctl.saved");
    // An earlier run's record: its rows are leftovers to remove. Lines
    // "PREFIX IFINDEX"; an unreadable line (or file) marks nothing.
    const SmallFile record = read_small_file(label_record_.string(), max_label_record_bytes);
    for (const std::string_view line : split_lines(record.text)) {
        const auto words = split_words(line);
        int ifindex = 0;
        if (words.size() != 2 || !parse_ifindex(words[1], ifindex)) {
            continue;
        }
        if (auto prefix = Prefix::parse(words[0])) {
            labelled_.emplace(*prefix, ifindex);
        }
    }
}

void LinuxKernelPort::set_label(const LabelRow& row) {
    // Recorded before it is written: a crash in between leaves a record of a
    // row that may not exist, never a row of ours without a record.
    if (labelled_.emplace(row.prefix, row.ifindex).second) {
        save_label_record();
    }
    writer_.replace_label(row);
}

void LinuxKernelPort::delete_label(const LabelRow& row) {
    writer_.delete_label(row);
    if (labelled_.erase({row.prefix, row.ifindex}) > 0) {
        save_label_record();
    }
}

bool LinuxKernelPort::label_is_ours(const LabelRow& row) const {
    return labelled_.count({row.prefix, row.ifindex}) > 0;
}

void LinuxKernelPort::save_label_record() {
    std::optional<std::string> text;
    if (!labelled_.empty()) {
        text.emplace();
        for (const auto& [prefix, ifindex] : labelled_) {
            *text += prefix.to_string() + " " + std::to_string(ifindex) + "\n";
        }
    }
    save_file(label_record_, text);
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
    const std::string name = existing_interface_name(ifindex);
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
    const std::string name =
        it != taken_over_.end() ? it->second : existing_interface_name(ifindex);
    sysctls_->restore(name);
    if (it != taken_over_.end()) {
        taken_over_.erase(it);
    }
}

KernelState LinuxKernelPort::read_owned(ReadScope scope) {
    KernelState state;
    // Label rows in the range that multi6d did not write are another
    // program's: not seen here, so never repaired away.
    const auto is_ours = [this](const LabelRow& row) { return label_is_ours(row); };
    if (scope == ReadScope::All) {
        const OwnedState owned = writer_.dump_owned(is_ours);
        state.routes.insert(owned.routes.begin(), owned.routes.end());
        state.rules.insert(owned.rules.begin(), owned.rules.end());
        state.suppress_rule = owned.suppress_rule;
        state.labels.insert(owned.labels.begin(), owned.labels.end());
    } else {
        const std::vector<LabelRow> labels = writer_.owned_labels(is_ours);
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
        const auto is_ours = [this](const LabelRow& row) { return label_is_ours(row); };
        const OwnedState owned = writer_.dump_owned(is_ours);
        if (!owned.empty()) {
            log::notice("removing " + std::to_string(owned.routes.size()) + " route(s), " +
                        std::to_string(owned.rules.size() + owned.other_rules.size() +
                                       (owned.suppress_rule ? 1 : 0)) +
                        " rule(s) and " + std::to_string(owned.labels.size()) +
                        " address label(s) left by an earlier run");
            writer_.remove_owned(is_ours);
        }
        labelled_.clear();
        save_label_record();
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

KernelFeatures LinuxKernelPort::probe_features(std::string& report) {
    KernelFeatures features;
    std::string why;
    features.source_specific_routes = writer_.probe_source_routes(why);
    // Labels steer source selection on every kernel (RFC 6724 Rule 6); the
    // Rule 5.5 routes are for a kernel that also consults them. Mainline
    // has no Rule 5.5 and the posted series exposes no flag to test for, so
    // what is reported is whether those routes can be held.
    report = features.source_specific_routes
                 ? "source selection: address labels steer (RFC 6724 Rule 6); the kernel takes "
                   "source-specific routes (IPV6_SUBTREES), so table " +
                       to_string(owned::unbound_table) +
                       " also holds `from P` routes for kernels with RFC 6724 Rule 5.5"
                 : "source selection: address labels steer (RFC 6724 Rule 6) alone; the kernel "
                   "refuses source-specific routes (" +
                       why + "), so no routes for RFC 6724 Rule 5.5 are written";
    return features;
}

}  // namespace multi6d
