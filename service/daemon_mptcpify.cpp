// The mptcpify program of mptcp = true (policy/application_mptcp.hpp,
// service/bpf/mptcpify_loader.hpp): loaded while some application with
// mptcp = true matches a uid, its uids updated at every reload, unloaded
// when none does any more and at stop. A host that cannot run it gets one
// line naming what is missing and keeps everything else (multi6d(8),
// MPTCP FOR APPLICATIONS).
#include <string>
#include <vector>

#include "application_mptcp.hpp"
#include "daemon.hpp"

namespace multi6d {

namespace {

// "web, backup": the applications asking for it, for the log lines.
std::string mptcp_applications(const std::vector<ApplicationConfig>& applications) {
    std::string names;
    for (const ApplicationConfig& a : applications) {
        if (a.mptcp) {
            names += (names.empty() ? "" : ", ") + a.name;
        }
    }
    return names;
}

}  // namespace

void Daemon::unload_mptcpify(const std::string& why) {
    if (mptcpify_) {
        // The skeleton's destruction closes the link: new sockets are TCP
        // again; those already open stay what they are.
        mptcpify_.reset();
        log::info("mptcpify: BPF program unloaded (" + why + ")");
    }
}

void Daemon::configure_mptcpify() {
    const std::vector<std::uint32_t> uids = mptcpify_uids(config_.applications);
    if (uids.empty()) {
        unload_mptcpify("no application with mptcp = true matches an account");
        return;
    }
    const std::string names = mptcp_applications(config_.applications);
    std::string error;
    if (!mptcpify_) {
        mptcpify_ = ports_.mptcpify ? ports_.mptcpify(error) : nullptr;
        if (!mptcpify_) {
            mptcpify_log_.write(log::Level::Warning,
                                "mptcp = true (application " + names +
                                    "): cannot load the mptcpify BPF program: " + error +
                                    "; their TCP sockets stay TCP, everything else works "
                                    "(multi6d(8), MPTCP FOR APPLICATIONS)");
            return;
        }
        log::info("mptcpify: BPF program loaded (fmod_ret on update_socket_protocol)");
    }
    if (!mptcpify_->set_uids(uids, error)) {
        mptcpify_.reset();
        mptcpify_log_.write(log::Level::Warning, "mptcp = true (application " + names +
                                                     "): mptcpify BPF program unloaded: " + error +
                                                     "; their TCP sockets stay TCP");
        return;
    }
    log::info("mptcpify: TCP sockets of " + std::to_string(uids.size()) + " uid(s) of " + names +
              " open as MPTCP");
}

}  // namespace multi6d
