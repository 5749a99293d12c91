#include "link_manager_probe.hpp"

#include <fstream>
#include <sstream>

namespace multi6d {

namespace {

// Small files only (sysctls, state files): the whole content, "" if absent.
std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        return "";
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
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
    std::istringstream in(text);
    std::string line;
    const std::string lead = key + "=";
    while (std::getline(in, line)) {
        if (line.rfind(lead, 0) == 0) {
            return line.substr(lead.size());
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
