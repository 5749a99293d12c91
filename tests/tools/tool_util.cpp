#include "tool_util.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace multi6d::tools {

std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t min, std::int64_t max) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
        return std::nullopt;
    }
    return value;
}

std::string errno_name(int err) {
    if (const char* name = strerrorname_np(err)) {
        return name;
    }
    return "errno" + std::to_string(err);
}

std::string address_text(const sockaddr_in6& addr) {
    static const in6_addr kAny = IN6ADDR_ANY_INIT;
    if (addr.sin6_family != AF_INET6 || std::memcmp(&addr.sin6_addr, &kAny, sizeof kAny) == 0) {
        return "-";
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET6, &addr.sin6_addr, text, sizeof text) == nullptr) {
        return "-";
    }
    return text;
}

}  // namespace multi6d::tools
