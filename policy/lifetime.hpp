// Time as the policy library sees it: injected, never read from a clock.
//
// Every lifetime multi6d learns (RA router lifetime, PIO valid/preferred,
// RIO, RDNSS, address lifetimes from rtnetlink) becomes an absolute deadline
// on the monotonic clock. A record with deadline D is live while now < D and
// gone from now >= D on: a lifetime of L seconds received at t covers exactly
// [t, t + L).
#pragma once

#include <chrono>
#include <cstdint>

#include "router_advertisement.hpp"

namespace multi6d {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// The deadline of a record that never expires (infinite lifetime, permanent
// address).
inline constexpr TimePoint never = TimePoint::max();

// now + seconds, with infinite_lifetime (0xffffffff, RFC 4861 §4.6.2,
// RFC 4191 §2.3, RFC 8106 §5.1) meaning `never`. Saturates instead of
// overflowing, so a fake clock near the end of its range stays correct.
inline TimePoint deadline_after(TimePoint now, std::uint32_t seconds) {
    if (seconds == infinite_lifetime) {
        return never;
    }
    const auto span = std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds));
    if (now > never - span) {
        return never;
    }
    return now + span;
}

}  // namespace multi6d
