#include "application_accounts.hpp"

#include <grp.h>
#include <pwd.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace multi6d {

namespace {

std::optional<std::uint32_t> decimal(const std::string& text) {
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::uint32_t> user_id(const std::string& name) {
    if (auto number = decimal(name)) {
        return number;
    }
    const passwd* entry = getpwnam(name.c_str());
    return entry == nullptr ? std::nullopt : std::optional<std::uint32_t>(entry->pw_uid);
}

struct Group {
    std::uint32_t gid = 0;
    std::vector<std::string> members;
};

std::optional<Group> find_group(const std::string& name) {
    const group* entry = nullptr;
    if (auto number = decimal(name)) {
        entry = getgrgid(*number);
        if (entry == nullptr) {
            return Group{*number, {}};  // no members listed; primary group only
        }
    } else {
        entry = getgrnam(name.c_str());
    }
    if (entry == nullptr) {
        return std::nullopt;
    }
    Group g{entry->gr_gid, {}};
    for (char** member = entry->gr_mem; member != nullptr && *member != nullptr; ++member) {
        g.members.emplace_back(*member);
    }
    return g;
}

// The uids whose primary group is one of `gids`.
std::vector<std::uint32_t> primary_members(const std::vector<std::uint32_t>& gids) {
    std::vector<std::uint32_t> uids;
    if (gids.empty()) {
        return uids;
    }
    setpwent();
    while (const passwd* entry = getpwent()) {
        if (std::ranges::find(gids, entry->pw_gid) != gids.end()) {
            uids.push_back(entry->pw_uid);
        }
    }
    endpwent();
    return uids;
}

}  // namespace

std::vector<std::string> resolve_application_accounts(
    std::vector<ApplicationConfig>& applications) {
    std::vector<std::string> warnings;
    for (ApplicationConfig& a : applications) {
        std::vector<std::uint32_t> uids;
        const auto warn = [&](const std::string& what) {
            warnings.push_back("application \"" + a.name + "\": " + what +
                               "; it matches the other accounts it lists (reload once it exists)");
        };
        for (const std::string& user : a.users) {
            if (auto uid = user_id(user)) {
                uids.push_back(*uid);
            } else {
                warn("unknown user \"" + user + "\"");
            }
        }
        std::vector<std::uint32_t> gids;
        for (const std::string& name : a.groups) {
            const auto g = find_group(name);
            if (!g) {
                warn("unknown group \"" + name + "\"");
                continue;
            }
            gids.push_back(g->gid);
            for (const std::string& member : g->members) {
                if (auto uid = user_id(member)) {
                    uids.push_back(*uid);
                }
            }
        }
        const auto primary = primary_members(gids);
        uids.insert(uids.end(), primary.begin(), primary.end());
        std::ranges::sort(uids);
        uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
        a.uids = std::move(uids);
    }
    return warnings;
}

}  // namespace multi6d
