// The named RA corpus: valid and malformed Router Advertisements with the
// outcome the parser must produce. One list, used three ways:
//   - tests/unit/test_ra_cases.cpp checks every case against the parser;
//   - tests/fuzz/make_ra_corpus.cpp writes them as the fuzz seed corpus;
//   - tests/tools/m6-send-ra sends them (`--case NAME`, `--case list`).
// Header-only. Addresses are documentation/ULA space only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ra_builder.hpp"
#include "ra_parser.hpp"

namespace multi6d::test {

struct RaCase {
    std::string name{};
    std::string description{};
    std::vector<std::uint8_t> packet{};   // ICMPv6 message, checksum 0
    int hop_limit = 255;                  // IPv6 Hop Limit to send/parse with
    std::optional<std::string> source{};  // fixed IPv6 source; nullopt = any link-local
    // Expected parser outcome: a rejection, or acceptance with these notes.
    std::optional<RaRejectReason> rejected{};
    std::vector<OptionIssue> notes{};
};

// A full, valid RA: every option kind, several PIO/RIO/RDNSS, infinite
// lifetimes and each RIO Length form.
inline RaBuilder full_ra() {
    RaBuilder b;
    b.cur_hop_limit(64).managed(true).other(true).preference(prf_high).router_lifetime(9000);
    b.reachable_time(30000).retrans_timer(1000);
    b.slla({0x02, 0x00, 0x5e, 0x00, 0x53, 0x01});
    b.mtu(1500);
    b.pio({.prefix = "2001:db8:1::", .valid = infinite_lifetime, .preferred = infinite_lifetime});
    b.pio({.prefix = "fd00:1::", .autonomous = false, .valid = 7200, .preferred = 0});
    b.rio({.prefix = "::", .prefix_length = 0, .preference = prf_low, .lifetime = 600});
    b.rio({.prefix = "2001:db8:200::", .prefix_length = 40, .preference = prf_high});
    b.rio({.prefix = "2001:db8:300::1:0", .prefix_length = 112, .lifetime = infinite_lifetime});
    b.rdnss({.servers = {"2001:db8::53"}, .lifetime = infinite_lifetime});
    b.rdnss({.servers = {"fd00::53", "fd00::54"}, .lifetime = 300});
    return b;
}

inline std::vector<RaCase> ra_cases() {
    using R = RaRejectReason;
    using I = OptionIssue;
    const auto minimal = [] { return RaBuilder().pio({}); };
    return {
        // Valid.
        {.name = "valid-full",
         .description = "every option kind, infinite lifetimes, RIO Length 1/2/3",
         .packet = full_ra().build()},
        {.name = "valid-minimal",
         .description = "header only, no options",
         .packet = RaBuilder().build()},
        {.name = "valid-one-pio",
         .description = "one PIO 2001:db8:1::/64",
         .packet = minimal().build()},
        {.name = "valid-not-default-router",
         .description = "router lifetime 0 with Prf high (Prf ignored)",
         .packet = RaBuilder().router_lifetime(0).preference(prf_high).pio({}).build()},
        {.name = "valid-unused-options",
         .description = "DNSSL and PvD options, skipped with a note",
         .packet = minimal().option(31, 2, {}).option(21, 3, {}).build(),
         .notes = {I::Unused, I::Unused}},
        {.name = "valid-pio-no-flags",
         .description = "PIO with L=0 A=0 (kept, RFC 8028 §2.1)",
         .packet = RaBuilder().pio({.on_link = false, .autonomous = false}).build()},

        // Rejected as a whole (RFC 4861 §6.1.2, §4.6).
        {.name = "hop-limit-64",
         .description = "valid RA sent with hop limit 64",
         .packet = minimal().build(),
         .hop_limit = 64,
         .rejected = R::HopLimit},
        {.name = "source-global",
         .description = "valid RA from global source 2001:db8::99",
         .packet = minimal().build(),
         .source = "2001:db8::99",
         .rejected = R::SourceNotLinkLocal},
        {.name = "type-133",
         .description = "ICMPv6 type 133 (Router Solicitation) fed to the RA parser",
         .packet = RaBuilder().type(133).build(),
         .rejected = R::NotAdvertisement},
        {.name = "code-1",
         .description = "ICMPv6 code 1",
         .packet = minimal().code(1).build(),
         .rejected = R::BadCode},
        {.name = "short-header",
         .description = "8-octet RA (< 16)",
         .packet = RaBuilder().truncate(8).build(),
         .rejected = R::TooShort},
        {.name = "zero-length-option",
         .description = "PIO, then an option with Length 0",
         .packet = minimal().option(1, 0, {}).append({0, 0, 0, 0, 0, 0}).build(),
         .rejected = R::ZeroLengthOption},
        {.name = "pio-truncated",
         .description = "packet ends 12 octets into a PIO",
         .packet = RaBuilder().mtu(1500).pio({}).truncate(16 + 8 + 12).build(),
         .rejected = R::TruncatedOption},
        {.name = "rio-truncated",
         .description = "packet ends 16 octets into a Length 3 RIO",
         .packet = RaBuilder().rio({.prefix_length = 96}).truncate(16 + 16).build(),
         .rejected = R::TruncatedOption},
        {.name = "option-past-end",
         .description = "MTU option claiming Length 3 with 8 octets left",
         .packet = minimal().mtu(1500, 3).truncate(16 + 32 + 8).build(),
         .rejected = R::TruncatedOption},
        {.name = "option-header-cut",
         .description = "one stray octet after the last option",
         .packet = minimal().append({1}).build(),
         .rejected = R::TruncatedOption},

        // Accepted, with one option (or the header Prf) ignored.
        {.name = "header-prf-reserved",
         .description = "header Prf 10 (read as medium)",
         .packet = minimal().preference(prf_reserved).build(),
         .notes = {I::HeaderReservedPreference}},
        {.name = "pio-preferred-above-valid",
         .description = "second PIO with preferred 7200 > valid 3600",
         .packet =
             minimal().pio({.prefix = "2001:db8:2::", .valid = 3600, .preferred = 7200}).build(),
         .notes = {I::PioPreferredAboveValid}},
        {.name = "pio-link-local",
         .description = "second PIO for fe80::/64",
         .packet = minimal().pio({.prefix = "fe80::"}).build(),
         .notes = {I::PioLinkLocal}},
        {.name = "pio-bad-length",
         .description = "second PIO with Length 3",
         .packet = minimal().pio({.prefix = "2001:db8:2::", .units = 3}).build(),
         .notes = {I::PioBadLength}},
        {.name = "pio-prefix-length-129",
         .description = "second PIO with Prefix Length 129",
         .packet = minimal().pio({.prefix = "2001:db8:2::", .prefix_length = 129}).build(),
         .notes = {I::PioPrefixTooLong}},
        {.name = "rio-length-mismatch",
         .description = "RIO /64 with Length 1 (needs 2)",
         .packet = minimal().rio({.prefix_length = 64, .units = 1}).build(),
         .notes = {I::RioLengthMismatch}},
        {.name = "rio-length-mismatch-long",
         .description = "RIO /96 with Length 2 (needs 3)",
         .packet = minimal().rio({.prefix_length = 96, .units = 2}).build(),
         .notes = {I::RioLengthMismatch}},
        {.name = "rio-length-4",
         .description = "RIO with Length 4",
         .packet = minimal().rio({.units = 4}).build(),
         .notes = {I::RioBadLength}},
        {.name = "rio-prf-reserved",
         .description = "RIO with Prf 10",
         .packet = minimal().rio({.preference = prf_reserved}).build(),
         .notes = {I::RioReservedPreference}},
        {.name = "rio-prefix-length-129",
         .description = "RIO with Prefix Length 129",
         .packet = minimal().rio({.prefix_length = 129}).build(),
         .notes = {I::RioPrefixTooLong}},
        {.name = "rdnss-even-length",
         .description = "RDNSS with Length 4",
         .packet = minimal().rdnss({.units = 4}).build(),
         .notes = {I::RdnssBadLength}},
        {.name = "rdnss-no-servers",
         .description = "RDNSS with Length 1 (no address)",
         .packet = minimal().rdnss({.servers = {}}).build(),
         .notes = {I::RdnssBadLength}},
        {.name = "mtu-bad-length",
         .description = "MTU option with Length 2",
         .packet = minimal().mtu(1500, 2).build(),
         .notes = {I::MtuBadLength}},
        {.name = "mtu-too-small",
         .description = "MTU 1000 (< 1280)",
         .packet = minimal().mtu(1000).build(),
         .notes = {I::MtuTooSmall}},
    };
}

}  // namespace multi6d::test
