// Who manages each link multi6d has paths on (policy/link_manager.hpp),
// re-read on every refresh (the daemon calls it when paths change and every
// few seconds, so a manager started or stopped later is seen). A change is
// logged once with what multi6d does about it: notice for the kernel and
// the known managers, warning for an unknown userspace RA client, error for
// a situation multi6d cannot work beside.
#pragma once

#include <map>
#include <string>

#include "host_model.hpp"
#include "link_manager.hpp"
#include "link_manager_probe.hpp"

namespace multi6d {

class LinkManagers {
  public:
    explicit LinkManagers(LinkManagerProbe probe);

    struct LinkSeen {
        std::string name;
        bool ras_seen = false;
    };
    // Re-reads every link in `links` (ifindex → name), forgets the others.
    // True if any link's manager changed.
    bool refresh(const std::map<int, LinkSeen>& links);

    // LinkManager::None for a link not refreshed yet.
    LinkManager of(int ifindex) const;

    // The links with at least one path in `model`, for refresh().
    static std::map<int, LinkSeen> links_with_paths(const HostModel& model);

  private:
    LinkManagerProbe probe_;
    std::map<int, LinkManager> managers_;
};

}  // namespace multi6d
