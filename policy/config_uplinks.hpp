// Internal to the configuration parser: the [[uplink]] array of tables.
//
// Merging across files (main file, then drop-ins in name order): an
// [[uplink]] whose name an earlier file defined updates that uplink, key by
// key (the keys it sets replace the earlier values, lists as a whole; the
// others stay), and keeps its place in the order; a new name is appended.
// That matches how every other table merges, so a drop-in can say
// `[[uplink]] name = "isp-b" role = "backup"` without repeating the match.
// Within one file a name may appear once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config.hpp"
#include "toml_reader.hpp"

namespace multi6d::config_detail {

class UplinkSection {
  public:
    // Reads this file's [[uplink]] tables into `uplinks`.
    void read(TableReader& root, std::vector<UplinkConfig>& uplinks);

    // Checks the merged list (call when reading found no error): every
    // uplink this file touched matches something, and no prefix or router
    // belongs to two uplinks. Errors point at this file's text.
    void check(const std::vector<UplinkConfig>& uplinks, TableReader& root) const;

  private:
    // The uplinks this file defines or updates, by name, with their table.
    std::map<std::string, const toml::table*> touched_;
};

}  // namespace multi6d::config_detail
