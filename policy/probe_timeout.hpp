// How long one probe may wait for its reply before it is lost: an adaptive
// timeout from the path's round-trip estimate (DESIGN §3.4, issue 14 item 1).
//
// RFC 6298 §2.3 computes TCP's retransmission timeout from SRTT and RTTVAR
// as RTO = SRTT + max(G, K·RTTVAR), K = 4, G the clock granularity. A probe
// is lost when no reply came within
//     clamp(SRTT + max(10 ms, 4·RTTVAR, SRTT), min_timeout, timeout)
// of the upstream estimate (the router's while no upstream reply came):
// * G = 10 ms: the event loop's and the kernel's scheduling jitter; a very
//   steady RTT (RTTVAR → 0) must not make every slightly late reply a loss.
// * SRTT (so never less than twice the smoothed RTT): 4·RTTVAR, the mean
//   deviation, describes symmetric jitter; queueing delay is skewed, with a
//   tail the mean deviation does not see. With exponential jitter of mean
//   10 ms on a 100 ms path, RFC 6298's formula alone times out 3.4% of the
//   replies, with this term none of 20000 (test_probe_timeout.cpp prints
//   both for several paths).
// * The floor, min_timeout_ms (default 50 ms), covers what the estimate
//   does not see: a 2-core host under load delays reading a reply by tens
//   of ms, and the first replies after a quiet spell can be slow (neighbour
//   discovery, a router's control plane). RFC 6298 §2.4 rounds its RTO up
//   to 1 s for TCP, where a spurious timeout costs a retransmission and a
//   halved window; a spurious probe loss costs one more probe, since down
//   needs down_after losses in a row, and a reply that comes after all
//   (up to timeout_ms) ends the streak (a late reply, probe_tracker.hpp).
// * The cap, timeout_ms (default 300 ms), is the old fixed timeout: a reply
//   later than that is a loss whatever the estimate says, and it is the
//   timeout before the path's first reply (no estimate yet: RFC 6298 §2.1's
//   initial RTO plays the same part). When min_timeout_ms is above
//   timeout_ms the cap wins: the timeout is fixed at timeout_ms.
// Late replies are RTT samples too: when a path's RTT rises above its
// timeout, the estimate follows it instead of every probe being lost.
//
// A shorter timeout is what makes a cut show sooner at the same probe rate:
// with a 1 ms LAN RTT the lab's paths time out after 50 ms instead of
// 300 ms, so three losses are known ~150 ms after the first probe into the
// cut instead of ~550 ms (ProbeScheduler re-probes at each loss, see
// probe_schedule.hpp).
#pragma once

#include <optional>

#include "config.hpp"
#include "lifetime.hpp"
#include "path_quality.hpp"

namespace multi6d {

// The timeout of a probe sent now on a path whose estimate is `rtt`
// (PathMonitor::rtt(); nullopt before the first reply).
Clock::duration probe_timeout(const ProbeSettings& settings, const std::optional<RttEstimate>& rtt);

}  // namespace multi6d
