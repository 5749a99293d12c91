// MptcpEndpoints over a fake path manager that behaves like the kernel's
// (as measured on Linux 6.18: EEXIST for a second endpoint on an address,
// EBUSY for a taken id, ERANGE past 8 endpoints, EINVAL for an unknown id),
// with the record in a temporary directory: no root, no kernel.
#include "mptcp_endpoints.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <utility>

#include "kernel_objects.hpp"
#include "temp_dir.hpp"

namespace multi6d {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The kernel's endpoint table and limits, shared by successive managers
// (a daemon restart keeps the kernel's state).
struct FakeKernel {
    std::map<std::uint8_t, MptcpEndpoint> endpoints;
    MptcpLimits limits{2, 0};  // the kernel's defaults
    int adds = 0;
    int removes = 0;
    int flag_changes = 0;
    int fail_add_errno = 0;  // next add fails with this errno
    bool fail_dump = false;
    std::function<void(const MptcpEndpoint&)> before_add;
};

class FakePort : public MptcpPmPort {
  public:
    explicit FakePort(FakeKernel& k) : k_(k) {}
    std::vector<MptcpEndpoint> endpoints() override {
        if (k_.fail_dump) {
            throw KernelError("list MPTCP endpoints: injected", EIO);
        }
        std::vector<MptcpEndpoint> result;
        for (const auto& [id, e] : k_.endpoints) {
            result.push_back(e);
        }
        return result;
    }
    void add(const MptcpEndpoint& e) override {
        if (k_.before_add) {
            k_.before_add(e);
        }
        if (k_.fail_add_errno != 0) {
            const int error = std::exchange(k_.fail_add_errno, 0);
            throw KernelError("add: injected", error);
        }
        for (const auto& [id, other] : k_.endpoints) {
            if (other.address == e.address) {
                throw KernelError("add: duplicate address", EEXIST);
            }
        }
        if (k_.endpoints.count(e.id) != 0) {
            throw KernelError("add: duplicate id", EBUSY);
        }
        if (k_.endpoints.size() >= 8) {
            throw KernelError("add: too many", ERANGE);
        }
        k_.endpoints[e.id] = e;
        ++k_.adds;
    }
    void remove(std::uint8_t id) override {
        if (k_.endpoints.erase(id) == 0) {
            throw KernelError("delete: address not found", EINVAL);
        }
        ++k_.removes;
    }
    void set_flags(const MptcpEndpoint& e) override {
        for (auto& [id, other] : k_.endpoints) {
            if (other.address == e.address) {
                const std::uint32_t mask = mptcp_flag::backup | mptcp_flag::fullmesh;
                other.flags = (other.flags & ~mask) | (e.flags & mask);
                ++k_.flag_changes;
                return;
            }
        }
        throw KernelError("set flags: address not found", EINVAL);
    }
    MptcpLimits limits() override { return k_.limits; }
    void set_limits(const MptcpLimits& l) override {
        if (l.subflows > 8 || l.add_addr_accepted > 8) {
            throw KernelError("set limits: too large", EINVAL);
        }
        k_.limits = l;
    }

  private:
    FakeKernel& k_;
};

Address addr(const char* text) {
    return *Address::parse(text);
}

MptcpEndpoint endpoint(std::uint8_t id, const char* address, std::uint32_t flags, int ifindex = 0) {
    return MptcpEndpoint{id, addr(address), flags, ifindex};
}

constexpr std::uint32_t subflow = mptcp_flag::subflow;
constexpr std::uint32_t backup = mptcp_flag::backup;

class MptcpEndpointsTest : public ::testing::Test {
  protected:
    test::TempDir tmp{"m6d-mptcp"};
    const fs::path root = tmp.path();
    const fs::path record = root / "run" / "mptcp-endpoints";

    std::unique_ptr<MptcpEndpoints> start() {
        return std::make_unique<MptcpEndpoints>(std::make_unique<FakePort>(kernel), record);
    }
    std::vector<MptcpEndpoint> kernel_endpoints() const {
        std::vector<MptcpEndpoint> result;
        for (const auto& [id, e] : kernel.endpoints) {
            result.push_back(e);
        }
        return result;
    }
    std::string record_text() const {
        std::ifstream in(record);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    FakeKernel kernel;
    const Address a = addr("2001:db8:a::10");
    const Address b = addr("2001:db8:b::10");
};

TEST_F(MptcpEndpointsTest, AddsSubflowEndpointsWithIdsFromTheTop) {
    auto m = start();
    const MptcpReport r = m->apply({{a, {3, false}}, {b, {3, true}}});
    EXPECT_TRUE(r.complete());
    EXPECT_EQ(r.changes.size(), 2U);
    EXPECT_THAT(kernel_endpoints(),
                ElementsAre(endpoint(254, "2001:db8:b::10", subflow | backup, 3),
                            endpoint(255, "2001:db8:a::10", subflow, 3)));
    EXPECT_EQ(m->owned(), kernel_endpoints());
    EXPECT_THAT(record_text(), HasSubstr("endpoint 255 2001:db8:a::10\n"));
    EXPECT_THAT(record_text(), HasSubstr("endpoint 254 2001:db8:b::10\n"));
}

TEST_F(MptcpEndpointsTest, AnUnchangedDesiredStateChangesNothing) {
    auto m = start();
    m->apply({{a, {0, false}}, {b, {0, true}}});
    const MptcpReport r = m->apply({{a, {0, false}}, {b, {0, true}}});
    EXPECT_THAT(r.changes, IsEmpty());
    EXPECT_EQ(kernel.adds, 2);
    EXPECT_EQ(kernel.flag_changes, 0);
}

TEST_F(MptcpEndpointsTest, RecordListsTheEndpointBeforeTheKernelHasIt) {
    auto m = start();
    bool listed = false;
    kernel.before_add = [&](const MptcpEndpoint& e) {
        listed = record_text().find("endpoint " + std::to_string(e.id) + " " +
                                    e.address.to_string()) != std::string::npos;
    };
    m->apply({{a, {}}});
    EXPECT_TRUE(listed);
}

TEST_F(MptcpEndpointsTest, FailedAddLeavesNoRecordEntry) {
    auto m = start();
    kernel.fail_add_errno = ENOMEM;
    const MptcpReport r = m->apply({{a, {}}});
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_FALSE(fs::exists(record));
    EXPECT_THAT(m->owned(), IsEmpty());
    // The next call retries.
    EXPECT_TRUE(m->apply({{a, {}}}).complete());
    EXPECT_THAT(kernel_endpoints(), ElementsAre(endpoint(255, "2001:db8:a::10", subflow)));
}

TEST_F(MptcpEndpointsTest, BackupFollowsTheWantInPlace) {
    auto m = start();
    m->apply({{a, {}}, {b, {}}});
    MptcpReport r = m->apply({{a, {0, true}}, {b, {}}});
    EXPECT_THAT(r.changes, ElementsAre(HasSubstr("2001:db8:a::10 id 255 subflow backup")));
    EXPECT_EQ(kernel.endpoints.at(255).flags, subflow | backup);
    r = m->apply({{a, {0, false}}, {b, {}}});
    EXPECT_EQ(kernel.endpoints.at(255).flags, subflow);
    EXPECT_EQ(kernel.adds, 2);  // never deleted and re-added: subflows survive
    EXPECT_EQ(kernel.removes, 0);
    EXPECT_EQ(kernel.flag_changes, 2);
}

TEST_F(MptcpEndpointsTest, EndpointGoesWithItsAddress) {
    auto m = start();
    m->apply({{a, {}}, {b, {}}});
    const MptcpReport r = m->apply({{b, {}}});
    EXPECT_THAT(r.changes, ElementsAre(HasSubstr("deleted MPTCP endpoint 2001:db8:a::10 id 255")));
    EXPECT_THAT(kernel_endpoints(), ElementsAre(endpoint(254, "2001:db8:b::10", subflow)));
    EXPECT_THAT(record_text(), Not(HasSubstr("2001:db8:a::10")));
}

TEST_F(MptcpEndpointsTest, DeviceChangeDeletesAndAddsAgain) {
    auto m = start();
    m->apply({{a, {3, false}}});
    m->apply({{a, {4, false}}});
    EXPECT_THAT(kernel_endpoints(), ElementsAre(endpoint(255, "2001:db8:a::10", subflow, 4)));
    EXPECT_EQ(kernel.removes, 1);
}

TEST_F(MptcpEndpointsTest, ForeignEndpointsAreNeverDeletedAndOnlyTheirBackupFlagFollows) {
    // One on an unrelated address (never touched), one in multi6d's id range
    // on an address multi6d wants (as NetworkManager adds them): it is not
    // duplicated, its backup flag follows the want, its owner's flags come
    // back when multi6d no longer wants the address and at stop.
    kernel.endpoints[1] = endpoint(1, "2001:db8:9::1", subflow);
    kernel.endpoints[255] = endpoint(255, "2001:db8:a::10", mptcp_flag::signal);
    auto m = start();
    MptcpReport r = m->apply({{a, {0, true}}, {b, {}}});
    EXPECT_THAT(r.notices, ElementsAre(HasSubstr("2001:db8:a::10 id 255 signal was not added by "
                                                 "multi6d")));
    EXPECT_EQ(kernel.endpoints.at(255).flags, mptcp_flag::signal | backup);
    EXPECT_THAT(record_text(), HasSubstr("adopted 255 2001:db8:a::10 " +
                                         std::to_string(mptcp_flag::signal) + "\n"));
    r = m->apply({{a, {0, true}}, {b, {}}});
    EXPECT_THAT(r.notices, IsEmpty());  // said once
    EXPECT_THAT(r.changes, IsEmpty());
    EXPECT_EQ(kernel.endpoints.at(1).flags, subflow);
    EXPECT_THAT(m->owned(), ElementsAre(endpoint(254, "2001:db8:b::10", subflow)));
    m->apply({{a, {0, false}}, {b, {}}});
    EXPECT_EQ(kernel.endpoints.at(255).flags, mptcp_flag::signal);
    m->apply({{a, {0, true}}, {b, {}}});
    m->apply({});  // no longer wanted: the owner's flags are back
    EXPECT_EQ(kernel.endpoints.at(255).flags, mptcp_flag::signal);
    m->apply({{a, {0, true}}});
    EXPECT_EQ(kernel.endpoints.at(255).flags, mptcp_flag::signal | backup);
    r = m->remove_all_owned();
    EXPECT_TRUE(r.complete());
    EXPECT_THAT(kernel_endpoints(),
                ElementsAre(endpoint(1, "2001:db8:9::1", subflow),
                            endpoint(255, "2001:db8:a::10", mptcp_flag::signal)));
    EXPECT_FALSE(fs::exists(record));
}

TEST_F(MptcpEndpointsTest, AForeignEndpointReCreatedUnderANewIdIsFollowedAgain) {
    // NetworkManager 1.42 on `nmcli device reapply`: deletes its endpoint
    // and adds it again under a new id with its own flags.
    kernel.endpoints[1] = endpoint(1, "2001:db8:a::10", subflow);
    auto m = start();
    m->apply({{a, {0, true}}});
    EXPECT_EQ(kernel.endpoints.at(1).flags, subflow | backup);
    kernel.endpoints.erase(1);
    kernel.endpoints[3] = endpoint(3, "2001:db8:a::10", subflow);
    const MptcpReport r = m->apply({{a, {0, true}}});
    EXPECT_THAT(r.notices, IsEmpty());  // followed quietly: reapply is repeatable at will
    EXPECT_THAT(r.changes, ElementsAre(HasSubstr("set MPTCP endpoint 2001:db8:a::10 id 3 subflow "
                                                 "backup (another party's)")));
    EXPECT_EQ(kernel.endpoints.at(3).flags, subflow | backup);
    EXPECT_EQ(kernel.endpoints.size(), 1U);  // never a duplicate of its own
    m->remove_all_owned();
    EXPECT_EQ(kernel.endpoints.at(3).flags, subflow);
}

TEST_F(MptcpEndpointsTest, ARestartStillGivesTheOwnersFlagsBack) {
    kernel.endpoints[1] = endpoint(1, "2001:db8:a::10", subflow);
    start()->apply({{a, {0, true}}});  // then "SIGKILL": no remove_all_owned()
    auto m = start();
    EXPECT_THAT(m->startup_report().changes,
                ElementsAre(HasSubstr("still manage the backup flag of MPTCP endpoint "
                                      "2001:db8:a::10 id 1")));
    m->remove_all_owned();
    EXPECT_EQ(kernel.endpoints.at(1).flags, subflow);
}

TEST_F(MptcpEndpointsTest, RestartAdoptsWhatTheEarlierRunCreated) {
    start()->apply({{a, {}}, {b, {0, true}}});  // then "crashes": no remove_all_owned()
    auto m = start();
    EXPECT_EQ(m->startup_report().changes.size(), 2U);
    EXPECT_EQ(m->owned(), kernel_endpoints());
    // Still wanted: nothing is deleted (live subflows keep their endpoint).
    EXPECT_THAT(m->apply({{a, {}}, {b, {0, true}}}).changes, IsEmpty());
    m->apply({});
    EXPECT_THAT(kernel_endpoints(), IsEmpty());
    EXPECT_FALSE(fs::exists(record));
}

TEST_F(MptcpEndpointsTest, RestartDoesNotAdoptAnIdThatNowHasAnotherAddress) {
    start()->apply({{a, {}}});
    // While multi6d was down, someone deleted its endpoint and added their
    // own with the same id.
    kernel.endpoints.clear();
    kernel.endpoints[255] = endpoint(255, "2001:db8:9::1", subflow);
    auto m = start();
    EXPECT_THAT(m->owned(), IsEmpty());
    EXPECT_THAT(m->startup_report().notices, ElementsAre(HasSubstr("no longer in the kernel")));
    m->remove_all_owned();
    EXPECT_THAT(kernel_endpoints(), ElementsAre(endpoint(255, "2001:db8:9::1", subflow)));
}

TEST_F(MptcpEndpointsTest, RestartWhileTheKernelCannotBeReadKeepsTheRecord) {
    start()->apply({{a, {}}});
    kernel.fail_dump = true;
    auto m = start();
    EXPECT_THAT(m->startup_report().errors, ElementsAre(HasSubstr("injected")));
    EXPECT_THAT(record_text(), HasSubstr("endpoint 255 2001:db8:a::10"));
    kernel.fail_dump = false;
    m->apply({});
    EXPECT_THAT(kernel_endpoints(), IsEmpty());
}

TEST_F(MptcpEndpointsTest, EndpointDeletedBySomeoneElseIsAddedAgain) {
    auto m = start();
    m->apply({{a, {}}});
    kernel.endpoints.clear();
    const MptcpReport r = m->apply({{a, {}}});
    EXPECT_THAT(r.notices, ElementsAre(HasSubstr("no longer in the kernel")));
    EXPECT_THAT(kernel_endpoints(), ElementsAre(endpoint(255, "2001:db8:a::10", subflow)));
}

TEST_F(MptcpEndpointsTest, KernelCapOfEightEndpoints) {
    for (std::uint8_t id = 1; id <= 7; ++id) {
        kernel.endpoints[id] =
            MptcpEndpoint{id, addr(("2001:db8:9::" + std::to_string(id)).c_str()), subflow, 0};
    }
    auto m = start();
    const MptcpReport r = m->apply({{a, {}}, {b, {}}});
    EXPECT_EQ(r.changes.size(), 1U);
    EXPECT_THAT(r.notices, ElementsAre(HasSubstr("at most 8 endpoints")));
    EXPECT_THAT(r.errors, IsEmpty());
    EXPECT_EQ(kernel.endpoints.size(), 8U);
}

// Issue 16, finding 6: the cap was an error on every reconcile for every
// address left out (15,000 lines over 1,000 address changes). Now a notice
// once per address, again only after the address got in or left the wants.
TEST_F(MptcpEndpointsTest, Issue16_MptcpCapLoggedOncePerAddress) {
    for (std::uint8_t id = 1; id <= 8; ++id) {
        kernel.endpoints[id] =
            MptcpEndpoint{id, addr(("2001:db8:9::" + std::to_string(id)).c_str()), subflow, 0};
    }
    auto m = start();
    const MptcpReport first = m->apply({{a, {}}, {b, {}}});
    EXPECT_THAT(first.notices, ElementsAre(HasSubstr("2001:db8:a::10"), HasSubstr("at most 8")));
    EXPECT_THAT(first.errors, IsEmpty());
    for (int reconcile = 0; reconcile < 100; ++reconcile) {
        const MptcpReport again = m->apply({{a, {}}, {b, {}}});
        EXPECT_THAT(again.notices, IsEmpty());
        EXPECT_THAT(again.errors, IsEmpty());
    }
    // b leaves the wants and comes back: a change, so reported once more.
    EXPECT_THAT(m->apply({{a, {}}}).notices, IsEmpty());
    EXPECT_THAT(m->apply({{a, {}}, {b, {}}}).notices, ElementsAre(HasSubstr("at most 8")));
}

TEST_F(MptcpEndpointsTest, FailedDumpChangesNothing) {
    auto m = start();
    m->apply({{a, {}}});
    kernel.fail_dump = true;
    const MptcpReport r = m->apply({});
    EXPECT_THAT(r.errors, ElementsAre(HasSubstr("injected")));
    EXPECT_EQ(kernel.endpoints.size(), 1U);
}

TEST_F(MptcpEndpointsTest, LimitsAreGivenBackAtStop) {
    kernel.limits = {3, 1};
    auto m = start();
    EXPECT_THAT(m->set_limits({8, 8}).changes,
                ElementsAre("set MPTCP limits subflows 8 add_addr_accepted 8 (were subflows 3 "
                            "add_addr_accepted 1)"));
    EXPECT_EQ(kernel.limits, (MptcpLimits{8, 8}));
    m->set_limits({4, 4});  // a reload: the original stays the one before multi6d
    const MptcpReport r = m->remove_all_owned();
    EXPECT_THAT(r.changes, ElementsAre(HasSubstr("restored MPTCP limits subflows 3 "
                                                 "add_addr_accepted 1")));
    EXPECT_EQ(kernel.limits, (MptcpLimits{3, 1}));
    EXPECT_FALSE(fs::exists(record));
}

TEST_F(MptcpEndpointsTest, LimitsOriginalsSurviveARestart) {
    kernel.limits = {3, 1};
    start()->set_limits({8, 8});  // crash
    start()->remove_all_owned();
    EXPECT_EQ(kernel.limits, (MptcpLimits{3, 1}));
}

TEST_F(MptcpEndpointsTest, LimitsChangedBySomeoneElseAreLeftAlone) {
    kernel.limits = {3, 1};
    auto m = start();
    m->set_limits({8, 8});
    kernel.limits = {5, 5};
    const MptcpReport r = m->remove_all_owned();
    EXPECT_THAT(r.notices, ElementsAre(HasSubstr("not what multi6d set")));
    EXPECT_EQ(kernel.limits, (MptcpLimits{5, 5}));
}

TEST_F(MptcpEndpointsTest, AnUnsetLimitKeepsTheKernelsValue) {
    kernel.limits = {3, 4};
    auto m = start();
    EXPECT_TRUE(m->set_limits(8, std::nullopt).complete());
    EXPECT_EQ(kernel.limits, (MptcpLimits{8, 4}));
    m->remove_all_owned();
    EXPECT_EQ(kernel.limits, (MptcpLimits{3, 4}));
}

TEST_F(MptcpEndpointsTest, LimitsAlreadyInPlaceAreNotWrittenButStillRecorded) {
    kernel.limits = {8, 0};
    auto m = start();
    EXPECT_THAT(m->set_limits({8, 0}).changes, IsEmpty());
    EXPECT_THAT(record_text(), HasSubstr("limits-original 8 0\nlimits-applied 8 0\n"));
    EXPECT_THAT(m->remove_all_owned().changes, IsEmpty());
    EXPECT_FALSE(fs::exists(record));
}

TEST_F(MptcpEndpointsTest, LimitsAboveTheKernelMaximumAreRefused) {
    auto m = start();
    EXPECT_THAT(m->set_limits({9, 0}).errors, ElementsAre(HasSubstr("at most 8")));
    EXPECT_EQ(kernel.limits, (MptcpLimits{2, 0}));
    EXPECT_FALSE(fs::exists(record));
}

TEST_F(MptcpEndpointsTest, WithoutMptcpEverythingIsANoOp) {
    std::ofstream(root / "keep") << "";
    fs::create_directories(record.parent_path());
    std::ofstream(record) << "# multi6d mptcp endpoints v1\nendpoint 255 2001:db8:a::10\n";
    MptcpEndpoints m(nullptr, record, "no mptcp_pm");
    EXPECT_FALSE(m.available());
    EXPECT_EQ(m.unavailable_reason(), "no mptcp_pm");
    const MptcpReport r1 = m.apply({{a, {}}});
    const MptcpReport r2 = m.set_limits({8, 8});
    const MptcpReport r3 = m.remove_all_owned();
    for (const MptcpReport* r : {&r1, &r2, &r3}) {
        EXPECT_TRUE(r->changes.empty() && r->notices.empty() && r->errors.empty());
    }
    EXPECT_THAT(record_text(), HasSubstr("endpoint 255"));  // kept for a later run
}

TEST_F(MptcpEndpointsTest, UnreadableRecordClaimsNothing) {
    kernel.endpoints[255] = endpoint(255, "2001:db8:a::10", subflow);
    fs::create_directories(record.parent_path());
    std::ofstream(record) << "garbage\n";
    auto m = start();
    EXPECT_THAT(m->startup_report().errors, ElementsAre(HasSubstr("record ignored")));
    m->remove_all_owned();
    EXPECT_EQ(kernel.endpoints.size(), 1U);
}

}  // namespace
}  // namespace multi6d
