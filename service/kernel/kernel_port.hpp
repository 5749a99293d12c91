// What the reconciler asks of the kernel. The Linux implementation
// (kernel_writer.hpp, sysctl_store.hpp) is the syscall boundary; unit tests
// of the reconciler substitute a recording fake here and nowhere else.
#pragma once

#include <string>

#include "kernel_features.hpp"
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
    // the default routes the kernel learnt from RAs there. On a link where
    // the kernel processes no RAs (accept_ra=0: a userspace RA client such
    // as a network manager) it changes nothing: the unbound-lookups rule
    // makes that client's main-table defaults irrelevant (DESIGN.md §2).
    virtual void take_over_default_routers(int ifindex) = 0;
    // Restores the link's accept_ra_defrtr.
    virtual void release_default_routers(int ifindex) = 0;

    // What the kernel holds now (DESIGN.md §3.5: the kernel is the truth),
    // read back by mark (policy/owned_ids.hpp): routes of protocol 196, rules in
    // the owned priority range, label rows with an owned label, and as
    // managed_links the links taken over whose accept_ra_defrtr still reads
    // 0 (a link with nothing to take over counts as taken over). Scope
    // Unnotified reads only labels and managed_links: the state the kernel
    // sends no rtnetlink event for (address labels, sysctls), for a cheap
    // periodic check.
    enum class ReadScope { All, Unnotified };
    virtual KernelState read_owned(ReadScope scope) = 0;
};

// The daemon's kernel port: also sweeps what carries multi6d's marks, the
// leftovers of an earlier run at start and a final sweep at stop
// (linux_kernel_port.hpp).
class OwnedKernelPort : public KernelPort {
  public:
    virtual void remove_leftovers() = 0;
    // What the running kernel can hold (policy/kernel_features.hpp), found
    // by trying it in multi6d's own table; `report` gets one line for the
    // log saying what was found and what it means.
    virtual KernelFeatures probe_features(std::string& report) = 0;
};

}  // namespace multi6d
