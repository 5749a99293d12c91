#include "router_solicitation.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace multi6d {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(RouterSolicitation, WithoutLinkLayerAddressIsEightOctets) {
    EXPECT_EQ(build_router_solicitation(std::nullopt), (Bytes{133, 0, 0, 0, 0, 0, 0, 0}));
    // RFC 4861 §4.1: an empty address has nothing to carry.
    const Bytes empty;
    EXPECT_EQ(build_router_solicitation(std::span<const std::uint8_t>(empty)).size(), 8U);
}

TEST(RouterSolicitation, EthernetSllaFillsOneUnit) {
    const Bytes mac{0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};
    EXPECT_EQ(build_router_solicitation(std::span<const std::uint8_t>(mac)),
              (Bytes{133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01}));
}

TEST(RouterSolicitation, LongerAddressIsZeroPadded) {
    const Bytes eui64{1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(build_router_solicitation(std::span<const std::uint8_t>(eui64)),
              (Bytes{133, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0}));
    const Bytes one{0xaa};
    EXPECT_EQ(build_router_solicitation(std::span<const std::uint8_t>(one)),
              (Bytes{133, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0xaa, 0, 0, 0, 0, 0}));
}

TEST(RouterSolicitation, AddressTooLongForAnOptionThrows) {
    const Bytes largest(255 * 8 - 2, 0x11);
    const auto rs = build_router_solicitation(std::span<const std::uint8_t>(largest));
    EXPECT_EQ(rs.size(), 8U + 255U * 8U);
    EXPECT_EQ(rs[9], 255);
    const Bytes too_long(255 * 8 - 1, 0x11);
    EXPECT_THROW(build_router_solicitation(std::span<const std::uint8_t>(too_long)),
                 std::length_error);
}

}  // namespace
}  // namespace multi6d
