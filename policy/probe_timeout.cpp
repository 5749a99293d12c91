#include "probe_timeout.hpp"

#include <algorithm>

namespace multi6d {

namespace {

// RFC 6298 §2.3's G and K (see the header for the choice of G).
constexpr Clock::duration kGranularity = std::chrono::milliseconds(10);
constexpr int kVarianceFactor = 4;

}  // namespace

Clock::duration probe_timeout(const ProbeSettings& settings,
                              const std::optional<RttEstimate>& rtt) {
    const Clock::duration cap = settings.timeout;
    if (!rtt) {
        return cap;
    }
    const Clock::duration floor = std::min<Clock::duration>(settings.min_timeout, cap);
    const Clock::duration rto =
        rtt->srtt + std::max({kGranularity, kVarianceFactor * rtt->rttvar, rtt->srtt});
    return std::clamp(rto, floor, cap);
}

}  // namespace multi6d
