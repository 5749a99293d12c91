// What the running kernel can hold, found out by the daemon at start-up
// (service/kernel/kernel_writer.hpp, probe_source_routes()) and handed to the
// decision by value: the decision never asks the kernel itself.
#pragma once

namespace multi6d {

struct KernelFeatures {
    // The kernel accepts source-specific routes (RTA_SRC, `from P`): built
    // with CONFIG_IPV6_SUBTREES, as Debian's kernels are. Without it, adding
    // such a route fails with EOPNOTSUPP, so the decision asks for none
    // (policy/rule55_routes.hpp).
    bool source_specific_routes = false;
    friend bool operator==(const KernelFeatures&, const KernelFeatures&) = default;
};

}  // namespace multi6d
