// Builders shared by the host model and routing decision tests.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

#include "host_model.hpp"
#include "router_advertisement.hpp"

namespace multi6d::test {

using std::chrono::seconds;

inline Address addr(std::string_view text) {
    auto a = Address::parse(text);
    if (!a) {
        throw std::invalid_argument("bad address in test: " + std::string(text));
    }
    return *a;
}

inline Prefix pfx(std::string_view text) {
    auto p = Prefix::parse(text);
    if (!p) {
        throw std::invalid_argument("bad prefix in test: " + std::string(text));
    }
    return *p;
}

// A fake clock's epoch: far from both ends of the range.
inline const TimePoint t0 = TimePoint{} + std::chrono::hours(24 * 365);

inline RouterAdvertisement ra(std::string_view router, std::uint16_t router_lifetime,
                              RouterPreference preference = RouterPreference::Medium) {
    RouterAdvertisement r;
    r.router = addr(router);
    r.router_lifetime = router_lifetime;
    r.preference = preference;
    return r;
}

inline PrefixInformation pio(std::string_view prefix, std::uint32_t valid, std::uint32_t preferred,
                             bool on_link = true, bool autonomous = true) {
    return PrefixInformation{pfx(prefix), on_link, autonomous, valid, preferred};
}

inline RouteInformation rio(std::string_view prefix, std::uint32_t lifetime,
                            RouterPreference preference = RouterPreference::Medium) {
    return RouteInformation{pfx(prefix), preference, lifetime};
}

inline AddressUpdate host_address(std::string_view address, unsigned prefix_len = 64,
                                  std::uint32_t valid = infinite_lifetime,
                                  std::uint32_t preferred = infinite_lifetime,
                                  AddressFlags flags = {}) {
    return AddressUpdate{addr(address), prefix_len, flags, valid, preferred};
}

}  // namespace multi6d::test
