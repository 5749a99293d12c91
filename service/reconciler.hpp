// Brings the kernel from the state multi6d applied to the state it wants,
// sending only the difference (DESIGN §3.5).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kernel_port.hpp"
#include "kernel_state.hpp"

namespace multi6d {

struct ReconcileReport {
    std::vector<std::string> changes;  // one line per change made
    std::vector<std::string> errors;   // one line per change that failed
    bool complete() const { return errors.empty(); }
};

class Reconciler {
  public:
    explicit Reconciler(KernelPort& kernel) : kernel_(kernel) {}

    // Order matters for connections in flight: new routes before the rules
    // that lead to them, rules and labels before the kernel's own default
    // routes are taken away, and removals last. A failed step is reported
    // and left for the next call; the applied state records only what
    // succeeded, so calling again retries exactly what is missing.
    ReconcileReport apply(const KernelState& desired);

    // What is applied now (as far as multi6d knows).
    const KernelState& applied() const { return applied_; }

  private:
    template <typename Action>
    void attempt(ReconcileReport& report, const std::string& what, Action action);

    KernelPort& kernel_;
    KernelState applied_;
};

}  // namespace multi6d
