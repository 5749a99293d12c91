#include "config.hpp"

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

std::string quoted_list(const std::vector<std::string>& items) {
    std::string s = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        s += (i == 0 ? "" : ", ") + quoted(items[i]);
    }
    return s + "]";
}
}  // namespace

std::string to_toml(const Config& c) {
    std::string s;
    s += "[links]\n";
    s += "managed = " + quoted_list(c.managed_links) + "\n";
    s += "\n[limits]\n";
    s += "routers_per_link = " + std::to_string(c.limits.routers_per_link) + "\n";
    s += "prefixes_per_router = " + std::to_string(c.limits.prefixes_per_router) + "\n";
    s += "routes_per_router = " + std::to_string(c.limits.routes_per_router) + "\n";
    s += "dns_servers_per_router = " + std::to_string(c.limits.dns_servers_per_router) + "\n";
    return s;
}

}  // namespace multi6d
