// The kernel objects multi6d writes, as plain values: what the reconciler
// asks for and what KernelWriter::dump_owned() reads back. Comparable, so
// desired and applied state can be diffed with set operations.
#pragma once

#include <compare>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "address.hpp"
#include "kernel_state.hpp"

namespace multi6d {

// Every failed kernel request. The message names the operation, the object
// and the kernel's reason, e.g. "add route ::/0 via fe80::a dev eth0 table
// 6601 metric 1024: No such device".
class KernelError : public std::runtime_error {
  public:
    KernelError(const std::string& message, int error_number)
        : std::runtime_error(message), errno_(error_number) {}
    // The errno the kernel answered with; 0 when the error is not the
    // kernel's (argument outside the owned ranges, malformed reply).
    int error_number() const { return errno_; }

  private:
    int errno_;
};

// PathRoute, SourceRule and LabelRow are in policy/kernel_state.hpp.

// Everything in the kernel that carries one of the owned marks
// (policy/owned_ids.hpp), sorted.
struct OwnedState {
    std::vector<PathRoute> routes;  // protocol 196, any table
    std::vector<SourceRule> rules;  // in the priority range, `from P lookup T`
    bool suppress_rule = false;     // priority 6600 `lookup main suppress_prefixlength 0`
    // Priorities of in-range rules of any other shape (or a second suppress
    // rule): not written by this version, still removed by remove_owned().
    std::vector<RulePriority> other_rules;
    std::vector<LabelRow> labels;  // label in the label range

    bool empty() const {
        return routes.empty() && rules.empty() && !suppress_rule && other_rules.empty() &&
               labels.empty();
    }
    friend bool operator==(const OwnedState&, const OwnedState&) = default;
};

// Human-readable forms used in error messages and logs, close to iproute2's.
// describe(PathRoute) resolves the interface name if it exists
// ("dev eth0"), else prints "dev #7".
std::string describe(const PathRoute& route);
std::string describe(const SourceRule& rule);
std::string describe(const LabelRow& row);

}  // namespace multi6d
