// Router Advertisement parser: ICMPv6 bytes in, a validated
// RouterAdvertisement (policy/router_advertisement.hpp) or a reason out.
//
// Pure code: no syscalls, no I/O, no allocation beyond the result. The RA
// listener owns the raw IPPROTO_ICMPV6 socket and hands over what it read.
//
// Contract:
// - `icmp6` starts at the ICMPv6 header, exactly as a raw IPPROTO_ICMPV6
//   socket delivers it (no IPv6 header).
// - The ICMPv6 checksum is NOT verified here: for raw ICMPv6 sockets the
//   kernel always checksums (RFC 3542 §3.1) and Linux drops a packet whose
//   checksum fails in rawv6_recvmsg(), so RFC 4861 §6.1.2 check 3 is done by
//   the time the bytes reach this function.
// - `source` is the IPv6 source address (from recvmsg's msg_name), and
//   `hop_limit` the IPv6 Hop Limit from the IPV6_HOPLIMIT ancillary data
//   (IPV6_RECVHOPLIMIT); pass -1 when it was missing, which is rejected.
//
// RA-level invalidity (RFC 4861 §6.1.2, §4.6) rejects the whole message:
// hop limit ≠ 255, source not link-local, type ≠ 134, code ≠ 0, ICMP length
// < 16, an option with Length 0, an option running past the end of the
// message. Everything else is accepted; an option that is wrong on its own is
// dropped from the result and described by a ParseNote instead (see
// OptionIssue). Options multi6d does not use (unknown types, and known types
// that do not belong in an RA, e.g. TLLA) also get a note, kind
// OptionIssue::Unused, so a debug log shows everything that was skipped.
//
// Lists in the result keep packet order; a consumer applying them in order
// gets RFC 4191 §3.1 / RFC 4861 §6.3.4 sequential-processing semantics (a
// later duplicate RIO wins). Prefixes have the bits past their length
// cleared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "address.hpp"
#include "router_advertisement.hpp"

namespace multi6d {

// Why a whole RA was discarded (RFC 4861 §6.1.2 unless stated).
enum class RaRejectReason {
    HopLimit,            // IPv6 Hop Limit ≠ 255
    SourceNotLinkLocal,  // IPv6 source outside fe80::/10
    NotAdvertisement,    // ICMPv6 type ≠ 134
    BadCode,             // ICMPv6 code ≠ 0
    TooShort,            // ICMPv6 length < 16
    ZeroLengthOption,    // an option with Length 0 (§4.6)
    TruncatedOption,     // an option (or option header) runs past the end
};

std::string_view to_string(RaRejectReason reason);

struct RaRejection {
    RaRejectReason reason;
    std::string text;  // e.g. "hop limit 64, not 255 (RFC 4861 §6.1.2)"
};

// Why one option (or one header field) was ignored while the RA was kept.
enum class OptionIssue {
    HeaderReservedPreference,  // header Prf 10, read as Medium (RFC 4191 §2.2)
    PioBadLength,              // PIO Length ≠ 4 (RFC 4861 §4.6.2)
    PioPrefixTooLong,          // PIO Prefix Length > 128
    PioLinkLocal,              // PIO inside fe80::/10 (RFC 4861 §6.3.4, RFC 4862 §5.5.3b)
    PioPreferredAboveValid,    // preferred > valid lifetime (RFC 4862 §5.5.3c)
    RioBadLength,              // RIO Length > 3 (RFC 4191 §2.3)
    RioPrefixTooLong,          // RIO Prefix Length > 128 (RFC 4191 §3.1)
    RioLengthMismatch,         // Length too small for Prefix Length (RFC 4191 §2.3)
    RioReservedPreference,     // RIO Prf 10 (RFC 4191 §2.3)
    RdnssBadLength,            // RDNSS Length < 3 or even (RFC 8106 §5.1)
    MtuBadLength,              // MTU Length ≠ 1 (RFC 4861 §4.6.4)
    MtuTooSmall,               // MTU < 1280 (RFC 4861 §6.3.4, RFC 8200 §5)
    DuplicateOption,           // a second SLLA or MTU; the first is kept (as Linux)
    Unused,                    // option type multi6d does not use in an RA
};

std::string_view to_string(OptionIssue issue);

struct ParseNote {
    OptionIssue issue;
    std::size_t offset;  // byte offset of the option (or field) in `icmp6`
    std::string text;    // one line for a debug log
};

struct ParsedAdvertisement {
    RouterAdvertisement ra;
    std::vector<ParseNote> notes;
};

// Either a ParsedAdvertisement or an RaRejection. (std::expected is C++23.)
class ParseResult {
  public:
    ParseResult(ParsedAdvertisement parsed) : value_(std::move(parsed)) {}  // NOLINT: implicit
    ParseResult(RaRejection rejection) : value_(std::move(rejection)) {}    // NOLINT: implicit

    bool accepted() const { return std::holds_alternative<ParsedAdvertisement>(value_); }
    explicit operator bool() const { return accepted(); }

    // Precondition: accepted().
    const ParsedAdvertisement& advertisement() const {
        return std::get<ParsedAdvertisement>(value_);
    }
    // Precondition: !accepted().
    const RaRejection& rejection() const { return std::get<RaRejection>(value_); }

  private:
    std::variant<ParsedAdvertisement, RaRejection> value_;
};

ParseResult parse_router_advertisement(std::span<const std::uint8_t> icmp6, const Address& source,
                                       int hop_limit);

}  // namespace multi6d
