#include "wire.hpp"

#include "path_quality.hpp"

#include <algorithm>
#include <cstdint>

#include "names.hpp"
#include "sdbus_compat.hpp"

namespace multi6d::dbus {

namespace {

// Caps the cache when paths churn (e.g. routers coming and going): start
// over rather than grow.
constexpr std::size_t max_cached_paths = 256;

// The details of a path in ListPaths and PathStateChanged (see the XML).
Details common_details(const PathReport& path) {
    Details d;
    d.emplace("path", sdbus::Variant(path.id));
    d.emplace("uplink", sdbus::Variant(path.uplink));
    d.emplace("prefix", sdbus::Variant(path.key.prefix.to_string()));
    d.emplace("router", sdbus::Variant(path.key.router.to_string()));
    d.emplace("state", sdbus::Variant(std::string(health_name(path.metrics.state))));
    if (!path.state_reason.empty()) {
        d.emplace("state_reason", sdbus::Variant(path.state_reason));
    }
    const PathMetrics& m = path.metrics;
    if (m.rtt) {
        d.emplace("rtt_usec", sdbus::Variant(static_cast<std::uint64_t>(m.rtt->count())));
    }
    if (m.rtt_variation) {
        d.emplace("rtt_variation_usec",
                  sdbus::Variant(static_cast<std::uint64_t>(m.rtt_variation->count())));
    }
    if (m.loss) {
        d.emplace("loss", sdbus::Variant(*m.loss));
    }
    d.emplace("cost", sdbus::Variant(static_cast<std::uint32_t>(m.cost)));
    return d;
}

bool host_char_ok(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == ':';
}

}  // namespace

// Cut to a readable length so a huge argument does not become a huge error.
std::string quoted(const std::string& value) {
    constexpr std::size_t max_shown = 80;
    if (value.size() <= max_shown) {
        return "'" + value + "'";
    }
    return "'" + value.substr(0, max_shown) + "...' (" + std::to_string(value.size()) +
           " characters)";
}

std::string destination_problem(const Address& a) {
    if (a.is_v4_mapped()) {
        const auto& b = a.bytes();
        if (b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 0) {
            return "the unspecified address";
        }
        if (b[12] == 127) {
            return "a loopback address: the kernel sends it over lo, not through an uplink";
        }
        if (b[12] == 169 && b[13] == 254) {
            return "a link-local address: the kernel sends it on the link, not through an uplink";
        }
        if (b[12] >= 224) {
            return "a multicast or broadcast address: not sent through an uplink's router";
        }
        return "";  // accepted; gives no pair (every path has IPv6 sources only)
    }
    if (a.is_unspecified()) {
        return "the unspecified address";
    }
    if (a.is_loopback()) {
        return "the loopback address: the kernel sends it over lo, not through an uplink";
    }
    if (a.is_link_local()) {
        return "a link-local address: the kernel sends it on the link, not through an uplink";
    }
    if (a.is_multicast()) {
        return "a multicast address: not sent through an uplink's router";
    }
    return "";
}

sdbus::Error invalid_argument(const std::string& message) {
    return sdbus_compat::make_error(error::invalid_argument, message);
}

std::vector<Address> parse_destinations(const std::vector<std::string>& destinations) {
    if (destinations.empty()) {
        throw invalid_argument("no destination given (1 to " + std::to_string(max_destinations) +
                               " addresses expected)");
    }
    if (destinations.size() > max_destinations) {
        throw invalid_argument("too many destinations: " + std::to_string(destinations.size()) +
                               " (at most " + std::to_string(max_destinations) + ")");
    }
    std::vector<Address> out;
    out.reserve(destinations.size());
    for (const std::string& text : destinations) {
        const auto a = Address::parse(text);
        if (!a) {
            throw invalid_argument("invalid destination address " + quoted(text) +
                                   " (an IPv6 or IPv4 address expected)");
        }
        if (const std::string problem = destination_problem(*a); !problem.empty()) {
            throw invalid_argument("invalid destination address " + quoted(text) + " (" + problem +
                                   ")");
        }
        out.push_back(*a);
    }
    return out;
}

namespace {

// The rules for one option. `type` is the D-Bus signature of the value;
// read_string() reads it as a string.
template <typename ReadString>
void apply_rank_option(RankOptions& parsed, const std::string& key, const std::string& type,
                       ReadString read_string) {
    if (key != "preference" && key != "application") {
        throw invalid_argument("unknown option " + quoted(key) +
                               " (known: application, preference)");
    }
    if (type != "s") {
        throw invalid_argument("option '" + key + "' must be a string (type 's'), not '" + type +
                               "'");
    }
    const std::string text = read_string();
    if (key == "application") {
        // Checked against the applications by check_rank_application().
        parsed.application = text;
        return;
    }
    const auto p = parse_rank_preference(text);
    if (!p) {
        throw invalid_argument("invalid value " + quoted(text) +
                               " for option 'preference' (latency, cost or stability)");
    }
    parsed.preference = *p;
}

}  // namespace

RankOptions parse_rank_options(const Details& options) {
    RankOptions parsed;
    for (const auto& [key, value] : options) {
        apply_rank_option(parsed, key, value.peekValueType(),
                          [&value] { return value.get<std::string>(); });
    }
    return parsed;
}

void check_rank_application(const RankOptions& options,
                            std::span<const ApplicationReport> applications) {
    if (options.application.empty() ||
        std::ranges::find(applications, options.application, &ApplicationReport::name) !=
            applications.end()) {
        return;
    }
    std::string known;
    for (const ApplicationReport& a : applications) {
        known += (known.empty() ? "" : ", ") + a.name;
    }
    throw invalid_argument(
        "unknown application " + quoted(options.application) + " for option " + "'application' (" +
        (known.empty() ? "no [[application]] matches an account" : "known: " + known) + ")");
}

void check_host(const std::string& host) {
    if (host.empty()) {
        throw invalid_argument("empty host name");
    }
    if (host.size() > max_host_length) {
        throw invalid_argument("host name too long: " + std::to_string(host.size()) +
                               " characters (at most " + std::to_string(max_host_length) + ")");
    }
    for (const char c : host) {
        if (!host_char_ok(c)) {
            throw invalid_argument("invalid host name " + quoted(host) +
                                   " (letters, digits, '-', '.', '_' and ':' only)");
        }
    }
}

Details path_details(const PathReport& path, const PathCounters& counters,
                     const std::vector<std::string>& applications) {
    Details d = common_details(path);
    d.emplace("applications", sdbus::Variant(applications));
    d.emplace("probes_sent", sdbus::Variant(counters.probes_sent));
    d.emplace("probes_lost", sdbus::Variant(counters.probes_lost));
    d.emplace("state_changes", sdbus::Variant(counters.state_changes));
    d.emplace("interface", sdbus::Variant(path.interface));
    std::vector<std::string> addresses;
    addresses.reserve(path.addresses.size());
    for (const SourceCandidate& a : path.addresses) {
        addresses.push_back(a.address.to_string());
    }
    d.emplace("addresses", sdbus::Variant(addresses));
    d.emplace("default_router", sdbus::Variant(path.default_router));
    std::vector<std::string> routes;
    routes.reserve(path.routes.size());
    for (const Prefix& p : path.routes) {
        routes.push_back(p.to_string());
    }
    d.emplace("routes", sdbus::Variant(routes));
    d.emplace("router_preference", sdbus::Variant(std::string(to_string(path.router_preference))));
    if (!path.link_manager.empty()) {
        d.emplace("link_manager", sdbus::Variant(path.link_manager));
        d.emplace("link_manager_note", sdbus::Variant(path.link_manager_note));
    }
    return d;
}

Details application_details(const ApplicationReport& application, std::uint64_t moves) {
    Details d;
    d.emplace("uplink", sdbus::Variant(application.uplink));
    d.emplace("path", sdbus::Variant(application.path_id));
    d.emplace("source",
              sdbus::Variant(application.source ? application.source->to_string() : std::string()));
    d.emplace("blocked", sdbus::Variant(application.blocked));
    d.emplace("fallback", sdbus::Variant(application.fallback));
    d.emplace("uplinks", sdbus::Variant(application.uplinks));
    d.emplace("preference", sdbus::Variant(application.preference));
    d.emplace("moves", sdbus::Variant(moves));
    d.emplace("mptcp", sdbus::Variant(std::string(to_string(application.mptcp))));
    return d;
}

Details counter_details(const DaemonCounters& daemon, const CallCounters& calls) {
    Details d;
    d.emplace("failovers", sdbus::Variant(daemon.failovers));
    d.emplace("policy_changes", sdbus::Variant(daemon.policy_changes));
    d.emplace("repairs", sdbus::Variant(daemon.repairs));
    d.emplace("router_advertisements_received",
              sdbus::Variant(daemon.router_advertisements_received));
    d.emplace("router_advertisements_rejected",
              sdbus::Variant(daemon.router_advertisements_rejected));
    std::map<std::string, std::uint64_t> by_method;
    std::map<std::string, std::uint64_t> errors_by_method;
    for (std::size_t i = 0; i < CallCounters::methods; ++i) {
        const auto m = static_cast<Method>(i);
        by_method.emplace(std::string(CallCounters::name(m)), calls.calls(m));
        errors_by_method.emplace(std::string(CallCounters::name(m)), calls.errors(m));
    }
    d.emplace("dbus_calls", sdbus::Variant(by_method));
    d.emplace("dbus_errors", sdbus::Variant(errors_by_method));
    return d;
}

const PairWriter::PathStrings& PairWriter::strings_of(const PathReport& path) {
    const auto it = paths_.find(path.id);
    if (it != paths_.end() && it->second.path == path) {
        return it->second;
    }
    if (it == paths_.end() && paths_.size() >= max_cached_paths) {
        paths_.clear();
    }
    PathStrings& s = paths_[path.id];
    s.path = path;
    s.id = path.id;
    s.state = health_name(path.metrics.state);
    s.sources.clear();
    for (const SourceCandidate& a : path.addresses) {
        s.sources.emplace_back(a.address, a.address.to_string());
    }
    return s;
}

const std::string& PairWriter::source_text(const RankedPairReport& pair) {
    if (pair.path != nullptr) {
        for (const auto& [address, text] : strings_of(*pair.path).sources) {
            if (address == pair.source) {
                return text;
            }
        }
    }
    scratch_ = pair.source.to_string();
    return scratch_;
}

const std::string& PairWriter::destination_text(const Address& destination) {
    for (const auto& [address, text] : destinations_) {
        if (address == destination) {
            return text;
        }
    }
    // Callers repeat destinations; keep the last few spelled out.
    constexpr std::size_t max_remembered = 64;
    if (destinations_.size() >= max_remembered) {
        destinations_.clear();
    }
    return destinations_.emplace_back(destination, destination.to_string()).second;
}

std::vector<PairStruct> PairWriter::values(std::span<const RankedPairReport> pairs) {
    std::vector<PairStruct> out;
    out.reserve(pairs.size());
    for (const RankedPairReport& p : pairs) {
        std::string id;
        std::string state(health_name(PathHealth::Unknown));
        std::uint64_t rtt_usec = unknown_rtt_usec;
        double loss = unknown_loss;
        if (p.path != nullptr) {
            const PathStrings& s = strings_of(*p.path);
            const PathMetrics& metrics = p.path->metrics;
            id = s.id;
            state = s.state;
            if (metrics.rtt) {
                rtt_usec = static_cast<std::uint64_t>(metrics.rtt->count());
            }
            if (metrics.loss) {
                loss = *metrics.loss;
            }
        }
        out.emplace_back(source_text(p), destination_text(p.destination), std::move(id),
                         std::move(state), rtt_usec, loss, rank_reason_name(p.reason));
    }
    return out;
}

}  // namespace multi6d::dbus
