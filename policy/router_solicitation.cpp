#include "router_solicitation.hpp"

#include <stdexcept>
#include <string>

namespace multi6d {

namespace {
constexpr std::uint8_t icmp6_router_solicitation = 133;
constexpr std::uint8_t opt_source_link_layer = 1;
constexpr std::size_t max_option_octets = 255 * 8;  // Length is one octet of 8-octet units
}  // namespace

std::vector<std::uint8_t> build_router_solicitation(
    std::optional<std::span<const std::uint8_t>> source_link_layer) {
    // Type, code, checksum (kernel-filled), reserved.
    std::vector<std::uint8_t> message{icmp6_router_solicitation, 0, 0, 0, 0, 0, 0, 0};
    if (!source_link_layer || source_link_layer->empty()) {
        return message;
    }
    const std::size_t octets = (2 + source_link_layer->size() + 7) / 8 * 8;
    if (octets > max_option_octets) {
        throw std::length_error("link-layer address of " +
                                std::to_string(source_link_layer->size()) +
                                " octets does not fit an ND option");
    }
    message.push_back(opt_source_link_layer);
    message.push_back(static_cast<std::uint8_t>(octets / 8));
    message.insert(message.end(), source_link_layer->begin(), source_link_layer->end());
    message.resize(8 + octets, 0);  // RFC 4861 §4.6.1: pad with zeros
    return message;
}

}  // namespace multi6d
