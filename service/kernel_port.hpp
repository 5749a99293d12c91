// What the reconciler asks of the kernel. The Linux implementation
// (kernel_writer.hpp, sysctl_store.hpp) is the syscall boundary; unit tests
// of the reconciler substitute a recording fake here and nowhere else.
#pragma once

#include "kernel_state.hpp"

namespace multi6d {

class KernelPort {
  public:
    virtual ~KernelPort() = default;
    // Each call throws (std::exception) on failure and changes nothing then.
    // Adding what exists and deleting what is gone succeed.
    virtual void add_route(const PathRoute& route) = 0;
    virtual void delete_route(const PathRoute& route) = 0;
    virtual void add_rule(const SourceRule& rule) = 0;
    virtual void delete_rule(const SourceRule& rule) = 0;
    virtual void add_suppress_rule() = 0;
    virtual void delete_suppress_rule() = 0;
    virtual void set_label(const LabelRow& row) = 0;  // adds, or replaces the row's label
    virtual void delete_label(const LabelRow& row) = 0;
    // accept_ra_defrtr=0 on the link (the original value saved), then removes
    // the default routes the kernel learnt from RAs there.
    virtual void take_over_default_routers(int ifindex) = 0;
    // Restores the link's accept_ra_defrtr.
    virtual void release_default_routers(int ifindex) = 0;
};

}  // namespace multi6d
