// The daemon's port to the cgroups of the units its [[application]]s list
// (issue 17 item 2; policy/unit_wants.hpp says what each gets). Made only
// while the configuration lists units (so a daemon without them opens
// neither libbpf nor an inotify descriptor); destroying it detaches every
// program it attached. UnitSources (unit_sources.hpp) is the Linux one;
// the daemon's unit tests use a fake (tests/unit/daemon_fakes.hpp).
#pragma once

#include <string>

#include "unit_wants.hpp"

namespace multi6d {

class UnitSourcePort {
  public:
    virtual ~UnitSourcePort() = default;
    // Empty when the port works; otherwise one sentence saying why not (no
    // libbpf1, no cgroup2 mount, the kernel refused the programs or
    // CAP_BPF/CAP_NET_ADMIN is missing). A port that does not work does
    // nothing; everything else of the daemon works as before.
    virtual std::string unavailable_reason() const = 0;
    // Makes the cgroup of every running unit of `wants` get its want, and
    // those of units that start later as they appear; units not in `wants`
    // lose theirs.
    virtual void apply(const UnitWants& wants) = 0;
};

}  // namespace multi6d
