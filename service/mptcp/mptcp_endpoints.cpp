#include "mptcp_endpoints.hpp"

#include <algorithm>
#include <cerrno>
#include <exception>

#include "kernel_objects.hpp"
#include "mptcp_genl.hpp"

namespace multi6d {

namespace {

std::uint32_t flags_of(const EndpointWant& want) {
    return mptcp_flag::subflow | (want.backup ? mptcp_flag::backup : 0U);
}

}  // namespace

MptcpEndpoints::Opened MptcpEndpoints::open_kernel(const std::string& family) {
    Opened opened;
    opened.port = MptcpGenl::open(&opened.reason, family);
    return opened;
}

MptcpEndpoints::MptcpEndpoints(std::filesystem::path record_file, const std::string& family)
    : MptcpEndpoints(open_kernel(family), std::move(record_file)) {}

MptcpEndpoints::MptcpEndpoints(Opened opened, std::filesystem::path record_file)
    : MptcpEndpoints(std::move(opened.port), std::move(record_file), std::move(opened.reason)) {}

MptcpEndpoints::MptcpEndpoints(std::unique_ptr<MptcpPmPort> port, std::filesystem::path record_file,
                               std::string unavailable_reason)
    : port_(std::move(port)), file_(std::move(record_file)) {
    if (!port_) {
        // Nothing to adopt and nothing to touch; the record stays as it is
        // for a later run on a kernel that has the path manager.
        unavailable_reason_ = std::move(unavailable_reason);
        return;
    }
    try {
        record_ = file_.load();
    } catch (const std::exception& e) {
        // Safe side: what the unreadable record listed is not recognised as
        // ours, so it is left alone rather than deleted by mistake.
        startup_.errors.push_back(std::string("MPTCP endpoint record ignored: ") + e.what());
        record_ = {};
    }
    // refresh() drops (and saves) what is gone; if the kernel cannot be read
    // now, the record stays as it is and every later call checks it again.
    if (refresh(startup_)) {
        for (const auto& [id, address] : record_.endpoints) {
            startup_.changes.push_back("adopted MPTCP endpoint " + describe(kernel_.at(id)) +
                                       " from an earlier run");
        }
        for (const auto& [id, adopted] : record_.adopted) {
            startup_.changes.push_back("still manage the backup flag of MPTCP endpoint " +
                                       describe(kernel_.at(id)) + " (another party's; its flags " +
                                       describe_flags(adopted.original_flags) +
                                       " from an earlier run)");
        }
    }
}

MptcpEndpoints::~MptcpEndpoints() = default;

std::vector<MptcpEndpoint> MptcpEndpoints::owned() const {
    std::vector<MptcpEndpoint> result;
    for (const auto& [id, address] : record_.endpoints) {
        const auto it = kernel_.find(id);
        if (it != kernel_.end()) {
            result.push_back(it->second);
        }
    }
    return result;
}

bool MptcpEndpoints::refresh(MptcpReport& report) {
    try {
        kernel_.clear();
        for (const MptcpEndpoint& e : port_->endpoints()) {
            kernel_[e.id] = e;
        }
    } catch (const std::exception& e) {
        report.errors.push_back(e.what());
        return false;
    }
    bool changed = false;
    for (auto it = record_.endpoints.begin(); it != record_.endpoints.end();) {
        const auto k = kernel_.find(it->first);
        if (k != kernel_.end() && k->second.address == it->second) {
            ++it;
            continue;
        }
        // Deleted by someone else (or never added: a crash between writing
        // the record and adding). An id now carrying another address
        // belongs to whoever added it.
        report.notices.push_back("MPTCP endpoint " + it->second.to_string() + " id " +
                                 std::to_string(it->first) +
                                 " is no longer in the kernel; forgotten");
        it = record_.endpoints.erase(it);
        changed = true;
    }
    for (auto it = record_.adopted.begin(); it != record_.adopted.end();) {
        const auto k = kernel_.find(it->first);
        if (k != kernel_.end() && k->second.address == it->second.address) {
            ++it;
            continue;
        }
        // Its owner deleted it, or re-created it under a new id
        // (NetworkManager does on `nmcli device reapply`): the new one is
        // adopted afresh by apply(). Not logged: the owner's business, and
        // repeatable at will.
        it = record_.adopted.erase(it);
        changed = true;
    }
    return !changed || save(report);
}

bool MptcpEndpoints::save(MptcpReport& report) {
    try {
        file_.save(record_);
        return true;
    } catch (const std::exception& e) {
        report.errors.push_back(e.what());
        return false;
    }
}

std::uint8_t MptcpEndpoints::free_id() const {
    for (unsigned id = id_last; id >= id_first; --id) {
        const auto i = static_cast<std::uint8_t>(id);
        if (kernel_.count(i) == 0 && record_.endpoints.count(i) == 0) {
            return i;
        }
    }
    return 0;
}

void MptcpEndpoints::remove_one(std::uint8_t id, MptcpReport& report) {
    const MptcpEndpoint gone = kernel_.at(id);
    try {
        port_->remove(id);
    } catch (const std::exception& e) {
        // Also when someone else deleted it meanwhile (EINVAL "address not
        // found"): the next refresh() sees it gone and forgets it.
        report.errors.push_back(e.what());
        return;
    }
    kernel_.erase(id);
    record_.endpoints.erase(id);
    report.changes.push_back("deleted MPTCP endpoint " + describe(gone));
    save(report);
}

bool MptcpEndpoints::add_one(const Address& address, const EndpointWant& want,
                             MptcpReport& report) {
    if (kernel_.size() >= mptcp_max_endpoints) {
        return false;
    }
    MptcpEndpoint e;
    e.id = free_id();
    e.address = address;
    e.flags = flags_of(want);
    e.ifindex = want.ifindex;
    if (e.id == 0) {
        report.errors.push_back("cannot add MPTCP endpoint " + address.to_string() +
                                ": no free id in " + std::to_string(id_first) + ".." +
                                std::to_string(id_last));
        return true;
    }
    // Write-ahead: a crash right after the add must still find it ours.
    record_.endpoints[e.id] = address;
    if (!save(report)) {
        record_.endpoints.erase(e.id);
        return true;
    }
    try {
        port_->add(e);
    } catch (const std::exception& error) {
        report.errors.push_back(error.what());
        record_.endpoints.erase(e.id);
        save(report);
        return true;
    }
    kernel_[e.id] = e;
    report.changes.push_back("added MPTCP endpoint " + describe(e));
    return true;
}

MptcpReport MptcpEndpoints::apply(const std::map<Address, EndpointWant>& desired) {
    MptcpReport report;
    if (!port_ || !refresh(report)) {
        return report;
    }
    std::map<Address, std::uint8_t> owned_by_address;
    for (const auto& [id, address] : record_.endpoints) {
        owned_by_address[address] = id;
    }
    // Removals first: they free room under the kernel's 8-endpoint cap.
    // A device change cannot be made in place: delete, then add again.
    for (const auto& [address, id] : owned_by_address) {
        const auto want = desired.find(address);
        if (want == desired.end() || want->second.ifindex != kernel_.at(id).ifindex) {
            remove_one(id, report);
        }
    }
    // Other parties' endpoints whose address multi6d no longer wants get
    // their owner's backup flag back.
    for (const auto& [id, adopted] : std::map(record_.adopted)) {
        if (desired.count(adopted.address) == 0) {
            release_adopted(id, report);
        }
    }
    std::set<Address> capped;
    for (const auto& [address, want] : desired) {
        const auto owned = std::find_if(record_.endpoints.begin(), record_.endpoints.end(),
                                        [&](const auto& entry) { return entry.second == address; });
        if (owned != record_.endpoints.end()) {
            set_backup(kernel_.at(owned->first), want.backup, "", report);
            continue;
        }
        const auto foreign = std::find_if(kernel_.begin(), kernel_.end(), [&](const auto& entry) {
            return entry.second.address == address;
        });
        if (foreign != kernel_.end()) {
            follow_foreign(foreign->second, want.backup, report);
            continue;
        }
        if (!add_one(address, want, report)) {
            capped.insert(address);
            if (reported_capped_.count(address) == 0) {
                report.notices.push_back("no MPTCP endpoint for " + address.to_string() +
                                         ": the kernel allows at most " +
                                         std::to_string(mptcp_max_endpoints) + " endpoints");
            }
        }
    }
    reported_capped_ = std::move(capped);
    return report;
}

void MptcpEndpoints::set_backup(MptcpEndpoint& current, bool backup, const std::string& whose,
                                MptcpReport& report) {
    if (((current.flags & mptcp_flag::backup) != 0) == backup) {
        return;
    }
    MptcpEndpoint changed = current;
    changed.flags = (current.flags & ~mptcp_flag::backup) | (backup ? mptcp_flag::backup : 0U);
    try {
        port_->set_flags(changed);
        current = changed;
        report.changes.push_back("set MPTCP endpoint " + describe(changed) + whose);
    } catch (const std::exception& e) {
        report.errors.push_back(e.what());
    }
}

void MptcpEndpoints::follow_foreign(MptcpEndpoint& current, bool backup, MptcpReport& report) {
    if (record_.adopted.count(current.id) == 0) {
        // Write-ahead: the owner's flags are on disk before the first change,
        // so a restarted daemon can still give them back.
        record_.adopted[current.id] = AdoptedEndpoint{current.address, current.flags};
        if (!save(report)) {
            record_.adopted.erase(current.id);
            return;
        }
        // Said once per address: a re-created endpoint is followed quietly.
        if (announced_.insert(current.address).second) {
            report.notices.push_back("MPTCP endpoint " + describe(current) +
                                     " was not added by multi6d (NetworkManager adds its own): "
                                     "multi6d sets only its backup flag and restores " +
                                     describe_flags(current.flags) + " at stop");
        }
    }
    set_backup(current, backup, " (another party's)", report);
}

void MptcpEndpoints::release_adopted(std::uint8_t id, MptcpReport& report) {
    const AdoptedEndpoint adopted = record_.adopted.at(id);
    const auto it = kernel_.find(id);
    if (it != kernel_.end() && it->second.address == adopted.address) {
        const std::size_t errors = report.errors.size();
        set_backup(it->second, (adopted.original_flags & mptcp_flag::backup) != 0,
                   " (another party's, its flags restored)", report);
        if (report.errors.size() != errors) {
            return;  // kept: the next call tries again
        }
    }
    record_.adopted.erase(id);
    save(report);
}

MptcpReport MptcpEndpoints::set_limits(std::optional<std::uint32_t> subflows,
                                       std::optional<std::uint32_t> add_addr_accepted) {
    MptcpReport report;
    if (!port_) {
        return report;
    }
    if (subflows.value_or(0) > mptcp_max_limit || add_addr_accepted.value_or(0) > mptcp_max_limit) {
        report.errors.push_back(
            "MPTCP limits subflows " + (subflows ? std::to_string(*subflows) : "(unchanged)") +
            " add_addr_accepted " +
            (add_addr_accepted ? std::to_string(*add_addr_accepted) : "(unchanged)") +
            ": each must be at most " + std::to_string(mptcp_max_limit));
        return report;
    }
    try {
        const MptcpLimits current = port_->limits();
        const MptcpLimits limits{subflows.value_or(current.subflows),
                                 add_addr_accepted.value_or(current.add_addr_accepted)};
        // Write-ahead, as for endpoints: the originals are on disk before
        // the kernel's values change.
        const MptcpRecord before = record_;
        if (!record_.original_limits) {
            record_.original_limits = current;
        }
        record_.applied_limits = limits;
        if (record_ != before && !save(report)) {
            record_ = before;
            return report;
        }
        if (current != limits) {
            port_->set_limits(limits);
            report.changes.push_back("set MPTCP limits " + describe(limits) + " (were " +
                                     describe(current) + ")");
        }
    } catch (const std::exception& e) {
        report.errors.push_back(e.what());
    }
    return report;
}

MptcpReport MptcpEndpoints::remove_all_owned() {
    MptcpReport report;
    if (!port_) {
        return report;
    }
    if (refresh(report)) {
        const std::map<std::uint8_t, Address> owned = record_.endpoints;
        for (const auto& [id, address] : owned) {
            remove_one(id, report);
        }
        for (const auto& [id, adopted] : std::map(record_.adopted)) {
            release_adopted(id, report);
        }
    }
    if (record_.original_limits) {
        try {
            const MptcpLimits current = port_->limits();
            if (record_.applied_limits && current != *record_.applied_limits) {
                report.notices.push_back("MPTCP limits are " + describe(current) +
                                         ", not what multi6d set; left as they are");
            } else if (current != *record_.original_limits) {
                port_->set_limits(*record_.original_limits);
                report.changes.push_back("restored MPTCP limits " +
                                         describe(*record_.original_limits));
            }
            record_.original_limits.reset();
            record_.applied_limits.reset();
        } catch (const std::exception& e) {
            report.errors.push_back(e.what());
        }
    }
    save(report);
    return report;
}

}  // namespace multi6d
