// multi6d's configuration: every setting with its built-in default. The
// defaults are what a host gets with no configuration file at all.
// Documented key by key in man/multi6d.toml.5.scd.
#pragma once

#include <string>
#include <vector>

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

struct Config {
    // [links] managed: interface names whose default-router selection
    // multi6d takes over. Empty: every link on which an RA arrives.
    std::vector<std::string> managed_links;
    // [limits]
    StateLimits limits;

    friend bool operator==(const Config&, const Config&) = default;
};

// The effective configuration as TOML, every key present (for
// `multi6d --check-config`).
std::string to_toml(const Config& config);

}  // namespace multi6d
