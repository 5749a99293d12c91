#include "mptcpify_loader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

#include "small_file.hpp"

// clang-format off
#include "bpf_skeleton_api.hpp"  // before the skeleton: its calls go through libbpf()
#include "mptcpify.skel.h"
// clang-format on

namespace multi6d::bpf {

namespace {

// The limit of the program's map (MPTCPIFY_MAX_UIDS in mptcpify_match.h).
constexpr std::size_t max_uids = 16384;

// /proc/self/status is a few KiB.
constexpr std::size_t max_proc_file_bytes = 1 << 16;

std::string errno_text(int error) {
    return std::string(std::strerror(error < 0 ? -error : error));
}

// Effective capability bit `bit` (capabilities(7)) from /proc/self/status.
bool has_capability(int bit) {
    const SmallFile status = read_small_file("/proc/self/status", max_proc_file_bytes);
    constexpr std::string_view key = "CapEff:";
    for (std::string_view line : split_lines(status.text)) {
        if (line.substr(0, key.size()) == key) {
            line.remove_prefix(key.size());
            line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
            std::uint64_t mask = 0;
            std::from_chars(line.data(), line.data() + line.size(), mask, 16);
            return ((mask >> bit) & 1U) != 0;
        }
    }
    return false;
}

// What a kernel that refuses with EPERM lacks: the capabilities (CAP_BPF
// to load, CAP_PERFMON for a tracing program; CAP_SYS_ADMIN holds both),
// else its consent (lockdown, an LSM, a kernel built to refuse tracing).
std::string permission_problem() {
    constexpr int cap_sys_admin = 21;
    constexpr int cap_perfmon = 38;
    constexpr int cap_bpf = 39;
    if (!has_capability(cap_sys_admin)) {
        std::string missing;
        if (!has_capability(cap_bpf)) {
            missing = "CAP_BPF";
        }
        if (!has_capability(cap_perfmon)) {
            missing += (missing.empty() ? "" : " and ") + std::string("CAP_PERFMON");
        }
        if (!missing.empty()) {
            return "multi6d lacks " + missing + " (capabilities(7))";
        }
    }
    return "the kernel does not allow fmod_ret programs here, although multi6d has CAP_BPF "
           "and CAP_PERFMON (EPERM: kernel lockdown, an LSM, or a kernel that refuses "
           "trampoline programs)";
}

// Net.mptcp.enabled of the daemon's network namespace: MPTCP sockets fail
// to open where it is 0 or where the kernel has no MPTCP at all, and the
// program would make the applications' TCP sockets fail with them.
std::string mptcp_problem() {
    const SmallFile enabled = read_small_file("/proc/sys/net/mptcp/enabled", max_proc_file_bytes);
    int value = 0;
    const auto parsed =
        std::from_chars(enabled.text.data(), enabled.text.data() + enabled.text.size(), value);
    if (enabled.status != SmallFile::Status::ok || parsed.ec != std::errc{}) {
        return "the kernel has no MPTCP (CONFIG_MPTCP; /proc/sys/net/mptcp/enabled is missing)";
    }
    if (value == 0) {
        return "MPTCP is disabled (sysctl net.mptcp.enabled = 0)";
    }
    return "";
}

}  // namespace

std::unique_ptr<MptcpifyPort> MptcpifyLoader::open(std::string& error) {
    std::string why;
    if (libbpf(why) == nullptr) {
        error = why;
        return nullptr;
    }
    if (std::string problem = mptcp_problem(); !problem.empty()) {
        error = problem;
        return nullptr;
    }
    // libbpf finds the hook by name in the kernel's BTF.
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        error = "the kernel has no BTF (CONFIG_DEBUG_INFO_BTF; /sys/kernel/btf/vmlinux: " +
                errno_text(errno) + ")";
        return nullptr;
    }
    ::mptcpify* skeleton = mptcpify__open();
    if (skeleton == nullptr) {
        error = "cannot open the BPF program: " + errno_text(errno);
        return nullptr;
    }
    // From here the loader owns the skeleton: its destructor destroys it.
    std::unique_ptr<MptcpifyLoader> loader(new MptcpifyLoader(skeleton));
    if (const int rc = mptcpify__load(skeleton); rc != 0) {
        const int e = rc < 0 ? -rc : errno;
        if (e == ESRCH || e == ENOENT) {
            // libbpf's "failed to find kernel BTF type ID of
            // 'update_socket_protocol'".
            error =
                "the kernel has no update_socket_protocol hook (Linux 6.6 or later, built "
                "with CONFIG_MPTCP, is needed)";
        } else if (e == EPERM || e == EACCES) {
            error = "the kernel refused to load the program: " + permission_problem();
        } else {
            error = "the kernel refused to load the program: " + errno_text(e);
        }
        return nullptr;
    }
    if (const int rc = mptcpify__attach(skeleton); rc != 0) {
        const int e = rc < 0 ? -rc : errno;
        error = "the kernel refused to attach the program to update_socket_protocol: " +
                (e == EPERM || e == EACCES ? permission_problem() : errno_text(e));
        return nullptr;
    }
    return loader;
}

MptcpifyLoader::~MptcpifyLoader() {
    // Detaches (closes the link: the hook is free again), unloads, frees.
    mptcpify__destroy(skeleton_);
}

bool MptcpifyLoader::set_uids(const std::vector<std::uint32_t>& uids, std::string& error) {
    if (uids.size() > max_uids) {
        error = std::to_string(uids.size()) +
                " uids have mptcp = true; the program holds at most " + std::to_string(max_uids);
        return false;
    }
    const LibbpfApi& api = libbpf_api();
    const std::set<std::uint32_t> wanted(uids.begin(), uids.end());
    // Additions first: a uid that stays never leaves the map.
    for (const std::uint32_t uid : wanted) {
        if (uids_.contains(uid)) {
            continue;
        }
        const std::uint8_t one = 1;
        if (const int rc = api.map_update_elem(skeleton_->maps.mptcpify_uids, &uid, sizeof uid,
                                               &one, sizeof one, BPF_ANY);
            rc != 0) {
            error = "cannot add uid " + std::to_string(uid) +
                    " to the program's map: " + errno_text(rc);
            return false;
        }
        uids_.insert(uid);
    }
    for (auto it = uids_.begin(); it != uids_.end();) {
        if (wanted.contains(*it)) {
            ++it;
            continue;
        }
        const std::uint32_t uid = *it;
        if (const int rc = api.map_delete_elem(skeleton_->maps.mptcpify_uids, &uid, sizeof uid, 0);
            rc != 0 && rc != -ENOENT) {
            error = "cannot remove uid " + std::to_string(uid) +
                    " from the program's map: " + errno_text(rc);
            return false;
        }
        it = uids_.erase(it);
    }
    return true;
}

}  // namespace multi6d::bpf
