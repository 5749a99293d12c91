// Owned kernel state that someone else removes (DESIGN.md §3.5, §6
// "Repair"): the reconciler puts it back and tells the log once per
// removal; an object removed again and again is a fight with another party
// (systemd-networkd deleting "foreign" rules and routes, a script, an
// administrator), which is logged once as a conflict naming the setting to
// change, and backed off exponentially for that object so that neither side
// ends in a busy loop or a log flood.
//
// Pure bookkeeping, no I/O: times come from the caller (the event loop's
// clock, a fake one in tests).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace multi6d {

using RepairClock = std::chrono::steady_clock;

struct RepairVerdict {
    bool restore_now = true;
    // The line to log for this removal (at most one), and whether it is the
    // conflict warning (else a notice).
    std::optional<std::string> log_line;
    bool conflict = false;
};

class RepairTracker {
  public:
    // More than fight_removals removals of one object within fight_window
    // is a fight.
    static constexpr int fight_removals = 3;
    static constexpr std::chrono::seconds fight_window{60};
    // Hold-off after the fight is noticed: 1 s, doubled at each further
    // removal, at most 64 s. An object left alone for fight_window is
    // forgiven (history and hold-off cleared).
    static constexpr std::chrono::seconds first_hold{1};
    static constexpr std::chrono::seconds max_hold{64};

    // Someone else removed (or changed) the owned object `key`; `what` names
    // it for the log ("rule 6601: from 2001:db8:a::/64 lookup 6601"), `verb`
    // says what happened to it ("removed", "changed"), `other_party` who may
    // do it and what to set there ("if systemd-networkd manages a link: set
    // ManageForeignRoutes=no in networkd.conf; else another program or an
    // administrator").
    RepairVerdict removed(const std::string& key, const std::string& what, const std::string& verb,
                          const std::string& other_party, RepairClock::time_point now);

    // True while `key` is held off: do not put it back before hold_end().
    bool held(const std::string& key, RepairClock::time_point now) const;
    // The earliest end of a hold-off still running, to retry then.
    std::optional<RepairClock::time_point> next_hold_end(RepairClock::time_point now) const;
    // Objects in a fight right now (for tests and status).
    std::size_t fights() const;

  private:
    struct History {
        std::deque<RepairClock::time_point> removals;  // within fight_window
        bool fighting = false;
        std::chrono::seconds hold{0};
        RepairClock::time_point hold_end{};
    };
    void forget_old(RepairClock::time_point now);

    std::map<std::string, History> objects_;
};

}  // namespace multi6d
