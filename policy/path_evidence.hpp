// Down needs evidence (issue 13 item 1; DESIGN.md §2, §3.4): a path's
// verdict combines the probe statistics of its PathMonitor
// (policy/path_quality.hpp: loss, RTT, hysteresis; the failover timing
// lives there) with evidence the monitor does not see, and says why.
//
// A path whose probes have never been answered by anything (neither the
// router's echo nor an upstream target) has shown nothing: a router may
// answer neighbour solicitation but ignore echo, and a path with no
// upstream target has only the router to ask. Such a path stays Unknown,
// which the routing decision still uses (after paths known to be Up), as
// the RA and the neighbour table say the router is there. It goes Down
// only on evidence:
//   - the router's neighbour entry failed (the kernel solicited it and got
//     no answer: NUD FAILED, policy/neighbour_evidence.hpp), or
//   - down_after probes lost since it was created, each with evidence of
//     its own: ended by an ICMPv6 error quoting the probe (RFC 4443 §3.1,
//     matched by the prober to a probe this host sent), or an upstream
//     probe lost while another path's upstream probes are answered (the
//     targets are reachable, only not through this path). Plain timeouts
//     count for nothing here; a reply ends the "never answered" state.
// A path that has answered follows its monitor (it "answered before and
// stopped": the monitor's loss rules), except that a failed neighbour entry
// of its router makes it Down at once, whatever the probes say, and it
// returns to the monitor's state when the entry is reachable again.
//
// Pure: the caller reports outcomes and neighbour states; nothing is read
// from a clock.
#pragma once

#include <optional>
#include <string>

#include "address.hpp"
#include "lifetime.hpp"
#include "neighbour_evidence.hpp"
#include "path.hpp"
#include "path_quality.hpp"

namespace multi6d {

// How long another path's upstream reply counts as "answered elsewhere"
// for a loss reported now.
inline constexpr std::chrono::seconds kElsewhereWindow{5};

// One lost probe as the evidence sees it.
struct ProbeLoss {
    ProbeTargetKind kind = ProbeTargetKind::Router;
    Address target;
    // The ICMPv6 error that ended the probe ("destination unreachable code
    // 5 from 2001:db8::1"); none: no answer before the timeout.
    std::optional<std::string> icmp_error;
    // Another path's upstream probe was answered within kElsewhereWindow.
    bool upstream_answered_elsewhere = false;
};

class PathEvidence {
  public:
    explicit PathEvidence(unsigned down_after) { reconfigure(down_after); }
    void reconfigure(unsigned down_after) { down_after_ = down_after == 0 ? 1 : down_after; }

    void record_reply() { answered_ = true; }
    void record_loss(const ProbeLoss& loss);

    bool answered() const { return answered_; }
    unsigned losses() const { return losses_; }                      // since creation
    unsigned evidenced_losses() const { return evidenced_losses_; }  // of those, with evidence
    // Why a path that never answered is down; none while the evidence is
    // short of down_after (or the path answered).
    std::optional<std::string> down_reason() const;

  private:
    unsigned down_after_ = 3;
    bool answered_ = false;
    unsigned losses_ = 0;
    unsigned evidenced_losses_ = 0;
    std::string last_evidence_;
    std::optional<std::string> down_reason_;
};

struct PathVerdict {
    PathHealth health = PathHealth::Unknown;
    // One line: why this health. It changes only when the facts behind it
    // do (no counters that move with every probe), so the supervisor
    // reports each change.
    std::string reason;
    friend bool operator==(const PathVerdict&, const PathVerdict&) = default;
};

// The verdict described above. `monitor_reason` is the reason of the
// monitor's last transition ("" before any); `neighbour` the state of the
// path's router (`router`) in the kernel's neighbour table.
PathVerdict path_verdict(const PathMonitor& monitor, const std::string& monitor_reason,
                         const PathEvidence& evidence, NeighbourState neighbour,
                         const Address& router);

}  // namespace multi6d
