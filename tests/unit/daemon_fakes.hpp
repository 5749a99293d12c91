// Fake ports for the daemon's unit tests (test_daemon.cpp): each stands
// where a system call would be (the kernel's routing state, the RA socket,
// rtnetlink, the probe sockets, the bus, the MPTCP path manager, sd_notify)
// and records what the real Daemon asked of it. Nothing here decides
// anything the daemon decides.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon_ports.hpp"
#include "fake_loop.hpp"
#include "manager_backend.hpp"

namespace multi6d::test {

// The kernel's owned routing state, as the Linux port would read it back.
class FakeKernel final : public OwnedKernelPort {
  public:
    KernelState held;
    std::set<int> taken_over;                 // accept_ra_defrtr=0
    int fail_next_writes = 0;                 // the next N writes fail (EBUSY-like)
    int writes = 0;                           // every write attempted
    std::vector<KernelState> found_by_sweep;  // one entry per remove_leftovers()
    int full_reads = 0;                       // read_owned(All): one per reconcile

    void add_route(const PathRoute& r) override {
        write();
        held.routes.insert(r);
    }
    void delete_route(const PathRoute& r) override {
        write();
        held.routes.erase(r);
    }
    void add_rule(const SourceRule& r) override {
        write();
        held.rules.insert(r);
    }
    void delete_rule(const SourceRule& r) override {
        write();
        held.rules.erase(r);
    }
    void add_suppress_rule() override {
        write();
        held.suppress_rule = true;
    }
    void delete_suppress_rule() override {
        write();
        held.suppress_rule = false;
    }
    void set_label(const LabelRow& r) override {
        write();
        std::erase_if(held.labels, [&](const LabelRow& h) {
            return h.prefix == r.prefix && h.ifindex == r.ifindex;
        });
        held.labels.insert(r);
    }
    void delete_label(const LabelRow& r) override {
        write();
        held.labels.erase(r);
    }
    void take_over_default_routers(int ifindex) override {
        write();
        held.managed_links.insert(ifindex);
    }
    void release_default_routers(int ifindex) override {
        write();
        held.managed_links.erase(ifindex);
    }
    KernelState read_owned(ReadScope scope) override {
        if (scope == ReadScope::All) {
            ++full_reads;
            return held;
        }
        KernelState s;
        s.labels = held.labels;
        s.managed_links = held.managed_links;
        return s;
    }
    // What probe_features() reports: Debian's kernels take source-specific
    // routes; a test of a kernel without IPV6_SUBTREES clears it.
    KernelFeatures features{.source_specific_routes = true};
    KernelFeatures probe_features(std::string& report) override {
        report = features.source_specific_routes ? "fake kernel: source-specific routes"
                                                 : "fake kernel: no source-specific routes";
        return features;
    }
    // Like the Linux port's sweep by mark; what it found is kept.
    void remove_leftovers() override {
        found_by_sweep.push_back(held);
        held = KernelState{};
    }

    // The label the generic destinations (2000::/3) carry, if any.
    std::optional<AddressLabel> generic_label() const {
        for (const LabelRow& row : held.labels) {
            if (row.prefix == *Prefix::parse("2000::/3")) {
                return row.label;
            }
        }
        return std::nullopt;
    }
    std::optional<AddressLabel> label_of(const Prefix& prefix) const {
        for (const LabelRow& row : held.labels) {
            if (row.prefix == prefix) {
                return row.label;
            }
        }
        return std::nullopt;
    }

  private:
    void write() {
        ++writes;
        if (fail_next_writes > 0) {
            --fail_next_writes;
            throw std::runtime_error("fake kernel: Device or resource busy");
        }
    }
};

// Packets waiting on the RA socket; readable() on the loop delivers them.
class FakeRaSocket final : public RaSocket {
  public:
    static constexpr int fake_fd = 1001;
    struct Packet {
        int ifindex;
        Address source;
        std::vector<std::uint8_t> icmp6;
    };
    std::deque<Packet> queue;
    std::vector<int> solicited;  // ifindex of every Router Solicitation sent

    int fd() const override { return fake_fd; }
    bool receive(ReceivedNdisc& out) override {
        if (queue.empty()) {
            return false;
        }
        current_ = std::move(queue.front());
        queue.pop_front();
        out.ifindex = current_.ifindex;
        out.source = current_.source;
        out.hop_limit = 255;
        out.icmp6 = current_.icmp6;
        return true;
    }
    void send_to_all_routers(int ifindex, std::span<const std::uint8_t>) override {
        solicited.push_back(ifindex);
    }

  private:
    Packet current_;
};

// rtnetlink: links, addresses and neighbour entries the test announces;
// start() "dumps" them, in the real watcher's order.
class FakeLinkWatcher final : public LinkWatcher {
  public:
    struct Neighbour {
        int ifindex = 0;
        Address address;
        NeighbourState state = NeighbourState::Unknown;
    };
    explicit FakeLinkWatcher(NetlinkHandlers h) : handlers(std::move(h)) {}
    void start() override {
        for (const auto& link : links) {
            handlers.link_changed(link);
        }
        for (const auto& address : addresses) {
            handlers.address_changed(address);
        }
        for (const auto& n : neighbours) {
            handlers.neighbour_changed(n.ifindex, n.address, n.state);
        }
    }
    NetlinkHandlers handlers;
    std::vector<LinkInfo> links;
    std::vector<AddressInfo> addresses;
    std::vector<Neighbour> neighbours;
};

// The network behind the probe sockets: every probe is answered after
// `rtt`, except those sent on a path whose router is unreachable, which are
// lost at the probe's timeout. Outcomes come from the loop, never from
// inside send(), as the real prober's do.
class FakeNetwork final : public ProbePort {
  public:
    FakeNetwork(EventLoop& loop, Prober::Callbacks callbacks, Prober::Options)
        : loop_(loop), callbacks_(std::move(callbacks)) {}

    std::set<Address>* unreachable = nullptr;  // routers whose probes are lost
    std::chrono::microseconds rtt{5000};

    void send(const PathKey& path, const Address&, const Address& target,
              std::chrono::microseconds timeout) override {
        ++counters_[path].probes;
        ++counters_[path].packets_sent;
        // A reply later than the probe's timeout is a loss, as in Prober.
        const bool lost =
            (unreachable != nullptr && unreachable->count(path.router) > 0) || rtt > timeout;
        const auto after = lost ? timeout : rtt;
        const std::uint64_t id = next_++;
        pending_[id] = loop_.add_timer(loop_.now() + after, [this, id, path, target, lost] {
            paths_.erase(id);
            pending_.erase(id);  // destroys this callback's source: the loop called a copy
            if (lost) {
                ++counters_[path].losses;
                callbacks_.on_loss(path, target);
            } else {
                ++counters_[path].replies;
                callbacks_.on_reply(path, target, rtt);
            }
        });
        paths_[id] = path;
    }
    void set_timeout(std::chrono::milliseconds) override {}  // no late replies here
    void forget(const PathKey& path) override {
        for (auto it = paths_.begin(); it != paths_.end();) {
            if (it->second == path) {
                pending_.erase(it->first);
                it = paths_.erase(it);
            } else {
                ++it;
            }
        }
        counters_.erase(path);
    }
    ProbeCounters counters(const PathKey& path) const override {
        const auto it = counters_.find(path);
        return it == counters_.end() ? ProbeCounters{} : it->second;
    }

  private:
    EventLoop& loop_;
    Prober::Callbacks callbacks_;
    std::uint64_t next_ = 0;
    std::map<std::uint64_t, EventSource> pending_;
    std::map<std::uint64_t, PathKey> paths_;
    std::map<PathKey, ProbeCounters> counters_;
};

// What the daemon published on the bus.
class FakeBus final : public BusPort {
  public:
    explicit FakeBus(Hooks h) : hooks(std::move(h)), reload(hooks.reload) {}
    void start() override { started = true; }
    void stop() override { stopped = true; }
    void publish(std::vector<PathReport> p, PolicyTable, std::vector<ApplicationReport> a,
                 const std::string& reason) override {
        paths = std::move(p);
        applications = std::move(a);
        ++publications;
        if (!reason.empty()) {
            reasons.push_back(reason);
        }
    }
    void set_lifecycle(std::optional<std::string> l) override { lifecycle = std::move(l); }

    Hooks hooks;
    std::function<dbus::ReloadResult()> reload;
    bool started = false;
    bool stopped = false;
    int publications = 0;
    std::vector<PathReport> paths;
    std::vector<ApplicationReport> applications;
    std::vector<std::string> reasons;
    std::optional<std::string> lifecycle;
};

// The kernel's MPTCP path manager: endpoints by id, limits.
// The mptcpify program (mptcp = true): loaded while one exists, its uid map.
class FakeMptcpify final : public MptcpifyPort {
  public:
    struct State {
        std::string refusal;  // non-empty: the factory fails with it
        bool fail_set_uids = false;
        int loads = 0;
        bool loaded = false;
        std::vector<std::uint32_t> uids;  // the map
    };
    static MptcpifyFactory factory(State& state) {
        return [&state](std::string& error) -> std::unique_ptr<MptcpifyPort> {
            if (!state.refusal.empty()) {
                error = state.refusal;
                return nullptr;
            }
            return std::make_unique<FakeMptcpify>(state);
        };
    }
    explicit FakeMptcpify(State& state) : state_(state) {
        ++state_.loads;
        state_.loaded = true;
    }
    ~FakeMptcpify() override {
        // The kernel frees the map with the program.
        state_.loaded = false;
        state_.uids.clear();
    }
    FakeMptcpify(const FakeMptcpify&) = delete;
    FakeMptcpify& operator=(const FakeMptcpify&) = delete;
    bool set_uids(const std::vector<std::uint32_t>& uids, std::string& error) override {
        if (state_.fail_set_uids) {
            error = "the map is full";
            return false;
        }
        state_.uids = uids;
        return true;
    }

  private:
    State& state_;
};

class FakeMptcpPm final : public MptcpPmPort {
  public:
    struct State {
        std::map<std::uint8_t, MptcpEndpoint> endpoints;
        MptcpLimits limits;
    };
    explicit FakeMptcpPm(State& state) : state_(state) {}
    std::vector<MptcpEndpoint> endpoints() override {
        std::vector<MptcpEndpoint> out;
        for (const auto& [id, e] : state_.endpoints) {
            out.push_back(e);
        }
        return out;
    }
    void add(const MptcpEndpoint& e) override { state_.endpoints[e.id] = e; }
    void remove(std::uint8_t id) override { state_.endpoints.erase(id); }
    void set_flags(const MptcpEndpoint& e) override {
        auto& current = state_.endpoints.at(e.id);
        current.flags = (current.flags & ~mptcp_flag::backup) | (e.flags & mptcp_flag::backup);
    }
    MptcpLimits limits() override { return state_.limits; }
    void set_limits(const MptcpLimits& l) override { state_.limits = l; }

  private:
    State& state_;
};

// The units' cgroups: what the daemon last asked for, every call kept.
// `unavailable` makes it a port that cannot work (no libbpf1, ...).
class FakeUnitSources final : public UnitSourcePort {
  public:
    struct Record {
        std::vector<UnitWants> applied;  // one entry per apply()
        int made = 0;                    // ports made
        int destroyed = 0;               // ports destroyed (every program detached)
        std::string unavailable;
    };
    explicit FakeUnitSources(Record& record) : record_(record) { ++record_.made; }
    ~FakeUnitSources() override { ++record_.destroyed; }
    std::string unavailable_reason() const override { return record_.unavailable; }
    void apply(const UnitWants& wants) override { record_.applied.push_back(wants); }

  private:
    Record& record_;
};

}  // namespace multi6d::test
