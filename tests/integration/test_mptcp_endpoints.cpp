// MptcpEndpoints against the real kernel's path manager (generic netlink
// family mptcp_pm), in a network namespace of its own.
//
// main() unshares a new network namespace before any test runs (root
// needed: the test fails, not skips, without it), so every endpoint and
// limit written here vanishes with the process. `ip mptcp`, started with
// popen(), runs in the same namespace and gives the independent view each
// check compares against.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "mptcp_endpoints.hpp"
#include "netns_test.hpp"

namespace multi6d {
namespace {

namespace fs = std::filesystem;
using test::must;
using test::run;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* link = "m6dm0";  // veth; its peer m6dm1 stays address-less

// `ip mptcp endpoint show`, one entry a line, trailing blanks removed,
// sorted.
std::vector<std::string> shown_endpoints() {
    std::vector<std::string> rows;
    std::istringstream in(must("ip mptcp endpoint show"));
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        if (!line.empty()) {
            rows.push_back(line);
        }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::string shown_limits() {
    std::string text = must("ip mptcp limits show");
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) {
        text.pop_back();
    }
    return text;
}

Address addr(const char* text) {
    return *Address::parse(text);
}
int ifindex() {
    return static_cast<int>(if_nametoindex(link));
}

class MptcpEndpointsKernelTest : public ::testing::Test {
  protected:
    void SetUp() override {
        must("ip mptcp endpoint flush");
        must("ip mptcp limits set subflows 2 add_addr_accepted 0");
        char pattern[] = "/tmp/m6d-mptcp-it-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        root = pattern;
        record = root / "mptcp-endpoints";
    }
    void TearDown() override { fs::remove_all(root); }

    std::unique_ptr<MptcpEndpoints> start() {
        auto m = std::make_unique<MptcpEndpoints>(record);
        EXPECT_TRUE(m->available()) << m->unavailable_reason();
        return m;
    }

    fs::path root;
    fs::path record;
    const Address a = addr("2001:db8:a::10");
    const Address b = addr("2001:db8:b::10");
};

TEST_F(MptcpEndpointsKernelTest, ApplyShowsExactlyTheDesiredEndpoints) {
    auto m = start();
    const MptcpReport r = m->apply({{a, {ifindex(), false}}, {b, {ifindex(), true}}});
    EXPECT_TRUE(r.complete()) << r.errors.front();
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:a::10 id 255 subflow dev m6dm0",
                                               "2001:db8:b::10 id 254 subflow backup dev m6dm0"));
    EXPECT_EQ(m->owned().size(), 2U);
    // Unbound endpoints (ifindex 0) have no device.
    m->apply({{a, {0, false}}});
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:a::10 id 255 subflow"));
}

TEST_F(MptcpEndpointsKernelTest, BackupTogglesInPlace) {
    auto m = start();
    m->apply({{a, {ifindex(), false}}, {b, {ifindex(), false}}});
    m->apply({{a, {ifindex(), true}}, {b, {ifindex(), false}}});
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:a::10 id 255 subflow backup dev m6dm0",
                                               "2001:db8:b::10 id 254 subflow dev m6dm0"));
    m->apply({{a, {ifindex(), false}}, {b, {ifindex(), true}}});
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:a::10 id 255 subflow dev m6dm0",
                                               "2001:db8:b::10 id 254 subflow backup dev m6dm0"));
}

TEST_F(MptcpEndpointsKernelTest, EndpointGoesWhenItsAddressGoes) {
    must("ip -6 addr add 2001:db8:c::10/64 dev m6dm0 nodad");
    const Address c = addr("2001:db8:c::10");
    auto m = start();
    m->apply({{a, {ifindex(), false}}, {c, {ifindex(), false}}});
    must("ip -6 addr del 2001:db8:c::10/64 dev m6dm0");
    // The kernel keeps the endpoint of a vanished address; the manager must
    // remove it once the address leaves the desired state.
    EXPECT_EQ(shown_endpoints().size(), 2U);
    const MptcpReport r = m->apply({{a, {ifindex(), false}}});
    EXPECT_THAT(r.changes, ElementsAre(HasSubstr("deleted MPTCP endpoint 2001:db8:c::10")));
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:a::10 id 255 subflow dev m6dm0"));
}

TEST_F(MptcpEndpointsKernelTest, ForeignEndpointsAreNeverDeletedAndOnlyTheirBackupFlagFollows) {
    // Unrelated address with a kernel-chosen id; one with an id in
    // multi6d's range; one on an address multi6d wants (as NetworkManager
    // adds them): only that one's backup flag follows, and is given back.
    must("ip mptcp endpoint add 2001:db8:9::1 subflow");
    must("ip mptcp endpoint add 2001:db8:9::2 id 255 signal");
    must("ip mptcp endpoint add 2001:db8:b::10 id 7 subflow");
    const std::vector<std::string> foreign = shown_endpoints();
    auto m = start();
    MptcpReport r = m->apply({{a, {ifindex(), true}}, {b, {ifindex(), true}}});
    EXPECT_THAT(r.notices, ElementsAre(HasSubstr("2001:db8:b::10 id 7 subflow was not added by "
                                                 "multi6d")));
    EXPECT_THAT(shown_endpoints(),
                ElementsAre("2001:db8:9::1 id 1 subflow", "2001:db8:9::2 id 255 signal",
                            "2001:db8:a::10 id 254 subflow backup dev m6dm0",
                            "2001:db8:b::10 id 7 subflow backup"));
    m->apply({{a, {ifindex(), false}}, {b, {ifindex(), false}}});
    m->apply({});
    EXPECT_EQ(shown_endpoints(), foreign);
    m->apply({{a, {ifindex(), false}}, {b, {ifindex(), true}}});
    r = m->remove_all_owned();
    EXPECT_TRUE(r.complete());
    EXPECT_EQ(shown_endpoints(), foreign);
}

TEST_F(MptcpEndpointsKernelTest, EndpointsAddedWithoutIdGetIdsBelowMultiSixDs) {
    // The id allocation relies on this kernel behaviour: after multi6d's
    // 255 the kernel wraps and hands out ids from 1 upwards.
    auto m = start();
    m->apply({{a, {0, false}}, {b, {0, false}}});
    must("ip mptcp endpoint add 2001:db8:9::1 subflow");
    must("ip mptcp endpoint add 2001:db8:9::2 subflow");
    EXPECT_THAT(shown_endpoints(),
                ElementsAre("2001:db8:9::1 id 1 subflow", "2001:db8:9::2 id 2 subflow",
                            "2001:db8:a::10 id 255 subflow", "2001:db8:b::10 id 254 subflow"));
}

TEST_F(MptcpEndpointsKernelTest, LimitsAreSetAndRestored) {
    must("ip mptcp limits set subflows 3 add_addr_accepted 1");
    auto m = start();
    EXPECT_TRUE(m->set_limits({8, 8}).complete());
    EXPECT_EQ(shown_limits(), "add_addr_accepted 8 subflows 8");
    m->apply({{a, {ifindex(), false}}});
    const MptcpReport r = m->remove_all_owned();
    EXPECT_TRUE(r.complete());
    EXPECT_EQ(shown_limits(), "add_addr_accepted 1 subflows 3");
    EXPECT_THAT(shown_endpoints(), IsEmpty());
    EXPECT_FALSE(fs::exists(record));
}

TEST_F(MptcpEndpointsKernelTest, LimitsAboveTheKernelMaximumAreRefused) {
    auto m = start();
    EXPECT_FALSE(m->set_limits({9, 1}).complete());
    EXPECT_EQ(shown_limits(), "add_addr_accepted 0 subflows 2");
}

TEST_F(MptcpEndpointsKernelTest, RestartAfterACrashRecognisesItsEndpoints) {
    must("ip mptcp limits set subflows 3 add_addr_accepted 1");
    // A real crash: a child process applies, sets limits and is killed with
    // SIGKILL, so no destructor and no stop code runs.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        MptcpEndpoints m(record);
        const bool ok = m.apply({{a, {ifindex(), false}}, {b, {ifindex(), true}}}).complete() &&
                        m.set_limits({8, 8}).complete();
        if (ok) {
            ::raise(SIGKILL);
        }
        ::_exit(1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child failed to apply";
    must("ip mptcp endpoint add 2001:db8:9::1 subflow");  // someone else's, meanwhile

    auto m = start();
    EXPECT_EQ(m->startup_report().changes.size(), 2U);
    EXPECT_EQ(m->owned().size(), 2U);
    // Still wanted: nothing changes (live subflows would keep their endpoint).
    EXPECT_THAT(m->apply({{a, {ifindex(), false}}, {b, {ifindex(), true}}}).changes, IsEmpty());
    m->remove_all_owned();
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:9::1 id 1 subflow"));
    EXPECT_EQ(shown_limits(), "add_addr_accepted 1 subflows 3");
}

TEST_F(MptcpEndpointsKernelTest, RestartLeavesAnIdReusedBySomeoneElse) {
    start()->apply({{a, {ifindex(), false}}});
    must("ip mptcp endpoint delete id 255");
    must("ip mptcp endpoint add 2001:db8:9::1 id 255 subflow");
    auto m = start();
    EXPECT_THAT(m->owned(), IsEmpty());
    m->remove_all_owned();
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:9::1 id 255 subflow"));
}

TEST_F(MptcpEndpointsKernelTest, KernelWithoutThePathManagerIsANoOp) {
    // Stands in for a kernel built without MPTCP: the family does not exist.
    must("ip mptcp endpoint add 2001:db8:9::1 subflow");
    MptcpEndpoints m(record, "mptcp_pm_absent");
    EXPECT_FALSE(m.available());
    EXPECT_THAT(m.unavailable_reason(), HasSubstr("mptcp_pm_absent not found"));
    EXPECT_TRUE(m.apply({{a, {0, false}}}).changes.empty());
    EXPECT_TRUE(m.set_limits({8, 8}).changes.empty());
    EXPECT_TRUE(m.remove_all_owned().changes.empty());
    EXPECT_THAT(shown_endpoints(), ElementsAre("2001:db8:9::1 id 1 subflow"));
    EXPECT_EQ(shown_limits(), "add_addr_accepted 0 subflows 2");
}

}  // namespace
}  // namespace multi6d

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    // Everything below happens in a fresh, anonymous network namespace that
    // disappears with this process: the host's network is never touched.
    using namespace multi6d::test;
    if (!enter_namespaces("test_mptcp_endpoints_kernel",
                          "CAP_NET_ADMIN + CAP_SYS_ADMIN to create its own network namespace and "
                          "write MPTCP endpoints there",
                          CLONE_NEWNET) ||
        !run_setup("test_mptcp_endpoints_kernel",
                   {
                       "ip link set lo up",
                       "ip link add m6dm0 type veth peer name m6dm1",
                       "ip link set m6dm0 up",
                       "ip link set m6dm1 up",
                       "ip -6 addr add 2001:db8:a::10/64 dev m6dm0 nodad",
                       "ip -6 addr add 2001:db8:b::10/64 dev m6dm0 nodad",
                   })) {
        return 1;
    }
    return RUN_ALL_TESTS();
}
