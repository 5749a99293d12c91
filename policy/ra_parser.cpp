#include "ra_parser.hpp"

#include <algorithm>
#include <utility>

namespace multi6d {

namespace {

constexpr std::uint8_t icmp6_router_advertisement = 134;
constexpr std::size_t ra_header_length = 16;      // RFC 4861 §4.2
constexpr int required_hop_limit = 255;           // RFC 4861 §6.1.2
constexpr std::uint32_t ipv6_minimum_mtu = 1280;  // RFC 8200 §5

// Option types (RFC 4861 §4.6, RFC 4191 §2.3, RFC 8106 §5.1).
constexpr std::uint8_t opt_source_link_layer = 1;
constexpr std::uint8_t opt_prefix_information = 3;
constexpr std::uint8_t opt_mtu = 5;
constexpr std::uint8_t opt_route_information = 24;
constexpr std::uint8_t opt_rdnss = 25;

using Bytes = std::span<const std::uint8_t>;

std::uint16_t load16(Bytes b, std::size_t off) {
    return static_cast<std::uint16_t>((b[off] << 8) | b[off + 1]);
}

std::uint32_t load32(Bytes b, std::size_t off) {
    return (std::uint32_t{b[off]} << 24) | (std::uint32_t{b[off + 1]} << 16) |
           (std::uint32_t{b[off + 2]} << 8) | std::uint32_t{b[off + 3]};
}

// `count` bytes at `off` become the leading bytes of an address (the RIO
// carries 0, 8 or 16 prefix bytes; the rest are zero).
Address load_address(Bytes b, std::size_t off, std::size_t count = 16) {
    Address::Bytes bytes{};
    std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(off), count, bytes.begin());
    return Address(bytes);
}

std::string lifetime_text(std::uint32_t seconds) {
    return seconds == infinite_lifetime ? std::string("infinite") : std::to_string(seconds);
}

// RFC 4191 §2.1 encoding; the reserved value 10 is the caller's business.
RouterPreference decode_preference(unsigned bits) {
    switch (bits) {
        case 1:
            return RouterPreference::High;
        case 3:
            return RouterPreference::Low;
        default:
            return RouterPreference::Medium;
    }
}

constexpr unsigned reserved_preference = 2;

// fe80::/10. A PIO inside it is ignored; a shorter PIO that merely covers it
// (e.g. fe00::/7) is not "the link-local prefix" and is kept.
const Prefix& link_local_prefix() {
    static const Prefix prefix(Address(Address::Bytes{0xfe, 0x80}), 10);
    return prefix;
}

std::string_view option_name(std::uint8_t type) {
    switch (type) {
        case 2:
            return "Target Link-Layer Address";
        case 4:
            return "Redirected Header";
        case 7:
            return "Advertisement Interval";
        case 8:
            return "Home Agent Information";
        case 14:
            return "Nonce";
        case 21:
            return "PvD ID";
        case 31:
            return "DNSSL";
        case 37:
            return "Captive Portal";
        case 38:
            return "PREF64";
        default:
            return "unknown";
    }
}

RaRejection reject(RaRejectReason reason, std::string text) {
    return {reason, std::move(text)};
}

class OptionReader {
  public:
    explicit OptionReader(ParsedAdvertisement& out) : out_(out) {}

    void read(std::uint8_t type, Bytes opt, std::size_t offset) {
        switch (type) {
            case opt_source_link_layer:
                source_link_layer(opt, offset);
                break;
            case opt_prefix_information:
                prefix_information(opt, offset);
                break;
            case opt_mtu:
                mtu(opt, offset);
                break;
            case opt_route_information:
                route_information(opt, offset);
                break;
            case opt_rdnss:
                rdnss(opt, offset);
                break;
            default:
                note(OptionIssue::Unused, offset,
                     "option type " + std::to_string(type) + " (" + std::string(option_name(type)) +
                         ", " + std::to_string(opt.size()) + " octets) not used in an RA, skipped");
        }
    }

  private:
    void note(OptionIssue issue, std::size_t offset, std::string text) {
        out_.notes.push_back({issue, offset, "offset " + std::to_string(offset) + ": " + text});
    }

    // RFC 4861 §4.6.1: the body is the link-layer address, padded to 8 octets.
    void source_link_layer(Bytes opt, std::size_t offset) {
        if (out_.ra.source_link_layer) {
            note(OptionIssue::DuplicateOption, offset,
                 "second Source Link-Layer Address option ignored, the first is kept");
            return;
        }
        out_.ra.source_link_layer.emplace(opt.begin() + 2, opt.end());
    }

    // RFC 4861 §4.6.4: Length 1, 2 reserved octets, 32-bit MTU.
    void mtu(Bytes opt, std::size_t offset) {
        if (opt.size() != 8) {
            note(OptionIssue::MtuBadLength, offset,
                 "MTU option Length " + std::to_string(opt.size() / 8) +
                     ", not 1 (RFC 4861 §4.6.4), ignored");
            return;
        }
        const std::uint32_t value = load32(opt, 4);
        if (value < ipv6_minimum_mtu) {
            note(OptionIssue::MtuTooSmall, offset,
                 "MTU " + std::to_string(value) +
                     " below the IPv6 minimum 1280 (RFC 4861 §6.3.4, RFC 8200 §5), ignored");
            return;
        }
        if (out_.ra.mtu) {
            note(OptionIssue::DuplicateOption, offset,
                 "second MTU option ignored, the first is kept");
            return;
        }
        out_.ra.mtu = value;
    }

    // RFC 4861 §4.6.2 layout; host processing RFC 4861 §6.3.4, RFC 4862 §5.5.3.
    void prefix_information(Bytes opt, std::size_t offset) {
        if (opt.size() != 32) {
            note(OptionIssue::PioBadLength, offset,
                 "Prefix Information Length " + std::to_string(opt.size() / 8) +
                     ", not 4 (RFC 4861 §4.6.2), ignored");
            return;
        }
        const unsigned length = opt[2];
        if (length > 128) {
            note(OptionIssue::PioPrefixTooLong, offset,
                 "Prefix Information Prefix Length " + std::to_string(length) + " > 128, ignored");
            return;
        }
        PrefixInformation pio;
        pio.prefix = Prefix(load_address(opt, 16), length);
        pio.on_link = (opt[3] & 0x80U) != 0;
        pio.autonomous = (opt[3] & 0x40U) != 0;
        pio.valid_lifetime = load32(opt, 4);
        pio.preferred_lifetime = load32(opt, 8);
        if (link_local_prefix().contains(pio.prefix)) {
            note(OptionIssue::PioLinkLocal, offset,
                 "Prefix Information for link-local " + pio.prefix.to_string() +
                     " ignored (RFC 4861 §6.3.4, RFC 4862 §5.5.3b)");
            return;
        }
        if (pio.preferred_lifetime > pio.valid_lifetime) {
            note(OptionIssue::PioPreferredAboveValid, offset,
                 "Prefix Information " + pio.prefix.to_string() + ": preferred lifetime " +
                     lifetime_text(pio.preferred_lifetime) + " > valid lifetime " +
                     lifetime_text(pio.valid_lifetime) + ", ignored (RFC 4862 §5.5.3c)");
            return;
        }
        out_.ra.prefixes.push_back(pio);
    }

    // RFC 4191 §2.3 layout and length rules; §3.1 says to ignore a RIO that
    // breaks them.
    void route_information(Bytes opt, std::size_t offset) {
        const std::size_t units = opt.size() / 8;
        if (units > 3) {
            note(OptionIssue::RioBadLength, offset,
                 "Route Information Length " + std::to_string(units) +
                     " > 3 (RFC 4191 §2.3), ignored");
            return;
        }
        const unsigned length = opt[2];
        if (length > 128) {
            note(OptionIssue::RioPrefixTooLong, offset,
                 "Route Information Prefix Length " + std::to_string(length) +
                     " > 128 (RFC 4191 §3.1), ignored");
            return;
        }
        const std::size_t needed = length > 64 ? 3 : length > 0 ? 2 : 1;
        if (units < needed) {
            note(OptionIssue::RioLengthMismatch, offset,
                 "Route Information Length " + std::to_string(units) + " too small for Prefix " +
                     "Length " + std::to_string(length) + " (needs " + std::to_string(needed) +
                     ", RFC 4191 §2.3), ignored");
            return;
        }
        const Prefix prefix(load_address(opt, 8, opt.size() - 8), length);
        const unsigned prf = (opt[3] >> 3) & 3U;
        if (prf == reserved_preference) {
            note(OptionIssue::RioReservedPreference, offset,
                 "Route Information " + prefix.to_string() +
                     " with reserved preference 10 ignored (RFC 4191 §2.3)");
            return;
        }
        out_.ra.routes.push_back({prefix, decode_preference(prf), load32(opt, 4)});
    }

    // RFC 8106 §5.1: Length 1 + 2 per address, at least one address.
    void rdnss(Bytes opt, std::size_t offset) {
        const std::size_t units = opt.size() / 8;
        if (units < 3 || units % 2 == 0) {
            note(OptionIssue::RdnssBadLength, offset,
                 "RDNSS Length " + std::to_string(units) +
                     " is not an odd number >= 3 (RFC 8106 §5.1), ignored");
            return;
        }
        RecursiveDnsServers servers;
        servers.lifetime = load32(opt, 4);
        for (std::size_t off = 8; off < opt.size(); off += 16) {
            servers.servers.push_back(load_address(opt, off));
        }
        out_.ra.dns_servers.push_back(std::move(servers));
    }

    ParsedAdvertisement& out_;
};

}  // namespace

std::string_view to_string(RaRejectReason reason) {
    switch (reason) {
        case RaRejectReason::HopLimit:
            return "hop-limit";
        case RaRejectReason::SourceNotLinkLocal:
            return "source-not-link-local";
        case RaRejectReason::NotAdvertisement:
            return "not-advertisement";
        case RaRejectReason::BadCode:
            return "bad-code";
        case RaRejectReason::TooShort:
            return "too-short";
        case RaRejectReason::ZeroLengthOption:
            return "zero-length-option";
        case RaRejectReason::TruncatedOption:
            return "truncated-option";
    }
    return "?";
}

std::string_view to_string(OptionIssue issue) {
    switch (issue) {
        case OptionIssue::HeaderReservedPreference:
            return "header-reserved-preference";
        case OptionIssue::PioBadLength:
            return "pio-bad-length";
        case OptionIssue::PioPrefixTooLong:
            return "pio-prefix-too-long";
        case OptionIssue::PioLinkLocal:
            return "pio-link-local";
        case OptionIssue::PioPreferredAboveValid:
            return "pio-preferred-above-valid";
        case OptionIssue::RioBadLength:
            return "rio-bad-length";
        case OptionIssue::RioPrefixTooLong:
            return "rio-prefix-too-long";
        case OptionIssue::RioLengthMismatch:
            return "rio-length-mismatch";
        case OptionIssue::RioReservedPreference:
            return "rio-reserved-preference";
        case OptionIssue::RdnssBadLength:
            return "rdnss-bad-length";
        case OptionIssue::MtuBadLength:
            return "mtu-bad-length";
        case OptionIssue::MtuTooSmall:
            return "mtu-too-small";
        case OptionIssue::DuplicateOption:
            return "duplicate-option";
        case OptionIssue::Unused:
            return "unused";
    }
    return "?";
}

ParseResult parse_router_advertisement(std::span<const std::uint8_t> icmp6, const Address& source,
                                       int hop_limit) {
    // RFC 4861 §6.1.2, in the order of its list where the bytes allow.
    if (hop_limit != required_hop_limit) {
        return reject(RaRejectReason::HopLimit,
                      (hop_limit < 0 ? std::string("hop limit unknown")
                                     : "hop limit " + std::to_string(hop_limit)) +
                          ", not 255 (RFC 4861 §6.1.2)");
    }
    if (!source.is_link_local()) {
        return reject(RaRejectReason::SourceNotLinkLocal,
                      "source " + source.to_string() + " is not link-local (RFC 4861 §6.1.2)");
    }
    if (!icmp6.empty() && icmp6[0] != icmp6_router_advertisement) {
        return reject(RaRejectReason::NotAdvertisement,
                      "ICMPv6 type " + std::to_string(icmp6[0]) + ", not 134");
    }
    if (icmp6.size() < ra_header_length) {
        return reject(RaRejectReason::TooShort, "ICMPv6 length " + std::to_string(icmp6.size()) +
                                                    " < 16 octets (RFC 4861 §6.1.2)");
    }
    if (icmp6[1] != 0) {
        return reject(RaRejectReason::BadCode,
                      "ICMPv6 code " + std::to_string(icmp6[1]) + ", not 0 (RFC 4861 §6.1.2)");
    }

    ParsedAdvertisement out;
    RouterAdvertisement& ra = out.ra;
    ra.router = source;
    ra.cur_hop_limit = icmp6[4];
    ra.managed = (icmp6[5] & 0x80U) != 0;
    ra.other = (icmp6[5] & 0x40U) != 0;
    ra.router_lifetime = load16(icmp6, 6);
    ra.reachable_time_ms = load32(icmp6, 8);
    ra.retrans_timer_ms = load32(icmp6, 12);
    // RFC 4191 §2.2: a reserved Prf reads as Medium, and Prf means nothing
    // when the router is not a default router.
    const unsigned prf = (icmp6[5] >> 3) & 3U;
    if (ra.router_lifetime != 0) {
        ra.preference = decode_preference(prf);
        if (prf == reserved_preference) {
            out.notes.push_back({OptionIssue::HeaderReservedPreference, 5,
                                 "offset 5: reserved router preference 10 read as medium "
                                 "(RFC 4191 §2.2)"});
        }
    }

    OptionReader reader(out);
    std::size_t offset = ra_header_length;
    while (offset < icmp6.size()) {
        const std::size_t remaining = icmp6.size() - offset;
        if (remaining < 2) {
            return reject(RaRejectReason::TruncatedOption,
                          "1 octet at offset " + std::to_string(offset) +
                              " cannot hold an option header (RFC 4861 §6.1.2)");
        }
        const std::uint8_t type = icmp6[offset];
        const std::size_t length = std::size_t{icmp6[offset + 1]} * 8;
        if (length == 0) {
            return reject(RaRejectReason::ZeroLengthOption,
                          "option type " + std::to_string(type) + " at offset " +
                              std::to_string(offset) + " has Length 0 (RFC 4861 §4.6)");
        }
        if (length > remaining) {
            return reject(RaRejectReason::TruncatedOption,
                          "option type " + std::to_string(type) + " at offset " +
                              std::to_string(offset) + " needs " + std::to_string(length) +
                              " octets, only " + std::to_string(remaining) +
                              " remain (RFC 4861 §6.1.2)");
        }
        reader.read(type, icmp6.subspan(offset, length), offset);
        offset += length;
    }
    return out;
}

}  // namespace multi6d
