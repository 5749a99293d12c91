#include "link_manager_probe.hpp"

#include <string_view>

#include "small_file.hpp"

namespace multi6d {

namespace {

// Sysctls and state files: a few hundred bytes each.
constexpr std::size_t max_signal_file_bytes = 1 << 16;

// The whole content, "" if absent or unreadable.
std::string slurp(const std::filesystem::path& file) {
    return read_small_file(file.string(), max_signal_file_bytes).text;
}

int sysctl_int(const std::filesystem::path& file, int fallback) {
    const std::string text = slurp(file);
    try {
        return text.empty() ? fallback : std::stoi(text);
    } catch (const std::exception&) {
        return fallback;
    }
}

}  // namespace

std::string key_value(const std::string& text, const std::string& key) {
    const std::string lead = key + "=";
    for (const std::string_view line : split_lines(text)) {
        if (line.substr(0, lead.size()) == lead) {
            return std::string(line.substr(lead.size()));
        }
    }
    return "";
}

LinkManagerProbe::LinkManagerProbe(std::filesystem::path root,
                                   std::function<bool(int)> has_ra_defaults)
    : root_(std::move(root)), has_ra_defaults_(std::move(has_ra_defaults)) {}

LinkManagerSignals LinkManagerProbe::read(int ifindex, const std::string& name,
                                          bool ras_seen) const {
    LinkManagerSignals seen;
    seen.ras_seen = ras_seen;
    const auto conf = root_ / "proc/sys/net/ipv6/conf" / name;
    const int accept_ra = sysctl_int(conf / "accept_ra", 0);
    const int forwarding = sysctl_int(conf / "forwarding", 0);
    seen.kernel_accepts_ra = accept_ra == 2 || (accept_ra == 1 && forwarding == 0);

    const std::string index = std::to_string(ifindex);
    const std::string networkd = slurp(root_ / "run/systemd/netif/links" / index);
    const std::string admin = key_value(networkd, "ADMIN_STATE");
    seen.networkd_configures = admin == "configuring" || admin == "configured" ||
                               admin == "failed" || !key_value(networkd, "NETWORK_FILE").empty();

    const std::string nm = slurp(root_ / "run/NetworkManager/devices" / index);
    seen.networkmanager_manages = key_value(nm, "managed") == "true";

    if (!seen.kernel_accepts_ra && !seen.networkd_configures && !seen.networkmanager_manages &&
        ras_seen && has_ra_defaults_) {
        seen.ra_default_routes = has_ra_defaults_(ifindex);
    }
    return seen;
}

}  // namespace multi6d
