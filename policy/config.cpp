#include "config.hpp"

#include <type_traits>

namespace multi6d {

namespace {
std::string quoted(const std::string& text) {
    std::string s = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            s += '\\';
        }
        s += c;
    }
    return s + '"';
}

// ["a", "b"] from anything with to_string() (or strings themselves).
template <typename T>
std::string quoted_list(const std::vector<T>& items) {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if constexpr (std::is_same_v<T, std::string>) {
            s += (i == 0 ? "" : ", ") + quoted(items[i]);
        } else {
            s += (i == 0 ? "" : ", ") + quoted(items[i].to_string());
        }
    }
    return s + "]";
}

std::string boolean(bool b) {
    return b ? "true" : "false";
}

std::string number(unsigned n) {
    return std::to_string(n);
}

std::string number(std::chrono::milliseconds d) {
    return std::to_string(d.count());
}
}  // namespace

std::string_view to_string(UplinkRole role) {
    return role == UplinkRole::Backup ? "backup" : "primary";
}

std::string_view to_string(ApplicationPreference preference) {
    switch (preference) {
        case ApplicationPreference::Latency:
            return "latency";
        case ApplicationPreference::Cost:
            return "cost";
        case ApplicationPreference::Stability:
            break;
    }
    return "stability";
}

std::string_view to_string(PolicyTableChoice choice) {
    return choice == PolicyTableChoice::Rfc6724 ? "rfc6724" : "rfc6724-update";
}

std::string to_toml(const Config& c) {
    std::string s;
    s += "[links]\n";
    s += "managed = " + quoted_list(c.managed_links) + "\n";

    s += "\n[limits]\n";
    s += "routers_per_link = " + number(c.limits.routers_per_link) + "\n";
    s += "prefixes_per_router = " + number(c.limits.prefixes_per_router) + "\n";
    s += "routes_per_router = " + number(c.limits.routes_per_router) + "\n";
    s += "dns_servers_per_router = " + number(c.limits.dns_servers_per_router) + "\n";

    const ProbeSettings& p = c.probe;
    s += "\n[probe]\n";
    s += "interval_ms = " + number(p.interval) + "\n";
    s += "timeout_ms = " + number(p.timeout) + "\n";
    s += "min_timeout_ms = " + number(p.min_timeout) + "\n";
    s += "down_after = " + number(p.down_after) + "\n";
    s += "up_after = " + number(p.up_after) + "\n";
    s += "up_after_ms = " + number(p.up_after_duration) + "\n";
    s += "loss_window = " + number(p.loss_window) + "\n";
    s += "degraded_loss_percent = " + number(p.degraded_loss_percent) + "\n";
    s += "degraded_rtt_ms = " + number(p.degraded_rtt) + "\n";
    s += "max_rate_per_path = " + number(p.max_rate_per_path) + "\n";
    s += "max_rate = " + number(p.max_rate) + "\n";
    s += "probe_routers = " + boolean(p.probe_routers) + "\n";
    s += "probe_dns_servers = " + boolean(p.probe_dns_servers) + "\n";
    s += "targets = " + quoted_list(p.targets) + "\n";

    s += "\n[gai]\n";
    s += "enabled = " + boolean(c.gai.enabled) + "\n";
    s += "file = " + quoted(c.gai.file) + "\n";

    s += "\n[address_selection]\n";
    s += "table = " + quoted(std::string(to_string(c.address_selection.table))) + "\n";
    s += "known_local_ula = " + boolean(c.address_selection.known_local_ula) + "\n";

    s += "\n[mptcp]\n";
    s += "enabled = " + boolean(c.mptcp.enabled) + "\n";
    s += "subflows = " + number(c.mptcp.subflows) + "\n";
    if (c.mptcp.add_addr_accepted) {
        s += "add_addr_accepted = " + number(*c.mptcp.add_addr_accepted) + "\n";
    } else {
        s += "# add_addr_accepted: unset, the kernel's value is kept\n";
    }
    s += "\n[balance]\n";
    s += "prefixes = " + quoted_list(c.balance.prefixes) + "\n";
    s += "slice_bits = " + number(c.balance.slice_bits) + "\n";

    if (c.uplinks.empty()) {
        s += "\n# no [[uplink]]: every prefix is an uplink of its own (primary, cost 100)\n";
    }
    for (const UplinkConfig& u : c.uplinks) {
        s += "\n[[uplink]]\n";
        s += "name = " + quoted(u.name) + "\n";
        s += "match_prefixes = " + quoted_list(u.match_prefixes) + "\n";
        s += "match_routers = " + quoted_list(u.match_routers) + "\n";
        s += "cost = " + number(u.cost) + "\n";
        s += "weight = " + number(u.weight) + "\n";
        s += "role = " + quoted(std::string(to_string(u.role))) + "\n";
    }
    for (const ApplicationConfig& a : c.applications) {
        s += "\n[[application]]\n";
        s += "name = " + quoted(a.name) + "\n";
        s += "users = " + quoted_list(a.users) + "\n";
        s += "groups = " + quoted_list(a.groups) + "\n";
        s += "units = " + quoted_list(a.units) + "\n";
        s += "uplinks = " + quoted_list(a.uplinks) + "\n";
        if (a.preference) {
            s += "preference = " + quoted(std::string(to_string(*a.preference))) + "\n";
        } else {
            s += "# preference: unset, the order of uplinks decides\n";
        }
        s += std::string("fallback = ") + (a.fallback ? "true" : "false") + "\n";
        s += std::string("mptcp = ") + (a.mptcp ? "true" : "false") + "\n";
    }
    return s;
}

}  // namespace multi6d
