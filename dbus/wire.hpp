// Between D-Bus values and multi6d's: argument validation (before any
// authorization, as systemd's networkd-link-bus.c does) and the a{sv}
// details of pairs and paths documented in org.multi6d.Manager1.xml.
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "call_counters.hpp"
#include "manager_backend.hpp"
#include "path_report.hpp"

namespace multi6d::dbus {

using Details = std::map<std::string, sdbus::Variant>;
// A ranked pair, a(sssstds) in the XML: source, destination, path id, state,
// rtt_usec, loss, rule. Typed, not a{sv}: every variant costs marshalling
// here and validation in the bus daemon, and Rank is the hot call.
using PairStruct = sdbus::Struct<std::string, std::string, std::string, std::string, std::uint64_t,
                                 double, std::string>;
// rtt_usec of a path not measured yet (systemd's USEC_INFINITY convention).
inline constexpr std::uint64_t unknown_rtt_usec = UINT64_MAX;
// loss of a path without a probe outcome yet (loss is 0.0 .. 1.0 otherwise).
inline constexpr double unknown_loss = -1.0;
using PathStruct = sdbus::Struct<std::string, Details>;

inline constexpr std::size_t max_destinations = 64;
inline constexpr std::size_t max_host_length = 253;  // RFC 1035 §2.3.4, in text form

// An org.multi6d.Error.InvalidArgument error with this message.
sdbus::Error invalid_argument(const std::string& message);

// A caller-supplied value quoted for a message, cut to 80 characters
// ("'abc...' (297 characters)"), as multi6d-dbus(5), ERRORS, promises.
std::string quoted(const std::string& value);

// Why `destination` is not one multi6d ranks, "" when it is: the
// unspecified address, and loopback, link-local and multicast destinations
// (IPv6, or IPv4 as ::ffff:a.b.c.d), which the kernel never sends through
// an uplink (it uses lo or the link itself), so no path of multi6d's can
// carry them. Rank and RankHost both apply it.
std::string destination_problem(const Address& destination);

// 1–64 addresses; throws InvalidArgument naming the first bad one.
std::vector<Address> parse_destinations(const std::vector<std::string>& destinations);
// Known options only, each with its documented type and values; throws
// InvalidArgument naming the key (and the value) that is wrong.
RankOptions parse_rank_options(const Details& options);
// Throws InvalidArgument when options.application names none of
// `applications` (an unknown name must not rank as no application: the
// caller would act on another policy's answer).
void check_rank_application(const RankOptions& options,
                            std::span<const ApplicationReport> applications);
// A DNS name or address literal: 1–253 characters of letters, digits, '-',
// '.', '_' and ':' (no spaces, no control characters); throws
// InvalidArgument otherwise.
void check_host(const std::string& host);

// The details of a path (ListPaths, PathStateChanged), with its counters
// (probes_sent, probes_lost, state_changes: t) read live by the caller and
// the applications whose new connections use it (applications_on()).
Details path_details(const PathReport& path, const PathCounters& counters,
                     const std::vector<std::string>& applications);

// An application as the Applications property gives it (see the XML), with
// its moves counter read live by the caller.
using ApplicationStruct = sdbus::Struct<std::string, Details>;
Details application_details(const ApplicationReport& application, std::uint64_t moves);

// The Counters property: the daemon's counters (t each) and the D-Bus calls
// and error replies by method ("dbus_calls", "dbus_errors": a{st}), keys as
// org.multi6d.Manager1.xml documents.
Details counter_details(const DaemonCounters& daemon, const CallCounters& calls);

// Rank pairs as the typed reply of Rank and RankHost (PairStruct; the other
// details of a path are in ListPaths, under the same path id). The strings
// of a path are prepared once and reused while the path stays the same. Not
// thread-safe; use on the loop thread.
class PairWriter {
  public:
    std::vector<PairStruct> values(std::span<const RankedPairReport> pairs);

  private:
    struct PathStrings {
        PathReport path;  // what the strings were made from
        std::string id;
        std::string state;
        std::vector<std::pair<Address, std::string>> sources;
    };
    const PathStrings& strings_of(const PathReport& path);
    const std::string& source_text(const RankedPairReport& pair);
    const std::string& destination_text(const Address& destination);

    std::map<std::string, PathStrings> paths_;                   // by path id
    std::vector<std::pair<Address, std::string>> destinations_;  // recently seen
    std::string scratch_;
};

}  // namespace multi6d::dbus
