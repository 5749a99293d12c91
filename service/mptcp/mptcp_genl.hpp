// MptcpPmPort over generic netlink family "mptcp_pm" (MPTCP_PM_NAME,
// linux/mptcp.h), the interface `ip mptcp` uses. Commands: ADD_ADDR,
// DEL_ADDR, GET_ADDR (dump), SET_FLAGS, GET_LIMITS, SET_LIMITS, each with
// attribute MPTCP_PM_ATTR_ADDR (nested MPTCP_PM_ADDR_ATTR_*) or the limit
// attributes. These exist unchanged since Linux 5.7 (SET_FLAGS 5.12).
#pragma once

#include <memory>
#include <string>

#include "genl_socket.hpp"
#include "mptcp_pm.hpp"

namespace multi6d {

class MptcpGenl final : public MptcpPmPort {
  public:
    // Null with *reason set when the kernel has no such family (built
    // without MPTCP) or generic netlink is unusable; `family` other than
    // MPTCP_PM_NAME only for tests of that case.
    static std::unique_ptr<MptcpGenl> open(std::string* reason,
                                           const std::string& family = MPTCP_PM_NAME);

    std::vector<MptcpEndpoint> endpoints() override;
    void add(const MptcpEndpoint& endpoint) override;
    void remove(std::uint8_t id) override;
    void set_flags(const MptcpEndpoint& endpoint) override;
    MptcpLimits limits() override;
    void set_limits(const MptcpLimits& limits) override;

  private:
    explicit MptcpGenl(std::unique_ptr<GenlSocket> socket) : socket_(std::move(socket)) {}
    std::unique_ptr<GenlSocket> socket_;
};

}  // namespace multi6d
