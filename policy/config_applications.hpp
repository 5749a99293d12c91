// Internal to the configuration parser: the [[application]] array of
// tables (policy/application_policy.hpp says what an application does).
//
// Merging across files works as for [[uplink]] (config_uplinks.hpp): an
// [[application]] whose name an earlier file defined updates it key by key
// (lists as a whole) and keeps its place; a new name is appended. Within
// one file a name may appear once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config.hpp"
#include "toml_reader.hpp"

namespace multi6d::config_detail {

class ApplicationSection {
  public:
    // Reads this file's [[application]] tables into `applications`.
    void read(TableReader& root, std::vector<ApplicationConfig>& applications);

    // Checks the merged lists (call when reading found no error): every
    // application this file touched matches users or groups and sets
    // uplinks, preference or both, every uplink it names is a configured
    // [[uplink]],
    // and there are at most owned::max_applications. Errors point at this
    // file's text.
    void check(const std::vector<ApplicationConfig>& applications,
               const std::vector<UplinkConfig>& uplinks, TableReader& root) const;

  private:
    std::map<std::string, const toml::table*> touched_;
};

}  // namespace multi6d::config_detail
