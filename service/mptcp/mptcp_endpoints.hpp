// The MPTCP endpoint manager (DESIGN.md §3.6, transport survival): makes
// each managed global address an in-kernel path-manager endpoint with flag
// `subflow`, so every MPTCP connection opens a subflow from each address
// (each leaving through its own ISP by the source rules), adds `backup`
// while the address's path is degraded or down (the kernel tells peers,
// MP_PRIO, RFC 8684 §3.3.8), and removes the endpoint when the address
// goes. It also sets the path manager's limits.
//
// Ownership. The kernel endpoint has only an id, an address and flags, so
// the manager keeps a record (mptcp_record.hpp) in the runtime directory of
// the (id, address) pairs it created, written before each add. An endpoint
// is multi6d's only if the kernel has that exact (id, address) pair and the
// record lists it; everything else (`ip mptcp endpoint add`, NetworkManager,
// mptcpd) is never deleted. An endpoint of another party whose address
// multi6d wants is followed instead of duplicated (NetworkManager >= 1.40
// adds one per address it configures): multi6d sets only its backup flag
// with path health, records the owner's flags first (`adopted` in the
// record) and gives them back at stop or when it no longer wants the
// address. Measured with NetworkManager 1.42: it leaves the flags alone on
// RAs, and on `nmcli device reapply` resets the flags or deletes its endpoint
// and adds it again under a new id; the next apply() sets backup again.
// multi6d allocates ids from the top of the u8 range downwards (255, 254,
// ... 200) so that they stand out in `ip mptcp endpoint show`; the kernel
// gives ids to endpoints added without one from 1 upwards, so the ranges do
// not meet in practice, but the id alone never decides ownership.
//
// Across a restart: the constructor reads the record and adopts the
// endpoints that are still there unchanged, so a restarted daemon neither
// leaks them nor deletes them (deleting an endpoint closes the subflows of
// live connections that use it). Limits: the kernel's values before the
// first set_limits() are recorded and written back by remove_all_owned(),
// but only if nobody has changed the limits since multi6d set them.
//
// A kernel without MPTCP (no generic netlink family "mptcp_pm"): available()
// is false, unavailable_reason() says why, and every call is a no-op that
// reports nothing, so the daemon logs once and carries on.
//
// Every call is synchronous (a few netlink round trips) and reports what it
// changed and what failed, one line each; nothing throws except
// std::bad_alloc. A failed step is retried by the next call with the same
// desired state. Works in the network namespace of its constructing thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "address.hpp"
#include "endpoint_wants.hpp"
#include "mptcp_pm.hpp"
#include "mptcp_record.hpp"

namespace multi6d {

struct MptcpReport {
    std::vector<std::string> changes;  // one line per change made (log: info)
    std::vector<std::string> notices;  // once per condition (log: notice/warning)
    std::vector<std::string> errors;   // one line per failed step (log: error)
    bool complete() const { return errors.empty(); }
};

class MptcpEndpoints {
  public:
    static constexpr std::uint8_t id_first = 200;  // ids multi6d allocates,
    static constexpr std::uint8_t id_last = 255;   // from the top down

    // Opens the kernel's path manager over generic netlink; the record lives
    // in `record_file` (e.g. /run/multi6d/mptcp-endpoints). `family` other
    // than "mptcp_pm" only for tests of a kernel without MPTCP.
    explicit MptcpEndpoints(std::filesystem::path record_file,
                            const std::string& family = MPTCP_PM_NAME);
    // With an explicit port (unit tests); null means "not available".
    MptcpEndpoints(std::unique_ptr<MptcpPmPort> port, std::filesystem::path record_file,
                   std::string unavailable_reason = "MPTCP path manager not available");
    ~MptcpEndpoints();
    MptcpEndpoints(const MptcpEndpoints&) = delete;
    MptcpEndpoints& operator=(const MptcpEndpoints&) = delete;

    bool available() const { return port_ != nullptr; }
    const std::string& unavailable_reason() const { return unavailable_reason_; }

    // What the constructor found: endpoints adopted from an earlier run,
    // record entries dropped, an unreadable record.
    const MptcpReport& startup_report() const { return startup_; }

    // Makes multi6d's endpoints exactly `desired` (address -> want): adds
    // what is missing, changes flags and devices, deletes owned endpoints
    // whose address is not in `desired`. Reads the kernel's endpoints first,
    // so one that someone else deleted is added again. Desired addresses
    // that already have a foreign endpoint, or that do not fit in the
    // kernel's 8 endpoints, are skipped and reported.
    MptcpReport apply(const std::map<Address, EndpointWant>& desired);

    // Sets the path manager's limits (each at most 8); an unset one keeps
    // the kernel's value. The first call records the kernel's values for
    // remove_all_owned(). Limits are per network namespace and apply to
    // every MPTCP connection: `subflows` also caps the joins this host
    // accepts as a server, `add_addr_accepted` the peer addresses it uses.
    MptcpReport set_limits(std::optional<std::uint32_t> subflows,
                           std::optional<std::uint32_t> add_addr_accepted);
    MptcpReport set_limits(const MptcpLimits& limits) {
        return set_limits(limits.subflows, limits.add_addr_accepted);
    }

    // Deletes every endpoint multi6d owns and gives the limits back; the
    // record file is removed once nothing is left in it. For stop, for
    // switching the manager off, and for leftovers while it is off.
    MptcpReport remove_all_owned();

    // multi6d's endpoints as last read from (or written to) the kernel.
    std::vector<MptcpEndpoint> owned() const;

  private:
    struct Opened {
        std::unique_ptr<MptcpPmPort> port;
        std::string reason;
    };
    static Opened open_kernel(const std::string& family);
    MptcpEndpoints(Opened opened, std::filesystem::path record_file);

    // Reads the kernel's endpoints; drops owned entries whose (id, address)
    // pair is gone. False (with an error in report) if the dump failed.
    bool refresh(MptcpReport& report);
    bool save(MptcpReport& report);
    void remove_one(std::uint8_t id, MptcpReport& report);
    // False when the kernel's cap leaves no room (reported by the caller).
    bool add_one(const Address& address, const EndpointWant& want, MptcpReport& report);
    // Sets or clears `backup` on current (and in kernel_); `whose` ends the log line.
    void set_backup(MptcpEndpoint& current, bool backup, const std::string& whose,
                    MptcpReport& report);
    // Another party's endpoint for a wanted address: adopt, then set backup.
    void follow_foreign(MptcpEndpoint& current, bool backup, MptcpReport& report);
    // Gives an adopted endpoint its owner's backup flag back and forgets it.
    void release_adopted(std::uint8_t id, MptcpReport& report);
    std::uint8_t free_id() const;

    std::unique_ptr<MptcpPmPort> port_;
    std::string unavailable_reason_;
    MptcpRecordFile file_;
    MptcpRecord record_;
    std::map<std::uint8_t, MptcpEndpoint> kernel_;  // every endpoint, by id
    // Addresses left without an endpoint by the 8-endpoint cap at the last
    // apply(): each is reported once when it is first left out, not on every
    // reconcile (a routine event must not flood the log).
    std::set<Address> reported_capped_;
    MptcpReport startup_;
    std::set<Address> announced_;  // addresses whose foreign endpoint was reported
};

}  // namespace multi6d
