// UnitSourcePort on Linux (issue 17 item 2; multi6d(8), UNITS): the
// programs of app_source.bpf.c attached to each unit's cgroup, the map
// kept at the daemon's choice, and the cgroup2 tree watched for units that
// start later.
//
// Finding a unit's cgroup: systemd names it after the unit, in the slice
// the unit runs in (policy/systemd_unit.hpp), so the cgroup2 tree is
// walked from its root, descending only into slices and user managers
// (user@UID.service), up to max_depth levels and max_watches directories;
// a directory named after a configured unit is that unit's cgroup (every
// such directory: a user unit runs once per user). systemd's D-Bus
// ControlGroup property would answer too, but only on a host whose
// manager is systemd and over a second bus connection; the walk also finds
// cgroups made by hand (a container manager's, a test's).
//
// Units that are not running have no cgroup: every directory the walk
// descended into carries an inotify watch (IN_CREATE, IN_DELETE and
// moves; cgroup2 sends them for mkdir and rmdir), so a unit's cgroup is
// attached when it appears and forgotten when it goes, and a new slice is
// walked and watched in turn. No timer: nothing wakes the daemon unless a
// cgroup comes or goes (issue 14). IN_Q_OVERFLOW and a change of the
// configured units walk the tree again.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "app_source_program.hpp"
#include "event_loop.hpp"
#include "unique_fd.hpp"
#include "unit_source_port.hpp"

namespace multi6d::bpf {

class UnitSources final : public UnitSourcePort {
  public:
    static constexpr int max_depth = 16;
    static constexpr std::size_t max_watches = 4096;

    // Loads the programs, finds the cgroup2 mount (in /proc/self/mountinfo)
    // and opens the inotify descriptor; what fails is unavailable_reason().
    explicit UnitSources(EventLoop& loop);
    ~UnitSources() override;

    std::string unavailable_reason() const override { return unavailable_; }
    void apply(const UnitWants& wants) override;

  private:
    struct Attached {
        std::string unit;
        std::uint64_t id = 0;
        AppSourceProgram::Attachment attachment;
    };
    // Paths are relative to the cgroup2 mount, "" for its root.
    void rescan();
    void walk(const std::string& relative, int depth);
    void watch(const std::string& relative, int depth);
    void found(const std::string& relative, const std::string& name, int depth);
    void attach(const std::string& relative, const std::string& unit);
    void set_entry(const std::string& relative, Attached& a);
    void forget_below(const std::string& relative);
    void on_inotify();
    std::string full(const std::string& relative) const;

    EventLoop& loop_;
    std::string unavailable_;
    std::unique_ptr<AppSourceProgram> program_;
    std::string root_;
    UniqueFd inotify_;
    EventSource io_;
    UnitWants wants_;
    std::map<int, std::pair<std::string, int>> watches_;  // wd → (directory, depth)
    std::map<std::string, int> watched_;                  // directory → wd
    std::map<std::string, Attached> attached_;            // unit cgroup → its attachment
    bool watch_limit_logged_ = false;
};

}  // namespace multi6d::bpf
