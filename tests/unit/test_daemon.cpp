// The real Daemon over fake ports (daemon_fakes.hpp): RAs, rtnetlink events,
// probe outcomes, reloads and stops go in where the kernel and the bus
// would deliver them; the kernel state, the bus and the MPTCP path manager
// are read back where the kernel would hold them. A clock of the test's own
// (fake_loop.hpp): no root, no sleeps.
#include "daemon.hpp"

#include <gtest/gtest.h>
#include <linux/if_addr.h>

#include <algorithm>
#include <csignal>
#include <fstream>

#include "config_loader.hpp"
#include "daemon_fakes.hpp"
#include "ra_builder.hpp"
#include "temp_dir.hpp"

namespace multi6d {
namespace {

using namespace std::chrono_literals;
using test::FakeKernel;

constexpr int eth0 = 2;
constexpr int eth1 = 3;

Prefix pfx(const char* text) {
    return *Prefix::parse(text);
}
Address addr(const char* text) {
    return *Address::parse(text);
}

std::vector<std::uint8_t> ra_bytes(const char* prefix, unsigned preference,
                                   std::uint16_t router_lifetime = 1800,
                                   std::uint32_t preferred = 14400) {
    test::PioSpec pio;
    pio.prefix = prefix;
    pio.preferred = preferred;
    return test::RaBuilder()
        .router_lifetime(router_lifetime)
        .preference(preference)
        .pio(pio)
        .build();
}

// The gateway of the lowest-metric default route in `table` (the kernel's
// choice while every neighbour is reachable).
std::optional<Address> default_gateway(const KernelState& k, TableId table) {
    const PathRoute* best = nullptr;
    for (const PathRoute& r : k.routes) {
        if (r.table == table && r.destination.length() == 0 &&
            (best == nullptr || r.metric < best->metric)) {
            best = &r;
        }
    }
    return best != nullptr ? std::optional<Address>(best->gateway) : std::nullopt;
}

// The table the source rule of `prefix` leads to.
std::optional<TableId> rule_table(const KernelState& k, const Prefix& prefix) {
    for (const SourceRule& r : k.rules) {
        if (r.source == prefix) {
            return r.table;
        }
    }
    return std::nullopt;
}

class DaemonTest : public ::testing::Test {
  protected:
    DaemonTest() {
        command_line.runtime_dir = (dir.path() / "run").string();
        command_line.config_file = (dir.path() / "multi6d.toml").string();
        command_line.config_file_given = true;
        write_config("");
        config.mptcp.enabled = false;
    }
    ~DaemonTest() override {
        if (daemon) {
            daemon->stop();
        }
    }

    void write_config(const std::string& text) { std::ofstream(command_line.config_file) << text; }

    // Builds the daemon over fakes and starts it: two links up, one address
    // each in 2001:db8:a::/64 (eth0) and 2001:db8:b::/64 (eth1).
    void start() {
        auto fake_loop = std::make_unique<test::FakeLoop>();
        loop = fake_loop.get();
        DaemonPorts ports;
        ports.loop = std::move(fake_loop);
        ports.kernel = [this] {
            auto k = std::make_unique<FakeKernel>();
            k->features.source_specific_routes = kernel_takes_source_routes;
            kernel = k.get();
            return k;
        };
        ports.ra_socket = [this] {
            auto s = std::make_unique<test::FakeRaSocket>();
            ra = s.get();
            return s;
        };
        ports.netlink = [this](EventLoop&, NetlinkHandlers handlers) {
            auto w = std::make_unique<test::FakeLinkWatcher>(std::move(handlers));
            w->links = {LinkInfo{eth0, "eth0", true, false}, LinkInfo{eth1, "eth1", true, false}};
            w->addresses = {address(eth0, "2001:db8:a::10"), address(eth1, "2001:db8:b::10")};
            w->neighbours = dumped_neighbours;
            netlink = w.get();
            return w;
        };
        ports.prober = [this](EventLoop& l, Prober::Callbacks c, Prober::Options o) {
            auto n = std::make_unique<test::FakeNetwork>(l, std::move(c), o);
            n->unreachable = &unreachable;
            return n;
        };
        ports.bus = [this](EventLoop&, BusPort::Hooks hooks) {
            auto b = std::make_unique<test::FakeBus>(std::move(hooks));
            bus = b.get();
            return b;
        };
        ports.mptcp = [this](const std::filesystem::path& record) {
            return std::make_unique<MptcpEndpoints>(std::make_unique<test::FakeMptcpPm>(mptcp),
                                                    record);
        };
        ports.mptcpify = test::FakeMptcpify::factory(mptcpify);
        ports.link_managers = [this] {
            return LinkManagerProbe(dir.path() / "root", [](int) { return false; });
        };
        ports.units = [this](EventLoop&) {
            return std::make_unique<test::FakeUnitSources>(unit_sources);
        };
        ports.notify = [this](const std::string& state) { notified.push_back(state); };
        daemon = std::make_unique<Daemon>(command_line, config, std::move(ports));
        daemon->start();
        loop->run_until_idle();
    }

    static AddressInfo address(int ifindex, const char* text) {
        AddressInfo a;
        a.ifindex = ifindex;
        a.address = addr(text);
        a.prefix_length = 64;
        a.flags = IFA_F_PERMANENT;
        a.valid_lifetime = a.preferred_lifetime = 0xffffffffU;
        return a;
    }
    void receive_ra(int ifindex, const char* router, const char* prefix,
                    unsigned preference = test::prf_medium) {
        ra->queue.push_back({ifindex, addr(router), ra_bytes(prefix, preference)});
        loop->readable(test::FakeRaSocket::fake_fd);
    }
    // Path A (eth0, high preference) and path B (eth1).
    void two_paths() {
        receive_ra(eth0, "fe80::a", "2001:db8:a::", test::prf_high);
        receive_ra(eth1, "fe80::b", "2001:db8:b::");
    }

    test::TempDir dir{"multi6d-daemon"};
    CommandLine command_line;
    Config config;
    test::FakeLoop* loop = nullptr;
    FakeKernel* kernel = nullptr;
    bool kernel_takes_source_routes = true;  // what the fake kernel's probe finds
    test::FakeRaSocket* ra = nullptr;
    test::FakeLinkWatcher* netlink = nullptr;
    test::FakeBus* bus = nullptr;
    test::FakeMptcpPm::State mptcp;
    test::FakeMptcpify::State mptcpify;
    std::set<Address> unreachable;
    // The kernel's neighbour table as start() reads it (RTM_GETNEIGH dump).
    std::vector<test::FakeLinkWatcher::Neighbour> dumped_neighbours;
    std::vector<std::string> notified;
    test::FakeUnitSources::Record unit_sources;
    std::unique_ptr<Daemon> daemon;
};

TEST_F(DaemonTest, RouterAdvertisementBecomesRulesRoutesAndLabels) {
    start();
    EXPECT_EQ(kernel->held, KernelState{});
    receive_ra(eth0, "fe80::a", "2001:db8:a::");
    const KernelState& k = kernel->held;
    EXPECT_TRUE(k.suppress_rule);
    EXPECT_EQ(k.managed_links, std::set<int>{eth0});
    ASSERT_TRUE(kernel->label_of(pfx("2001:db8:a::/64")).has_value());
    EXPECT_EQ(kernel->generic_label(), kernel->label_of(pfx("2001:db8:a::/64")));
    bool rule = false;
    for (const SourceRule& r : k.rules) {
        rule = rule || r.source == pfx("2001:db8:a::/64");
    }
    EXPECT_TRUE(rule);
    bool default_route = false;
    for (const PathRoute& r : k.routes) {
        default_route = default_route || (r.destination.length() == 0 &&
                                          r.gateway == addr("fe80::a") && r.ifindex == eth0);
    }
    EXPECT_TRUE(default_route);
    ASSERT_EQ(bus->paths.size(), 1U);
    EXPECT_NE(std::find(notified.begin(), notified.end(), "READY=1"), notified.end());
    EXPECT_EQ(notified.back().rfind("STATUS=1 path(s); generic destinations: 2001:db8:a::/64", 0),
              0U)
        << notified.back();
}

// Issue 13 item 5: the unbound-lookups table holds the routes a kernel with
// RFC 6724 Rule 5.5 consults exactly when the kernel's probe says it takes
// source-specific routes; without them everything else is the same.
std::set<PathRoute> source_specific_routes(const KernelState& k) {
    std::set<PathRoute> out;
    for (const PathRoute& r : k.routes) {
        if (r.source.length() != 0) {
            out.insert(r);
        }
    }
    return out;
}

TEST_F(DaemonTest, Rule55RoutesWhereTheKernelTakesSourceSpecificRoutes) {
    start();
    two_paths();
    const std::set<PathRoute> expected{
        PathRoute{owned::unbound_table, Prefix(), addr("fe80::a"), eth0, 1024,
                  pfx("2001:db8:a::/64")},
        PathRoute{owned::unbound_table, Prefix(), addr("fe80::b"), eth1, 1024,
                  pfx("2001:db8:b::/64")},
    };
    EXPECT_EQ(source_specific_routes(kernel->held), expected);
}

TEST_F(DaemonTest, NoRule55RoutesWhereTheKernelRefusesThem) {
    kernel_takes_source_routes = false;
    start();
    two_paths();
    EXPECT_TRUE(source_specific_routes(kernel->held).empty());
    EXPECT_TRUE(kernel->generic_label().has_value());
}

TEST_F(DaemonTest, RaFromAnUnmanagedLinkIsIgnored) {
    config.managed_links = {"eth1"};
    start();
    receive_ra(eth0, "fe80::a", "2001:db8:a::");
    EXPECT_EQ(kernel->held, KernelState{});
}

TEST_F(DaemonTest, FailoverMovesTheGenericLabel) {
    start();
    two_paths();
    const auto label_a = kernel->label_of(pfx("2001:db8:a::/64"));
    const auto label_b = kernel->label_of(pfx("2001:db8:b::/64"));
    ASSERT_TRUE(label_a && label_b);
    EXPECT_EQ(kernel->generic_label(), label_a);
    loop->advance(1s);  // both paths answer: a later silence is evidence

    unreachable.insert(addr("fe80::a"));
    loop->advance(30s);
    EXPECT_EQ(kernel->generic_label(), label_b);
    ASSERT_FALSE(bus->reasons.empty());
    EXPECT_NE(bus->reasons.back().find("down"), std::string::npos) << bus->reasons.back();
    EXPECT_NE(bus->reasons.back().find("-> generic destinations: 2001:db8:b::/64 via fe80::b"),
              std::string::npos)
        << bus->reasons.back();

    unreachable.clear();
    loop->advance(120s);
    EXPECT_EQ(kernel->generic_label(), label_a);
}

TEST_F(DaemonTest, CountersFollowRasFailoverRecoveryAndRepairs) {
    start();
    const auto counters = [this] { return bus->hooks.counters(); };
    const PathKey a{eth0, pfx("2001:db8:a::/64"), addr("fe80::a")};
    // The first choice, before any RA: the kernel's defaults.
    EXPECT_EQ(counters().policy_changes, 1U);
    two_paths();
    EXPECT_EQ(counters().router_advertisements_received, 2U);
    EXPECT_EQ(counters().router_advertisements_rejected, 0U);
    EXPECT_EQ(counters().policy_changes, 2U);  // path A
    EXPECT_EQ(counters().failovers, 0U);
    // Too short to be an RA (RFC 4861 §6.1.2): read, rejected.
    ra->queue.push_back({eth0, addr("fe80::a"), std::vector<std::uint8_t>{134, 0, 0, 0}});
    loop->readable(test::FakeRaSocket::fake_fd);
    EXPECT_EQ(counters().router_advertisements_received, 3U);
    EXPECT_EQ(counters().router_advertisements_rejected, 1U);

    loop->advance(5s);
    const PathCounters up = bus->hooks.path_counters(a);
    EXPECT_GT(up.probes_sent, 0U);
    EXPECT_EQ(up.probes_lost, 0U);
    EXPECT_EQ(up.state_changes, 1U);  // unknown -> up
    // Both paths start unknown and the probe schedule is jittered: when B's
    // first reply comes before A's, B (up) ranks before A (still unknown)
    // for a moment, so the count of start-up changes is 2 or 4. What
    // follows is counted from here.
    const std::uint64_t changes = counters().policy_changes;
    EXPECT_TRUE(changes == 2U || changes == 4U) << changes;
    EXPECT_EQ(counters().failovers, 0U);

    unreachable.insert(addr("fe80::a"));
    loop->advance(30s);
    EXPECT_EQ(counters().policy_changes, changes + 1);
    EXPECT_EQ(counters().failovers, 1U);
    const PathCounters down = bus->hooks.path_counters(a);
    EXPECT_GT(down.probes_lost, 0U);
    EXPECT_GE(down.probes_sent, up.probes_sent + down.probes_lost);
    EXPECT_EQ(down.state_changes, 2U);  // up -> down

    unreachable.clear();
    loop->advance(120s);
    EXPECT_EQ(counters().policy_changes, changes + 2);  // back to A: a change, not a failover
    EXPECT_EQ(counters().failovers, 1U);
    EXPECT_EQ(bus->hooks.path_counters(a).state_changes, 3U);

    // Someone removes an owned rule: put back, counted.
    EXPECT_EQ(counters().repairs, 0U);
    ASSERT_FALSE(kernel->held.rules.empty());
    kernel->held.rules.erase(kernel->held.rules.begin());
    netlink->handlers.owned_state_changed();
    loop->run_until_idle();
    EXPECT_EQ(counters().repairs, 1U);
}

// Issue 17 item 4: each application's choice on the bus (Applications,
// ListPaths), a PolicyChanged reason when it changes, and its moves counted
// from the first path it got (start-up before the routers answer is not a
// move).
TEST_F(DaemonTest, ApplicationChoicesArePublishedAndTheirMovesCounted) {
    UplinkConfig isp_a;
    isp_a.name = "isp-a";
    isp_a.match_prefixes = {pfx("2001:db8:a::/64")};
    UplinkConfig isp_b;
    isp_b.name = "isp-b";
    isp_b.match_prefixes = {pfx("2001:db8:b::/64")};
    config.uplinks = {isp_a, isp_b};
    ApplicationConfig backup;
    backup.name = "backup";
    backup.users = {"65534"};
    backup.uids = {65534};
    backup.uplinks = {"isp-b"};
    config.applications = {backup};
    start();
    const auto moves = [this] {
        const auto m = bus->hooks.counters().application_moves;
        const auto it = m.find("backup");
        return it == m.end() ? std::uint64_t{0} : it->second;
    };
    ASSERT_EQ(bus->applications.size(), 1U);
    EXPECT_EQ(bus->applications[0].name, "backup");
    EXPECT_EQ(bus->applications[0].path_id, "");  // no router yet: the generic policy

    two_paths();
    loop->advance(5s);
    const std::string path_b = "eth1/2001:db8:b::/64/fe80::b";
    ASSERT_EQ(bus->applications.size(), 1U);
    EXPECT_EQ(bus->applications[0].uplink, "isp-b");
    EXPECT_EQ(bus->applications[0].path_id, path_b);
    EXPECT_EQ(bus->applications[0].source, addr("2001:db8:b::10"));
    EXPECT_EQ(bus->applications[0].uplinks, std::vector<std::string>{"isp-b"});
    EXPECT_EQ(moves(), 0U);
    const auto reason_with = [this](const std::string& text) {
        return std::ranges::any_of(
            bus->reasons, [&](const std::string& r) { return r.find(text) != std::string::npos; });
    };
    EXPECT_TRUE(reason_with("application backup: uplink isp-b: 2001:db8:b::10 via fe80::b"));

    // B fails: the generic policy (fallback), one move.
    bus->reasons.clear();
    unreachable.insert(addr("fe80::b"));
    loop->advance(30s);
    EXPECT_EQ(bus->applications[0].path_id, "");
    EXPECT_FALSE(bus->applications[0].blocked);
    EXPECT_EQ(moves(), 1U);
    EXPECT_TRUE(reason_with("application backup: generic policy"))
        << ::testing::PrintToString(bus->reasons);

    // B recovers: back, a second move.
    unreachable.clear();
    loop->advance(120s);
    EXPECT_EQ(bus->applications[0].path_id, path_b);
    EXPECT_EQ(moves(), 2U);
}

// fallback = false: blocked while B is down, on the bus as such.
TEST_F(DaemonTest, ABlockedApplicationIsPublishedAsBlocked) {
    UplinkConfig isp_b;
    isp_b.name = "isp-b";
    isp_b.match_prefixes = {pfx("2001:db8:b::/64")};
    config.uplinks = {isp_b};
    ApplicationConfig backup;
    backup.name = "backup";
    backup.users = {"65534"};
    backup.uids = {65534};
    backup.uplinks = {"isp-b"};
    backup.fallback = false;
    config.applications = {backup};
    start();
    two_paths();
    loop->advance(5s);
    ASSERT_EQ(bus->applications.size(), 1U);
    EXPECT_FALSE(bus->applications[0].blocked);
    unreachable.insert(addr("fe80::b"));
    loop->advance(30s);
    EXPECT_TRUE(bus->applications[0].blocked);
    EXPECT_EQ(bus->applications[0].uplink, "");
    EXPECT_EQ(bus->hooks.counters().application_moves.at("backup"), 1U);
}

// Issue 17 item 2: the units' cgroups get the application's choice, follow
// its moves (a cut moves them as it moves uids), and the port exists only
// while units are configured.
TEST_F(DaemonTest, UnitsGetTheApplicationsChoiceAndFollowItsMoves) {
    UplinkConfig isp_b;
    isp_b.name = "isp-b";
    isp_b.match_prefixes = {pfx("2001:db8:b::/64")};
    config.uplinks = {isp_b};
    ApplicationConfig backup;
    backup.name = "backup";
    backup.units = {"backup.service"};
    backup.uplinks = {"isp-b"};
    backup.fallback = false;
    config.applications = {backup};
    start();
    EXPECT_EQ(unit_sources.made, 1);
    two_paths();
    loop->advance(5s);
    ASSERT_FALSE(unit_sources.applied.empty());
    const UnitWant bind{"backup", UnitAction::Bind, addr("2001:db8:b::10")};
    EXPECT_EQ(unit_sources.applied.back(), (UnitWants{{"backup.service", bind}}));
    // Only changes reach the port.
    const std::size_t calls = unit_sources.applied.size();
    loop->advance(5s);
    EXPECT_EQ(unit_sources.applied.size(), calls);

    unreachable.insert(addr("fe80::b"));
    loop->advance(30s);
    EXPECT_EQ(unit_sources.applied.back(),
              (UnitWants{{"backup.service", UnitWant{"backup", UnitAction::Block, Address()}}}));
    unreachable.clear();
    loop->advance(120s);
    EXPECT_EQ(unit_sources.applied.back(), (UnitWants{{"backup.service", bind}}));

    // A reload without units lets the port go (every program detached).
    write_config("[[uplink]]\nname = \"isp-b\"\nmatch_prefixes = [\"2001:db8:b::/64\"]\n");
    ASSERT_TRUE(bus->reload().ok);
    loop->run_until_idle();
    EXPECT_EQ(unit_sources.destroyed, 1);
    // And one with units makes a new one, given the wants at once.
    write_config(
        "[[uplink]]\nname = \"isp-b\"\nmatch_prefixes = [\"2001:db8:b::/64\"]\n"
        "[[application]]\nname = \"backup\"\nunits = [\"backup.service\"]\n"
        "uplinks = [\"isp-b\"]\n");
    ASSERT_TRUE(bus->reload().ok);
    loop->run_until_idle();
    EXPECT_EQ(unit_sources.made, 2);
    EXPECT_EQ(unit_sources.applied.back(), (UnitWants{{"backup.service", bind}}));
    daemon->stop();
    daemon.reset();
    EXPECT_EQ(unit_sources.destroyed, 2);
}

// No libbpf1, no cgroup2, no CAP_BPF: the port is dropped, and users,
// groups and everything else work as before.
TEST_F(DaemonTest, UnitsThatCannotBeSteeredLeaveTheRestWorking) {
    unit_sources.unavailable = "cannot open libbpf.so.1 (package libbpf1)";
    UplinkConfig isp_b;
    isp_b.name = "isp-b";
    isp_b.match_prefixes = {pfx("2001:db8:b::/64")};
    config.uplinks = {isp_b};
    ApplicationConfig backup;
    backup.name = "backup";
    backup.users = {"65534"};
    backup.uids = {65534};
    backup.units = {"backup.service"};
    backup.uplinks = {"isp-b"};
    config.applications = {backup};
    start();
    two_paths();
    loop->advance(5s);
    EXPECT_EQ(unit_sources.made, 1);
    EXPECT_EQ(unit_sources.destroyed, 1);
    EXPECT_TRUE(unit_sources.applied.empty());
    const bool uid_rule = std::ranges::any_of(
        kernel->held.rules, [](const SourceRule& r) { return r.uids.has_value(); });
    EXPECT_TRUE(uid_rule);
}

// A daemon whose configuration lists no unit never makes the port (no
// libbpf, no inotify descriptor: issue 14).
TEST_F(DaemonTest, NoUnitsNoPort) {
    start();
    two_paths();
    loop->advance(5s);
    EXPECT_EQ(unit_sources.made, 0);
}

// Issue 17 item 5: mptcp = true loads the mptcpify program for the
// application's uids, follows reloads, and goes when no application needs
// it and at stop.
TEST_F(DaemonTest, MptcpifyIsLoadedOnlyWhileAnApplicationNeedsIt) {
    const std::string uplink =
        "[[uplink]]\nname = \"isp-b\"\nmatch_prefixes = [\"2001:db8:b::/64\"]\n";
    const auto application = [&](const std::string& users, bool on) {
        return uplink + "[[application]]\nname = \"web\"\nusers = [" + users +
               "]\nuplinks = [\"isp-b\"]\nmptcp = " + (on ? "true" : "false") + "\n";
    };
    write_config(application("\"65534\"", false));
    config = load_config(command_line.config_file, true).config;
    start();
    EXPECT_EQ(mptcpify.loads, 0);  // mptcp = false: no program
    ASSERT_EQ(bus->applications.size(), 1U);
    EXPECT_EQ(bus->applications[0].mptcp, MptcpState::Off);

    write_config(application("\"65534\"", true));
    ASSERT_TRUE(bus->reload().ok);
    loop->run_until_idle();
    EXPECT_TRUE(mptcpify.loaded);
    EXPECT_EQ(mptcpify.uids, (std::vector<std::uint32_t>{65534}));
    EXPECT_EQ(bus->applications[0].mptcp, MptcpState::On);

    // Another uid: the same program, its map updated.
    write_config(application("\"65534\", \"1000\"", true));
    ASSERT_TRUE(bus->reload().ok);
    loop->run_until_idle();
    EXPECT_EQ(mptcpify.loads, 1);
    EXPECT_EQ(mptcpify.uids, (std::vector<std::uint32_t>{1000, 65534}));

    write_config(application("\"65534\"", false));
    ASSERT_TRUE(bus->reload().ok);
    loop->run_until_idle();
    EXPECT_FALSE(mptcpify.loaded);
    EXPECT_EQ(bus->applications[0].mptcp, MptcpState::Off);

    write_config(application("\"65534\"", true));
    ASSERT_TRUE(bus->reload().ok);
    loop->run_until_idle();
    EXPECT_EQ(mptcpify.loads, 2);
    daemon->stop();
    EXPECT_FALSE(mptcpify.loaded);  // unloaded at stop
    daemon.reset();
}

// A uid belongs to the first application that lists it: its mptcp decides.
TEST_F(DaemonTest, MptcpifyTakesTheUidsTheirApplicationOwns) {
    UplinkConfig isp_b;
    isp_b.name = "isp-b";
    config.uplinks = {isp_b};
    ApplicationConfig plain;
    plain.name = "plain";
    plain.uids = {1000};
    plain.uplinks = {"isp-b"};
    ApplicationConfig web;
    web.name = "web";
    web.uids = {1000, 65534};
    web.uplinks = {"isp-b"};
    web.mptcp = true;
    config.applications = {plain, web};
    start();
    EXPECT_EQ(mptcpify.uids, (std::vector<std::uint32_t>{65534}));
}

// A host that cannot load it: one line naming what is missing, the
// application's rules as always, "unavailable" on the bus.
TEST_F(DaemonTest, MptcpifyThatCannotLoadIsALogLineAndUnavailable) {
    UplinkConfig isp_b;
    isp_b.name = "isp-b";
    isp_b.match_prefixes = {pfx("2001:db8:b::/64")};
    config.uplinks = {isp_b};
    ApplicationConfig web;
    web.name = "web";
    web.uids = {65534};
    web.uplinks = {"isp-b"};
    web.mptcp = true;
    config.applications = {web};
    mptcpify.refusal = "the kernel has no BTF";
    testing::internal::CaptureStderr();
    start();
    two_paths();
    loop->advance(5s);
    const std::string logged = testing::internal::GetCapturedStderr();
    EXPECT_NE(logged.find("mptcp = true (application web): cannot load the mptcpify BPF program: "
                          "the kernel has no BTF; their TCP sockets stay TCP"),
              std::string::npos)
        << logged;
    EXPECT_FALSE(mptcpify.loaded);
    ASSERT_EQ(bus->applications.size(), 1U);
    EXPECT_EQ(bus->applications[0].mptcp, MptcpState::Unavailable);
    EXPECT_EQ(bus->applications[0].uplink, "isp-b");  // the uid policy still works
    const bool uid_rule = std::ranges::any_of(kernel->held.rules, [](const SourceRule& r) {
        return r.uids == UidRange{65534, 65534} && !r.unreachable;
    });
    EXPECT_TRUE(uid_rule);
}

// Issue 13 regression: after router lifetime 0 (and with the other prefix
// deprecated, so no generic path is left) the rule of A's still-valid
// address led to an empty table: "Network is unreachable" from it and open
// connections froze. It must lead via the remaining default router.
TEST_F(DaemonTest, RouterLifetimeZeroKeepsARouteForTheValidAddress) {
    start();
    two_paths();
    ra->queue.push_back(
        {eth1, addr("fe80::b"), ra_bytes("2001:db8:b::", test::prf_medium, 1800, 0)});
    loop->readable(test::FakeRaSocket::fake_fd);
    ra->queue.push_back({eth0, addr("fe80::a"), ra_bytes("2001:db8:a::", test::prf_high, 0)});
    loop->readable(test::FakeRaSocket::fake_fd);
    loop->advance(1s);
    const auto table_a = rule_table(kernel->held, pfx("2001:db8:a::/64"));
    ASSERT_TRUE(table_a.has_value());
    EXPECT_EQ(default_gateway(kernel->held, *table_a), addr("fe80::b"));
    // B's deprecated address keeps its own router for existing connections.
    const auto table_b = rule_table(kernel->held, pfx("2001:db8:b::/64"));
    ASSERT_TRUE(table_b.has_value());
    EXPECT_EQ(default_gateway(kernel->held, *table_b), addr("fe80::b"));
    // A is back: its own router first again.
    receive_ra(eth0, "fe80::a", "2001:db8:a::", test::prf_high);
    loop->advance(1s);
    EXPECT_EQ(default_gateway(kernel->held, *table_a), addr("fe80::a"));
}

const PathReport* report_of(const std::vector<PathReport>& paths, const char* router) {
    for (const PathReport& p : paths) {
        if (p.key.router == addr(router)) {
            return &p;
        }
    }
    return nullptr;
}

// Issue 13: a router that answers neighbour solicitation but not echo (no
// upstream target either) was declared down ~0.5 s after its first RA, for
// every path, and the log said "no usable path (kernel defaults)". No
// answer is no evidence: the paths stay unknown and usable, and D-Bus
// says why.
TEST_F(DaemonTest, RoutersThatNeverAnswerEchoLeaveThePathsUnknownAndUsable) {
    start();
    unreachable = {addr("fe80::a"), addr("fe80::b")};
    two_paths();
    loop->advance(60s);
    ASSERT_EQ(bus->paths.size(), 2U);
    for (const PathReport& p : bus->paths) {
        EXPECT_EQ(p.metrics.state, PathHealth::Unknown) << p.id;
        EXPECT_NE(p.state_reason.find("no evidence the path is down"), std::string::npos)
            << p.state_reason;
    }
    // Router preference decides, as with the kernel alone.
    EXPECT_EQ(kernel->generic_label(), kernel->label_of(pfx("2001:db8:a::/64")));
    EXPECT_NE(notified.back().find("generic destinations: 2001:db8:a::/64 via fe80::a"),
              std::string::npos)
        << notified.back();
}

// A path known to be up ranks before one that never answered.
TEST_F(DaemonTest, UnknownPathRanksAfterAnUpOne) {
    start();
    unreachable = {addr("fe80::a")};
    two_paths();
    loop->advance(10s);
    EXPECT_EQ(report_of(bus->paths, "fe80::a")->metrics.state, PathHealth::Unknown);
    EXPECT_EQ(report_of(bus->paths, "fe80::b")->metrics.state, PathHealth::Up);
    EXPECT_EQ(kernel->generic_label(), kernel->label_of(pfx("2001:db8:b::/64")));
}

// The router's neighbour entry failing is evidence of its own: the path
// goes down at once, whatever the probes said, and comes back with it.
TEST_F(DaemonTest, FailedNeighbourEntryTakesThePathDown) {
    start();
    two_paths();
    loop->advance(1s);
    const auto label_a = kernel->label_of(pfx("2001:db8:a::/64"));
    const auto label_b = kernel->label_of(pfx("2001:db8:b::/64"));
    ASSERT_EQ(kernel->generic_label(), label_a);
    netlink->handlers.neighbour_changed(eth0, addr("fe80::a"), NeighbourState::Failed);
    loop->run_until_idle();
    EXPECT_EQ(kernel->generic_label(), label_b);
    const PathReport* a = report_of(bus->paths, "fe80::a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->metrics.state, PathHealth::Down);
    EXPECT_EQ(a->state_reason,
              "neighbour entry of router fe80::a failed (the kernel's solicitations went "
              "unanswered)");
    ASSERT_FALSE(bus->reasons.empty());
    EXPECT_NE(bus->reasons.back().find("neighbour entry of router fe80::a failed"),
              std::string::npos)
        << bus->reasons.back();
    netlink->handlers.neighbour_changed(eth0, addr("fe80::a"), NeighbourState::Reachable);
    loop->run_until_idle();
    EXPECT_EQ(kernel->generic_label(), label_a);
    EXPECT_EQ(report_of(bus->paths, "fe80::a")->metrics.state, PathHealth::Up);
}

// The kernel's neighbour table read at start-up counts: router A's entry
// failed before multi6d started (or before A's first RA was read), and no
// event will say so again. Before the dump was used, only later events
// counted and A's path was ranked first on its probes' word.
TEST_F(DaemonTest, NeighbourEntryFailedBeforeStartTakesThePathDown) {
    dumped_neighbours = {{eth0, addr("fe80::a"), NeighbourState::Failed},
                         {eth1, addr("fe80::b"), NeighbourState::Unconfirmed}};
    start();
    two_paths();
    loop->run_until_idle();
    const PathReport* a = report_of(bus->paths, "fe80::a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->metrics.state, PathHealth::Down);
    EXPECT_EQ(a->state_reason,
              "neighbour entry of router fe80::a failed (the kernel's solicitations went "
              "unanswered)");
    EXPECT_EQ(kernel->generic_label(), kernel->label_of(pfx("2001:db8:b::/64")));
}

// A router that stopped answering solicitations but still advertises: each
// RA makes the kernel's entry STALE again, and the next traffic DELAY,
// PROBE and FAILED. Neither the RA nor the new probing shows the router
// answers, so the path stays down through the cycle; a confirmation
// (REACHABLE) brings it back. Before the hold, STALE counted as reachable
// and the path came back for a few seconds after every RA.
TEST_F(DaemonTest, FailedNeighbourStaysDownThroughItsNextRaAndProbe) {
    start();
    two_paths();
    loop->advance(1s);
    const auto label_a = kernel->label_of(pfx("2001:db8:a::/64"));
    const auto label_b = kernel->label_of(pfx("2001:db8:b::/64"));
    ASSERT_EQ(kernel->generic_label(), label_a);
    netlink->handlers.neighbour_changed(eth0, addr("fe80::a"), NeighbourState::Failed);
    loop->run_until_idle();
    ASSERT_EQ(kernel->generic_label(), label_b);
    for (const NeighbourState s : {NeighbourState::Unconfirmed, NeighbourState::Incomplete,
                                   NeighbourState::Unconfirmed, NeighbourState::Failed}) {
        receive_ra(eth0, "fe80::a", "2001:db8:a::", test::prf_high);
        netlink->handlers.neighbour_changed(eth0, addr("fe80::a"), s);
        loop->advance(1s);
        EXPECT_EQ(report_of(bus->paths, "fe80::a")->metrics.state, PathHealth::Down)
            << neighbour_state_name(s);
        EXPECT_EQ(kernel->generic_label(), label_b) << neighbour_state_name(s);
    }
    netlink->handlers.neighbour_changed(eth0, addr("fe80::a"), NeighbourState::Reachable);
    loop->run_until_idle();
    EXPECT_EQ(report_of(bus->paths, "fe80::a")->metrics.state, PathHealth::Up);
    EXPECT_EQ(kernel->generic_label(), label_a);
}

TEST_F(DaemonTest, ReloadAppliesAGoodConfigurationAndKeepsTheRunningOneOnErrors) {
    start();
    two_paths();
    const auto label_a = kernel->label_of(pfx("2001:db8:a::/64"));
    const auto label_b = kernel->label_of(pfx("2001:db8:b::/64"));
    ASSERT_EQ(kernel->generic_label(), label_a);

    write_config(
        "[[uplink]]\nname = \"isp-a\"\nmatch_prefixes = [\"2001:db8:a::/64\"]\n"
        "role = \"backup\"\n");
    const dbus::ReloadResult good = bus->reload();
    EXPECT_TRUE(good.ok) << good.error;
    loop->run_until_idle();
    EXPECT_EQ(kernel->generic_label(), label_b);

    write_config("[[uplink]]\nname = \"isp-a\"\nrole = \"sideways\"\n");
    const dbus::ReloadResult bad = bus->reload();
    EXPECT_FALSE(bad.ok);
    EXPECT_FALSE(bad.error.empty());
    loop->run_until_idle();
    EXPECT_EQ(kernel->generic_label(), label_b);  // the running configuration stays
}

TEST_F(DaemonTest, SighupReloads) {
    start();
    two_paths();
    write_config(
        "[[uplink]]\nname = \"isp-a\"\nmatch_prefixes = [\"2001:db8:a::/64\"]\n"
        "role = \"backup\"\n");
    loop->raise(SIGHUP);
    EXPECT_EQ(kernel->generic_label(), kernel->label_of(pfx("2001:db8:b::/64")));
}

TEST_F(DaemonTest, ABurstOfEventsEndsInOneReconcile) {
    config.probe.probe_routers = false;  // no health changes: only the burst reconciles
    start();
    receive_ra(eth0, "fe80::a", "2001:db8:a::");
    const int before = kernel->full_reads;
    // Several RAs and address events before the loop is idle again.
    ra->queue.push_back({eth1, addr("fe80::b"), ra_bytes("2001:db8:b::", test::prf_medium)});
    ra->queue.push_back({eth1, addr("fe80::c"), ra_bytes("2001:db8:c::", test::prf_medium)});
    netlink->handlers.address_changed(address(eth1, "2001:db8:c::10"));
    netlink->handlers.owned_state_changed();
    loop->readable(test::FakeRaSocket::fake_fd);
    EXPECT_EQ(kernel->full_reads - before, 1);
    EXPECT_TRUE(kernel->label_of(pfx("2001:db8:c::/64")).has_value());
}

TEST_F(DaemonTest, KernelErrorsAreRetriedWithBackOff) {
    config.probe.probe_routers = false;  // no health changes: only retries reconcile
    start();
    kernel->fail_next_writes = 1000;
    receive_ra(eth0, "fe80::a", "2001:db8:a::");
    EXPECT_FALSE(kernel->generic_label().has_value());
    // Retries after 1 s, then 2 s, then 4 s: three more attempts in 7 s.
    const int first = kernel->full_reads;
    loop->advance(999ms);
    EXPECT_EQ(kernel->full_reads, first);
    loop->advance(1ms);
    EXPECT_EQ(kernel->full_reads, first + 1);
    loop->advance(2s);
    EXPECT_EQ(kernel->full_reads, first + 2);
    loop->advance(3999ms);
    EXPECT_EQ(kernel->full_reads, first + 2);
    kernel->fail_next_writes = 0;
    loop->advance(1ms);
    EXPECT_EQ(kernel->full_reads, first + 3);
    EXPECT_EQ(kernel->generic_label(), kernel->label_of(pfx("2001:db8:a::/64")));
    // Success resets the back-off: no retry timer fires any more.
    const int settled = kernel->full_reads;
    loop->advance(60s);
    EXPECT_EQ(kernel->full_reads, settled);
}

TEST_F(DaemonTest, MptcpEndpointsWaitForTheStartHold) {
    config.mptcp.enabled = true;
    start();
    receive_ra(eth0, "fe80::a", "2001:db8:a::");
    loop->advance(1s);
    EXPECT_TRUE(mptcp.endpoints.empty());  // routers may not have answered yet
    loop->advance(1s);
    ASSERT_EQ(mptcp.endpoints.size(), 1U);
    const MptcpEndpoint& e = mptcp.endpoints.begin()->second;
    EXPECT_EQ(e.address, addr("2001:db8:a::10"));
    EXPECT_EQ(e.flags & mptcp_flag::backup, 0U);
    EXPECT_EQ(mptcp.limits.subflows, 8U);
}

TEST_F(DaemonTest, StopRemovesEverything) {
    config.mptcp.enabled = true;
    start();
    two_paths();
    loop->advance(3s);
    ASSERT_FALSE(kernel->held.rules.empty());
    ASSERT_FALSE(mptcp.endpoints.empty());
    daemon->stop();
    EXPECT_EQ(kernel->held, KernelState{});
    // The reconciler removed it all; the final sweep by mark found nothing.
    ASSERT_EQ(kernel->found_by_sweep.size(), 2U);  // at start and at stop
    EXPECT_EQ(kernel->found_by_sweep.back(), KernelState{});
    EXPECT_TRUE(mptcp.endpoints.empty());
    EXPECT_EQ(loop->exit_code(), std::optional<int>(0));
    EXPECT_EQ(notified.back().rfind("STOPPING=1", 0), 0U);
    // Routers are asked again for the links given back to the kernel.
    EXPECT_EQ(std::set<int>(ra->solicited.begin(), ra->solicited.end()),
              (std::set<int>{eth0, eth1}));
    daemon.reset();
}

}  // namespace
}  // namespace multi6d
