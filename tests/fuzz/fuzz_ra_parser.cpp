// libFuzzer target for the RA parser, the daemon's entry point for bytes from
// the network. Input layout: fuzz_input.hpp. Besides crashes and sanitizer
// reports it checks the parser's contract (ra_parser.hpp) on every accepted
// RA: nothing invalid may reach the host model.
#include <cstdio>
#include <cstdlib>
#include <span>

#include "fuzz_input.hpp"
#include "ra_parser.hpp"

namespace {

using namespace multi6d;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "RA parser contract violated: %s\n", what);
        std::abort();
    }
}

Address make_address(std::uint8_t b0, std::uint8_t b1, std::uint8_t b2, std::uint8_t b3) {
    Address::Bytes bytes{b0, b1, b2, b3};
    bytes[15] = 1;
    return Address(bytes);
}

void check_accepted(const ParsedAdvertisement& parsed, std::span<const std::uint8_t> icmp6,
                    int hop_limit) {
    const RouterAdvertisement& ra = parsed.ra;
    check(hop_limit == 255, "accepted with hop limit != 255");
    check(ra.router.is_link_local(), "accepted from a non-link-local source");
    check(icmp6.size() >= 16 && icmp6[0] == 134 && icmp6[1] == 0, "accepted a bad header");
    check(ra.router_lifetime != 0 || ra.preference == RouterPreference::Medium,
          "preference set although router lifetime is 0");
    const Prefix link_local(make_address(0xfe, 0x80, 0, 0), 10);
    for (const auto& pio : ra.prefixes) {
        check(pio.prefix.length() <= 128, "PIO prefix length > 128");
        check(pio.preferred_lifetime <= pio.valid_lifetime, "PIO preferred > valid");
        check(!link_local.contains(pio.prefix), "link-local PIO accepted");
        check(Prefix(pio.prefix.address(), pio.prefix.length()) == pio.prefix,
              "PIO bits past the prefix length are set");
    }
    for (const auto& rio : ra.routes) {
        check(rio.prefix.length() <= 128, "RIO prefix length > 128");
    }
    for (const auto& dns : ra.dns_servers) {
        check(!dns.servers.empty(), "RDNSS without servers");
    }
    check(!ra.mtu || *ra.mtu >= 1280, "MTU below 1280");
    check(!ra.source_link_layer || !ra.source_link_layer->empty(), "empty SLLA");
    for (const auto& note : parsed.notes) {
        check(note.offset < icmp6.size(), "note offset past the message");
        check(!note.text.empty(), "note without text");
        check(to_string(note.issue) != "?", "note with an invalid issue");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < fuzz::ra_input_prefix) {
        return 0;
    }
    const int hop_limit = data[0];
    const Address source = (data[1] & fuzz::ra_source_global) != 0
                               ? make_address(0x20, 0x01, 0x0d, 0xb8)
                               : make_address(0xfe, 0x80, 0, 0);
    const std::span<const std::uint8_t> icmp6(data + fuzz::ra_input_prefix,
                                              size - fuzz::ra_input_prefix);
    const ParseResult result = parse_router_advertisement(icmp6, source, hop_limit);
    if (result) {
        check(result.advertisement().ra.router == source, "router is not the source");
        check_accepted(result.advertisement(), icmp6, hop_limit);
    } else {
        check(!result.rejection().text.empty(), "rejection without text");
        check(to_string(result.rejection().reason) != "?", "rejection with an invalid reason");
    }
    return 0;
}
