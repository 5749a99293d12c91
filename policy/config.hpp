// multi6d's configuration: every setting with its built-in default. The
// defaults are what a host gets with no configuration file at all.
// Documented key by key in man/multi6d.toml.5.scd.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "address.hpp"

namespace multi6d {

// Bounds on what RAs can make the daemon remember (a flood of RAs with
// random prefixes must not grow memory without limit).
struct StateLimits {
    unsigned routers_per_link = 8;  // RFC 4861 §6.3.4 asks for at least 2
    unsigned prefixes_per_router = 16;
    unsigned routes_per_router = 32;      // RFC 4191 Route Information Options
    unsigned dns_servers_per_router = 8;  // RFC 8106 RDNSS
    friend bool operator==(const StateLimits&, const StateLimits&) = default;
};

// [probe]: how each (prefix, router) path is measured (DESIGN §3.4) and
// when its state changes. Defaults aim at failover within 0.5 s at no more
// than 5 probe packets per second per path in steady state (DESIGN §6,
// issue 14); re-probes after a loss may briefly use up to max_rate_per_path.
struct ProbeSettings {
    std::chrono::milliseconds interval{250};            // steady-state spacing per path
    std::chrono::milliseconds timeout{300};             // cap of the adaptive probe timeout
    std::chrono::milliseconds min_timeout{50};          // floor of it (probe_timeout.hpp)
    unsigned down_after = 3;                            // consecutive losses: -> down
    unsigned up_after = 5;                              // consecutive successes ...
    std::chrono::milliseconds up_after_duration{3000};  // ... spanning at least this: -> up
    unsigned loss_window = 40;                          // probes in the loss estimate
    unsigned degraded_loss_percent = 20;        // loss over the window at or above: degraded
    std::chrono::milliseconds degraded_rtt{0};  // smoothed RTT above: degraded; 0 = off
    unsigned max_rate_per_path = 10;            // probe packets per second, hard cap
    unsigned max_rate = 50;                     // all paths together, hard cap
    bool probe_routers = true;                  // first-hop check: the router itself
    bool probe_dns_servers = true;              // RDNSS servers the router advertised
    std::vector<Address> targets;               // configured targets, probed on every path
    friend bool operator==(const ProbeSettings&, const ProbeSettings&) = default;
};

// [gai]: optional glibc /etc/gai.conf block (DESIGN §3.5).
struct GaiSettings {
    bool enabled = false;
    std::string file = "/etc/gai.conf";
    friend bool operator==(const GaiSettings&, const GaiSettings&) = default;
};

// [address_selection]: the RFC 6724 policy table multi6d applies: in its
// own ranking (D-Bus), in the kernel's address labels and in the gai.conf
// block. Documented in multi6d.toml(5), section ADDRESS SELECTION.
enum class PolicyTableChoice {
    // draft-ietf-6man-rfc6724-update §3.1 (PolicyTable::rfc6724_update_default).
    Rfc6724Update,
    // RFC 6724 §2.1 (PolicyTable::rfc6724_default).
    Rfc6724,
};
// "rfc6724-update" or "rfc6724", the configuration file's spelling.
std::string_view to_string(PolicyTableChoice choice);
struct AddressSelectionSettings {
    PolicyTableChoice table = PolicyTableChoice::Rfc6724Update;
    // draft-ietf-6man-rfc6724-update §3.3: rows for the "known-local" ULA
    // prefixes learnt from RIOs, PIOs and the host's own ULA addresses
    // (precedence 45, label 14; policy/known_local.hpp). The draft: "MUST
    // default to on", "SHOULD" be possible to turn off. RFC 6724 §2.1 allows
    // such automatic rows with either table.
    bool known_local_ula = true;
    friend bool operator==(const AddressSelectionSettings&,
                           const AddressSelectionSettings&) = default;
};

// [balance]: where generic destinations are shared by weight (see
// policy/load_balance.hpp). The policy table matches destinations by
// longest prefix only, so a share of destinations is a set of prefixes:
// each range here is cut into 2^slice_bits equal slices, and the slices
// are dealt to the weighted uplinks in proportion to their weights.
struct BalanceSettings {
    // Inside 2000::/3 (the generic row). Nested ranges are allowed: the
    // inner one's slices are more specific and win inside it.
    std::vector<Prefix> prefixes{Prefix(Address(Address::Bytes{0x20}), 3)};
    unsigned slice_bits = 4;  // 16 slices per range: shares in steps of 1/16
    friend bool operator==(const BalanceSettings&, const BalanceSettings&) = default;
};

// [mptcp]: MPTCP endpoints for the host's managed global addresses
// (DESIGN §3.6), so MPTCP connections survive an uplink failure.
struct MptcpSettings {
    // Off where another manager (mptcpd) owns endpoints; NetworkManager's
    // are followed (mptcp_endpoints.hpp).
    bool enabled = true;
    // Additional subflows per connection. The kernel default (2) would cap a
    // host at three uplinks; 8 is the kernel's maximum.
    unsigned subflows = 8;
    // ADD_ADDR announcements accepted from peers; unset keeps the kernel's
    // value (survival comes from our own endpoints, not announced ones).
    std::optional<unsigned> add_addr_accepted;
    friend bool operator==(const MptcpSettings&, const MptcpSettings&) = default;
};

// [[uplink]]: an administrator's name and policy for the paths it matches.
enum class UplinkRole { Primary, Backup };
std::string_view to_string(UplinkRole role);
// A path (link, prefix P, router R) belongs to the uplink with the longest
// match_prefixes entry that contains P; failing that, to the uplink that
// lists R in match_routers; failing that, to an implicit uplink named after
// P (policy/uplink.hpp). The parser guarantees: names unique and
// [A-Za-z0-9_.-]{1,32}; at least one match entry; no prefix and no router
// in two uplinks.
struct UplinkConfig {
    std::string name;
    std::vector<Prefix> match_prefixes;  // IPv6, no host bits set
    std::vector<Address> match_routers;  // link-local (RFC 4861 §4.2: RAs come from one)
    unsigned cost = 100;  // among uplinks of one role, the lowest cost carries traffic
    unsigned weight = 0;  // >0: share generic destinations by weight with equal-cost peers
    UplinkRole role = UplinkRole::Primary;  // backup: only while every primary is down
    friend bool operator==(const UplinkConfig&, const UplinkConfig&) = default;
};

// [[application]] preference: how the candidate paths of an application
// are ordered within a health tier (policy/application_policy.hpp).
enum class ApplicationPreference {
    Latency,    // lowest smoothed RTT the prober measured
    Cost,       // lowest [[uplink]] cost
    Stability,  // fewest health changes, then lowest loss
};
// "latency", "cost", "stability": the configuration file's spelling.
std::string_view to_string(ApplicationPreference preference);

// [[application]]: the uplinks that an application's new connections use
// (policy/application_policy.hpp). The parser guarantees: names unique and
// [A-Za-z0-9_.-]{1,32}; at least one of users, groups and units; uplinks
// or preference or both; every uplink a configured [[uplink]] name, none
// twice.
struct ApplicationConfig {
    std::string name;
    // As written: user names or decimal uids; group names or decimal gids.
    std::vector<std::string> users;
    std::vector<std::string> groups;
    // systemd unit names (policy/systemd_unit.hpp), matched by their cgroup
    // (policy/unit_wants.hpp).
    std::vector<std::string> units;
    // Preferred uplinks, best first; empty: every configured [[uplink]] is
    // a candidate (every path while there is none), ordered by preference.
    std::vector<std::string> uplinks;
    // Unset: `uplinks` order alone decides.
    std::optional<ApplicationPreference> preference;
    // All preferred uplinks unusable: true = the generic policy applies (the
    // remaining healthy uplinks); false = new connections fail.
    bool fallback = true;
    // Its TCP sockets become MPTCP (policy/application_mptcp.hpp).
    bool mptcp = false;
    // The uids that users and groups resolve to (the members of each group:
    // primary group from the passwd database, supplementary from the group
    // database), filled by the daemon's configuration loader (service/);
    // the parser leaves it empty. Sorted, unique.
    std::vector<std::uint32_t> uids;
    friend bool operator==(const ApplicationConfig&, const ApplicationConfig&) = default;
};

struct Config {
    // [links] managed: interface names whose default-router selection
    // multi6d takes over. Empty: every link on which an RA arrives.
    std::vector<std::string> managed_links;
    // [limits]
    StateLimits limits;
    ProbeSettings probe;
    GaiSettings gai;
    AddressSelectionSettings address_selection;
    MptcpSettings mptcp;
    BalanceSettings balance;
    // In the order first defined (main file, then drop-ins in name order).
    std::vector<UplinkConfig> uplinks;
    // In the order first defined, like uplinks; at most
    // owned::max_applications.
    std::vector<ApplicationConfig> applications;

    friend bool operator==(const Config&, const Config&) = default;
};

// The effective configuration as TOML, every key present (for
// `multi6d --check-config`).
std::string to_toml(const Config& config);

}  // namespace multi6d
