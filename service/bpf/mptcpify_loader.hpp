// mptcpify.bpf.c in the kernel: loaded through libbpf opened at run time
// (libbpf_library.hpp) from the skeleton bpftool made, attached as fmod_ret
// on update_socket_protocol, its uid map kept equal to what the daemon
// asks. The attachment is a BPF link held by file descriptor: it goes when
// the loader is destroyed and when the process ends, however it ends.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "mptcpify_port.hpp"

struct mptcpify;  // the skeleton (mptcpify.skel.h)

namespace multi6d::bpf {

class MptcpifyLoader final : public MptcpifyPort {
  public:
    // What the kernel offers, named in `error` when it falls short: libbpf,
    // BTF (/sys/kernel/btf/vmlinux), CONFIG_MPTCP (net.mptcp.enabled), the
    // hook (Linux 6.6), the privileges, the kernel's consent.
    static std::unique_ptr<MptcpifyPort> open(std::string& error);

    ~MptcpifyLoader() override;
    MptcpifyLoader(const MptcpifyLoader&) = delete;
    MptcpifyLoader& operator=(const MptcpifyLoader&) = delete;

    bool set_uids(const std::vector<std::uint32_t>& uids, std::string& error) override;

  private:
    explicit MptcpifyLoader(::mptcpify* skeleton) : skeleton_(skeleton) {}
    ::mptcpify* skeleton_;
    std::set<std::uint32_t> uids_;  // what the map holds
};

}  // namespace multi6d::bpf
