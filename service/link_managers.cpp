#include "link_managers.hpp"

#include "log.hpp"
#include "path.hpp"

namespace multi6d {

LinkManagers::LinkManagers(LinkManagerProbe probe) : probe_(std::move(probe)) {}

bool LinkManagers::refresh(const std::map<int, LinkSeen>& links) {
    bool changed = false;
    std::map<int, LinkManager> now;
    for (const auto& [ifindex, link] : links) {
        const LinkManager m = classify(probe_.read(ifindex, link.name, link.ras_seen));
        now[ifindex] = m;
        const auto before = managers_.find(ifindex);
        if (before != managers_.end() && before->second == m) {
            continue;
        }
        changed = true;
        const std::string line = link.name + ": RAs processed by " +
                                 std::string(link_manager_name(m)) + "; multi6d " +
                                 std::string(link_manager_note(m));
        if (link_manager_blocks(m)) {
            log::error(line);
        } else if (m == LinkManager::OtherUserspace) {
            log::warning(line);
        } else {
            log::notice(line);
        }
    }
    changed = changed || now.size() != managers_.size();
    managers_ = std::move(now);
    return changed;
}

LinkManager LinkManagers::of(int ifindex) const {
    const auto it = managers_.find(ifindex);
    return it == managers_.end() ? LinkManager::None : it->second;
}

std::map<int, LinkManagers::LinkSeen> LinkManagers::links_with_paths(const HostModel& model) {
    std::map<int, LinkSeen> links;
    for (const PathInfo& path : find_paths(model)) {
        links[path.key.ifindex] = LinkSeen{path.link_name, true};
    }
    return links;
}

}  // namespace multi6d
