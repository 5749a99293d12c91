// m6-send-ra: send one crafted Router Advertisement to ff02::1 out of an
// interface. A test tool for the integration tests, which run it inside a
// network namespace to send the malformed corpus (tests/unit/ra_cases.hpp)
// to the host under test. Needs root (CAP_NET_RAW); never installed.
//
// How the packet is made: a raw IPPROTO_ICMPV6 socket. The kernel writes the
// IPv6 header and always fills in a correct ICMPv6 checksum (RFC 3542 §3.1;
// Linux refuses IPV6_CHECKSUM changes on ICMPv6 sockets), so every packet
// sent carries a good checksum and a bad-checksum case cannot be sent this
// way. The hop limit comes from IPV6_MULTICAST_HOPS, the source address and
// outgoing interface from IPV6_PKTINFO; IPV6_FREEBIND lets the source be any
// address, assigned or not, so a namespace need not configure (or wait for
// DAD on) the router address it pretends to be.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "datagram.hpp"
#include "ra_builder.hpp"
#include "ra_cases.hpp"

namespace {

using namespace multi6d;
using namespace multi6d::test;

const char usage[] = R"(usage:
  m6-send-ra --case list
  m6-send-ra --iface IF --source ADDR --case NAME [--hop-limit N] [--count N] [--dump]
  m6-send-ra --iface IF --source ADDR [RA options] [--hop-limit N] [--count N] [--dump]

Sends a Router Advertisement to ff02::1 on IF from ADDR (normally a
link-local address; it need not be assigned). --case sends a named case of
the RA corpus; a case that fixes the hop limit or source overrides
--hop-limit/--source and says so. Without --case, a valid RA is built from:
  --lifetime S          router lifetime (default 1800)
  --prf P               high | medium | low | reserved (default medium)
  --managed, --other    M and O flags
  --cur-hop-limit N     Cur Hop Limit field (default 0)
  --reachable MS, --retrans MS
  --slla MAC            Source Link-Layer Address, e.g. 02:00:5e:00:53:01
  --mtu N
  --pio P/L[,VALID[,PREFERRED[,FLAGS]]]   FLAGS: L, A, LA or - (default LA,
                        lifetimes 86400,14400); repeatable
  --rio P/L[,LIFETIME[,PRF]]              repeatable (default 1800,medium)
  --rdnss A[+A...][,LIFETIME]             repeatable (default 600)
Other options:
  --hop-limit N         IPv6 hop limit (default 255)
  --count N             send N copies (default 1)
  --dump                print the ICMPv6 message in hex instead of sending
Checksums are always correct (the kernel computes them).
)";

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "m6-send-ra: %s\n", message.c_str());
    std::exit(2);
}

unsigned long number(std::string_view text, unsigned long max, const char* what) {
    unsigned long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value > max) {
        fail(std::string("bad ") + what + " '" + std::string(text) + "' (0.." +
             std::to_string(max) + ")");
    }
    return value;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto pos = text.find(sep, start);
        parts.push_back(text.substr(start, pos - start));
        if (pos == std::string_view::npos) {
            return parts;
        }
        start = pos + 1;
    }
}

unsigned preference(std::string_view text) {
    if (text == "high") {
        return prf_high;
    }
    if (text == "medium") {
        return prf_medium;
    }
    if (text == "low") {
        return prf_low;
    }
    if (text == "reserved") {
        return prf_reserved;
    }
    fail("bad preference '" + std::string(text) + "' (high, medium, low, reserved)");
}

Prefix ipv6_prefix(std::string_view text) {
    const auto p = Prefix::parse(text);
    if (!p || p->address().is_v4_mapped() || text.find('/') == std::string_view::npos) {
        fail("bad IPv6 prefix '" + std::string(text) + "' (want P/L)");
    }
    return *p;
}

Address ipv6_address(std::string_view text) {
    const auto a = Address::parse(text);
    if (!a || a->is_v4_mapped()) {
        fail("bad IPv6 address '" + std::string(text) + "'");
    }
    return *a;
}

PioSpec pio(std::string_view text) {
    const auto f = split(text, ',');
    const Prefix p = ipv6_prefix(f[0]);
    PioSpec spec{.prefix = p.address().to_string(),
                 .prefix_length = static_cast<std::uint8_t>(p.length())};
    if (f.size() > 1) {
        spec.valid = static_cast<std::uint32_t>(number(f[1], 0xffffffff, "valid lifetime"));
    }
    if (f.size() > 2) {
        spec.preferred = static_cast<std::uint32_t>(number(f[2], 0xffffffff, "preferred lifetime"));
    }
    if (f.size() > 3) {
        if (f[3] != "-" && f[3].find_first_not_of("LA") != std::string_view::npos) {
            fail("bad PIO flags '" + std::string(f[3]) + "' (L, A, LA or -)");
        }
        spec.on_link = f[3].find('L') != std::string_view::npos;
        spec.autonomous = f[3].find('A') != std::string_view::npos;
    }
    if (f.size() > 4) {
        fail("too many fields in --pio " + std::string(text));
    }
    return spec;
}

RioSpec rio(std::string_view text) {
    const auto f = split(text, ',');
    const Prefix p = ipv6_prefix(f[0]);
    RioSpec spec{.prefix = p.address().to_string(),
                 .prefix_length = static_cast<std::uint8_t>(p.length())};
    if (f.size() > 1) {
        spec.lifetime = static_cast<std::uint32_t>(number(f[1], 0xffffffff, "route lifetime"));
    }
    if (f.size() > 2) {
        spec.preference = preference(f[2]);
    }
    if (f.size() > 3) {
        fail("too many fields in --rio " + std::string(text));
    }
    return spec;
}

RdnssSpec rdnss(std::string_view text) {
    const auto f = split(text, ',');
    RdnssSpec spec{.servers = {}};
    for (const auto s : split(f[0], '+')) {
        spec.servers.push_back(ipv6_address(s).to_string());
    }
    if (f.size() > 1) {
        spec.lifetime = static_cast<std::uint32_t>(number(f[1], 0xffffffff, "RDNSS lifetime"));
    }
    if (f.size() > 2) {
        fail("too many fields in --rdnss " + std::string(text));
    }
    return spec;
}

std::vector<std::uint8_t> mac(std::string_view text) {
    std::vector<std::uint8_t> bytes;
    for (const auto part : split(text, ':')) {
        std::uint8_t b = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), b, 16);
        if (ec != std::errc{} || end != part.data() + part.size() || part.size() != 2) {
            fail("bad link-layer address '" + std::string(text) + "'");
        }
        bytes.push_back(b);
    }
    return bytes;
}

struct Options {
    std::string iface;
    std::optional<Address> source;
    std::optional<std::string> case_name;
    std::optional<int> hop_limit;
    unsigned long count = 1;
    bool dump = false;
    bool custom = false;  // any RA-content option given
    RaBuilder ra;
};

Options parse_options(int argc, char** argv) {
    Options o;
    o.ra.router_lifetime(1800);
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) {
                fail(std::string(arg) + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (arg == "--iface") {
            o.iface = value();
        } else if (arg == "--source") {
            o.source = ipv6_address(value());
        } else if (arg == "--case") {
            o.case_name = value();
        } else if (arg == "--hop-limit") {
            o.hop_limit = static_cast<int>(number(value(), 255, "hop limit"));
        } else if (arg == "--count") {
            o.count = number(value(), 1000, "count");
        } else if (arg == "--dump") {
            o.dump = true;
        } else {
            o.custom = true;
            if (arg == "--lifetime") {
                o.ra.router_lifetime(
                    static_cast<std::uint16_t>(number(value(), 65535, "lifetime")));
            } else if (arg == "--prf") {
                o.ra.preference(preference(value()));
            } else if (arg == "--managed") {
                o.ra.managed(true);
            } else if (arg == "--other") {
                o.ra.other(true);
            } else if (arg == "--cur-hop-limit") {
                o.ra.cur_hop_limit(static_cast<std::uint8_t>(number(value(), 255, "hop limit")));
            } else if (arg == "--reachable") {
                o.ra.reachable_time(static_cast<std::uint32_t>(number(value(), 0xffffffff, "ms")));
            } else if (arg == "--retrans") {
                o.ra.retrans_timer(static_cast<std::uint32_t>(number(value(), 0xffffffff, "ms")));
            } else if (arg == "--slla") {
                o.ra.slla(mac(value()));
            } else if (arg == "--mtu") {
                o.ra.mtu(static_cast<std::uint32_t>(number(value(), 0xffffffff, "MTU")));
            } else if (arg == "--pio") {
                o.ra.pio(pio(value()));
            } else if (arg == "--rio") {
                o.ra.rio(rio(value()));
            } else if (arg == "--rdnss") {
                o.ra.rdnss(rdnss(value()));
            } else {
                fail("unknown option " + std::string(arg) + " (see --help)");
            }
        }
    }
    return o;
}

void list_cases() {
    for (const auto& c : ra_cases()) {
        const std::string outcome = c.rejected ? "rejected:" + std::string(to_string(*c.rejected))
                                    : c.notes.empty()
                                        ? std::string("accepted")
                                        : "accepted:" + std::string(to_string(c.notes[0]));
        std::printf("%-28s %-40s %s\n", c.name.c_str(), outcome.c_str(), c.description.c_str());
    }
}

void send_packets(const Options& o, const std::vector<std::uint8_t>& packet, const Address& source,
                  int hop_limit) {
    const unsigned ifindex = if_nametoindex(o.iface.c_str());
    if (ifindex == 0) {
        fail("no interface '" + o.iface + "'");
    }
    const int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (fd < 0) {
        fail(std::string("raw ICMPv6 socket: ") + std::strerror(errno) +
             (errno == EPERM ? " (needs root / CAP_NET_RAW)" : ""));
    }
    const int one = 1;
    const int zero = 0;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hop_limit, sizeof hop_limit) != 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) != 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof zero) != 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one) != 0) {
        fail(std::string("setsockopt: ") + std::strerror(errno));
    }

    sockaddr_in6 to{};
    to.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
    to.sin6_scope_id = ifindex;

    in6_pktinfo info{};
    std::memcpy(&info.ipi6_addr, source.bytes().data(), 16);
    info.ipi6_ifindex = ifindex;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof info)] = {};
    iovec iov{const_cast<std::uint8_t*>(packet.data()), packet.size()};
    msghdr msg = datagram_header(to, iov, control);
    set_packet_info(msg, info);

    for (unsigned long n = 0; n < o.count; ++n) {
        const ssize_t sent = sendmsg(fd, &msg, 0);
        if (sent != static_cast<ssize_t>(packet.size())) {
            fail(std::string("sendmsg: ") + (sent < 0 ? std::strerror(errno) : "short write"));
        }
    }
    close(fd);
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse_options(argc, argv);
    if (o.case_name == "list") {
        list_cases();
        return 0;
    }

    std::vector<std::uint8_t> packet;
    std::optional<Address> source = o.source;
    int hop_limit = o.hop_limit.value_or(255);
    std::string what = "custom RA";
    if (o.case_name) {
        if (o.custom) {
            fail("--case cannot be combined with RA content options");
        }
        const auto cases = ra_cases();
        const auto it = std::find_if(cases.begin(), cases.end(),
                                     [&](const RaCase& c) { return c.name == *o.case_name; });
        if (it == cases.end()) {
            fail("no case '" + *o.case_name + "' (see --case list)");
        }
        packet = it->packet;
        what = "case " + it->name;
        if (it->hop_limit != 255) {
            hop_limit = it->hop_limit;
            std::printf("hop limit %d set by the case\n", hop_limit);
        }
        if (it->source) {
            source = ipv6_address(*it->source);
            std::printf("source %s set by the case\n", it->source->c_str());
        }
    } else {
        packet = o.ra.build();
    }

    if (o.dump) {
        for (std::size_t i = 0; i < packet.size(); ++i) {
            std::printf("%02x%s", packet[i], i % 16 == 15 || i + 1 == packet.size() ? "\n" : " ");
        }
        return 0;
    }
    if (o.iface.empty() || !source) {
        fail("--iface and --source are required to send (see --help)");
    }
    send_packets(o, packet, *source, hop_limit);
    std::printf("sent %s (%zu octets) x%lu on %s from %s to ff02::1, hop limit %d\n", what.c_str(),
                packet.size(), o.count, o.iface.c_str(), source->to_string().c_str(), hop_limit);
    return 0;
}
