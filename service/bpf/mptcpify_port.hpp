// The daemon's side of mptcp = true (multi6d.toml(5), APPLICATIONS): a
// loaded mptcpify program (mptcpify.bpf.c) and the uids whose TCP sockets
// it makes MPTCP. The daemon holds one only while some application needs
// it; destroying it unloads the program. MptcpifyLoader is the kernel's;
// the daemon's unit tests fake it (tests/unit/daemon_fakes.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace multi6d {

class MptcpifyPort {
  public:
    virtual ~MptcpifyPort() = default;
    // Makes `uids` (sorted, unique) exactly the uids the program matches.
    // On failure returns false with `error` a sentence; the program keeps
    // what it matched before.
    virtual bool set_uids(const std::vector<std::uint32_t>& uids, std::string& error) = 0;
};

// Loads and attaches the program (matching nobody yet); nullptr with
// `error` naming what is missing (libbpf, kernel support, privileges).
using MptcpifyFactory = std::function<std::unique_ptr<MptcpifyPort>(std::string& error)>;

}  // namespace multi6d
