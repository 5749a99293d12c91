#include "application_report.hpp"

#include <algorithm>

#include "ranking.hpp"

namespace multi6d {

std::vector<ApplicationReport> application_reports(std::span<const ApplicationChoice> choices,
                                                   std::span<const ApplicationConfig> applications,
                                                   std::span<const PathReport> paths) {
    std::vector<ApplicationReport> reports;
    reports.reserve(choices.size());
    for (const ApplicationChoice& choice : choices) {
        ApplicationReport r;
        r.name = choice.application;
        if (const auto it =
                std::ranges::find(applications, choice.application, &ApplicationConfig::name);
            it != applications.end()) {
            r.uplinks = it->uplinks;
            r.preference = it->preference ? std::string(to_string(*it->preference)) : "";
            r.fallback = it->fallback;
        }
        r.candidates = choice.candidates;
        r.blocked = choice.blocked;
        if (choice.path) {
            r.path = choice.path;
            r.uplink = choice.uplink;
            r.source = choice.source;
            if (const auto p = std::ranges::find(paths, *choice.path, &PathReport::key);
                p != paths.end()) {
                r.path_id = p->id;
            }
        }
        reports.push_back(std::move(r));
    }
    return reports;
}

std::vector<std::string> applications_on(std::span<const ApplicationReport> applications,
                                         const std::string& path_id) {
    std::vector<std::string> names;
    for (const ApplicationReport& a : applications) {
        if (!a.path_id.empty() && a.path_id == path_id) {
            names.push_back(a.name);
        }
    }
    return names;
}

std::size_t application_rank_key(const ApplicationReport& application, const PathReport& path,
                                 const Address& source) {
    if (application.blocked) {
        return rank_excluded;
    }
    if (application.path && *application.path == path.key && application.source == source) {
        return 0;
    }
    const std::vector<std::string>& names =
        application.uplinks.empty() ? application.candidates : application.uplinks;
    if (names.empty()) {
        return 1;  // a preference alone and no [[uplink]]: every path is a candidate
    }
    const auto listed = std::ranges::find(names, path.uplink);
    if (listed != names.end()) {
        return 1 + static_cast<std::size_t>(listed - names.begin());
    }
    return application.fallback ? 1 + names.size() : rank_excluded;
}

}  // namespace multi6d
