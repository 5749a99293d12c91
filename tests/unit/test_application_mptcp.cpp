// mptcp = true (policy/application_mptcp.hpp): the uids the mptcpify
// program matches and what the bus says of each application.
#include "application_mptcp.hpp"

#include <gtest/gtest.h>

namespace multi6d {
namespace {

ApplicationConfig application(const char* name, std::vector<std::uint32_t> uids, bool mptcp) {
    ApplicationConfig a;
    a.name = name;
    a.uids = std::move(uids);
    a.mptcp = mptcp;
    return a;
}

TEST(ApplicationMptcp, NoApplicationWithMptcpMatchesNobody) {
    EXPECT_TRUE(mptcpify_uids({}).empty());
    EXPECT_TRUE(mptcpify_uids({application("web", {1000}, false)}).empty());
    // mptcp = true but no account resolved: nothing to load for.
    EXPECT_TRUE(mptcpify_uids({application("web", {}, true)}).empty());
}

TEST(ApplicationMptcp, UidsOfEveryApplicationWithMptcpSortedAndUnique) {
    EXPECT_EQ(
        mptcpify_uids({application("web", {65534, 1000}, true), application("mail", {1001}, false),
                       application("backup", {1002, 1000}, true)}),
        (std::vector<std::uint32_t>{1000, 1002, 65534}));
}

TEST(ApplicationMptcp, AUidBelongsToTheFirstApplicationThatListsIt) {
    // As its FIB rules (application_policy.hpp): "plain" owns 1000.
    EXPECT_EQ(mptcpify_uids(
                  {application("plain", {1000}, false), application("web", {1000, 2000}, true)}),
              (std::vector<std::uint32_t>{2000}));
    EXPECT_EQ(
        mptcpify_uids({application("web", {1000}, true), application("plain", {1000}, false)}),
        (std::vector<std::uint32_t>{1000}));
}

TEST(ApplicationMptcp, StateSaysWhetherTheProgramIsThere) {
    EXPECT_EQ(application_mptcp_state(application("a", {1}, false), true), MptcpState::Off);
    EXPECT_EQ(application_mptcp_state(application("a", {1}, true), true), MptcpState::On);
    EXPECT_EQ(application_mptcp_state(application("a", {1}, true), false), MptcpState::Unavailable);
    EXPECT_EQ(to_string(MptcpState::Unavailable), "unavailable");
}

}  // namespace
}  // namespace multi6d
