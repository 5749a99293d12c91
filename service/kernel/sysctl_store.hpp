// The per-interface IPv6 sysctls multi6d changes (accept_ra_defrtr,
// accept_ra_rt_info_max_plen, ...: DESIGN.md §3), with their original values
// kept on disk so that they are restored at stop, also after a crash
// (DESIGN.md §5: "restores what it changed").
//
// State file format (one entry a line, written atomically: temp + rename):
//   # multi6d sysctl originals v1
//   <ifname> <key> <original value>
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace multi6d {

class SysctlError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class SysctlStore {
  public:
    using Key = std::pair<std::string, std::string>;  // (ifname, key)

    // Values live in <proc_sys_root>/net/ipv6/conf/<ifname>/<key>. Originals
    // left in `state_file` by an earlier run that did not stop cleanly are
    // loaded and kept: they, not today's (changed) values, get restored.
    // Throws SysctlError if the file exists but cannot be read or parsed.
    explicit SysctlStore(std::filesystem::path state_file,
                         std::filesystem::path proc_sys_root = "/proc/sys");

    // The current value, without the trailing newline.
    std::string get(std::string_view ifname, std::string_view key) const;

    // Writes `value`. The first time a (ifname, key) is set, its current
    // value is read and persisted before the write, so a crash at any point
    // leaves the original known. Throws SysctlError (names path and value).
    void set(std::string_view ifname, std::string_view key, std::string_view value);

    // Writes back the originals of `ifname` and forgets them.
    void restore(std::string_view ifname);
    // Writes back every original and removes the state file.
    // For both: an interface that no longer exists has nothing to restore
    // (its entries are dropped); other failures keep their entries on disk
    // for the next run and are thrown together after all were tried.
    void restore_all();

    const std::map<Key, std::string>& originals() const { return originals_; }

  private:
    std::filesystem::path path_of(std::string_view ifname, std::string_view key) const;
    void restore_if(bool (*match)(const Key&, std::string_view), std::string_view ifname);
    void load();
    void persist() const;

    std::filesystem::path state_file_;
    std::filesystem::path conf_dir_;
    std::map<Key, std::string> originals_;
};

}  // namespace multi6d
