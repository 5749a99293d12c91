// Brings the kernel to the state multi6d wants, comparing with what the
// kernel holds (DESIGN §3.5: the kernel is the truth) and sending only the
// difference. Owned state someone else removed or changed is put back and
// reported once per removal; a fight over one object is reported as a
// conflict and backed off (repair_tracker.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kernel_port.hpp"
#include "kernel_state.hpp"
#include "repair_tracker.hpp"

namespace multi6d {

struct ReconcileReport {
    std::vector<std::string> changes;    // one line per change made (log: info)
    std::vector<std::string> errors;     // one line per change that failed (log: error)
    std::vector<std::string> repairs;    // owned state put back after a removal (log: notice)
    std::vector<std::string> conflicts;  // a fight noticed, once per fight (log: warning)
    bool complete() const { return errors.empty(); }
};

class Reconciler {
  public:
    explicit Reconciler(KernelPort& kernel) : kernel_(kernel) {}

    // Reads the kernel's owned state, then: objects multi6d had applied that
    // are gone are someone else's removal (RepairTracker decides whether to
    // put them back now); then adds what `desired` lacks in the kernel and
    // deletes owned objects it does not want. Order matters for connections
    // in flight: new routes before the rules that lead to them, rules and
    // labels before the kernel's own default routes are taken away, and
    // removals last. A failed step (or a failed read) is reported and left
    // for the next call, which retries exactly what is still missing.
    ReconcileReport apply(const KernelState& desired, RepairClock::time_point now);

    // The cheap periodic check for state the kernel sends no event for
    // (labels, accept_ra_defrtr): true if it differs from what was applied,
    // or a hold-off ended, so a full apply() is due. A failed read is true.
    bool unnotified_drift(RepairClock::time_point now);

    // When the earliest running hold-off ends (apply() again then).
    std::optional<RepairClock::time_point> next_hold_end(RepairClock::time_point now) const {
        return repairs_.next_hold_end(now);
    }
    const RepairTracker& repairs() const { return repairs_; }

    // What multi6d applied and the kernel held at the last apply().
    const KernelState& applied() const { return applied_; }

  private:
    template <typename Action>
    void attempt(ReconcileReport& report, const std::string& what, Action action);
    // Someone else removed `what`: notes it; true if it may be put back now.
    bool note_removal(ReconcileReport& report, const std::string& key, const std::string& verb,
                      const std::string& other_party, RepairClock::time_point now);

    KernelPort& kernel_;
    KernelState applied_;
    RepairTracker repairs_;
    std::optional<RepairClock::time_point> held_until_;  // for unnotified_drift()
};

}  // namespace multi6d
