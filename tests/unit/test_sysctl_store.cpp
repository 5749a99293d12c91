// SysctlStore over a temporary directory standing in for /proc/sys: no root,
// no kernel.
#include "sysctl_store.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace multi6d {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

class SysctlStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        write(value_path("eth0", "accept_ra_defrtr"), "1\n");
        write(value_path("eth0", "accept_ra_rt_info_max_plen"), "0\n");
        write(value_path("eth1", "accept_ra_defrtr"), "1\n");
    }

    fs::path value_path(const std::string& ifname, const std::string& key) const {
        return root / "proc" / "net" / "ipv6" / "conf" / ifname / key;
    }
    SysctlStore make_store() const { return SysctlStore(state, root / "proc"); }

    test::TempDir tmp{"m6d-sysctl"};
    const fs::path root = tmp.path();
    const fs::path state = root / "run" / "sysctl.saved";  // parent does not exist yet
};

TEST_F(SysctlStoreTest, SetSavesTheOriginalBeforeWriting) {
    SysctlStore store = make_store();
    store.set("eth0", "accept_ra_defrtr", "0");
    EXPECT_EQ(read(value_path("eth0", "accept_ra_defrtr")), "0\n");
    EXPECT_EQ(store.get("eth0", "accept_ra_defrtr"), "0");
    EXPECT_EQ(store.originals().at({"eth0", "accept_ra_defrtr"}), "1");
    EXPECT_THAT(read(state), HasSubstr("\neth0 accept_ra_defrtr 1\n"));
    EXPECT_FALSE(fs::exists(state.string() + ".tmp"));
}

TEST_F(SysctlStoreTest, ASecondSetKeepsTheFirstOriginal) {
    SysctlStore store = make_store();
    store.set("eth0", "accept_ra_defrtr", "0");
    store.set("eth0", "accept_ra_defrtr", "2");
    EXPECT_EQ(store.originals().at({"eth0", "accept_ra_defrtr"}), "1");
    store.restore_all();
    EXPECT_EQ(read(value_path("eth0", "accept_ra_defrtr")), "1\n");
}

TEST_F(SysctlStoreTest, RestoreAllWritesOriginalsBackAndRemovesTheFile) {
    SysctlStore store = make_store();
    store.set("eth0", "accept_ra_defrtr", "0");
    store.set("eth0", "accept_ra_rt_info_max_plen", "64");
    store.set("eth1", "accept_ra_defrtr", "0");
    ASSERT_TRUE(fs::exists(state));
    store.restore_all();
    EXPECT_EQ(read(value_path("eth0", "accept_ra_defrtr")), "1\n");
    EXPECT_EQ(read(value_path("eth0", "accept_ra_rt_info_max_plen")), "0\n");
    EXPECT_EQ(read(value_path("eth1", "accept_ra_defrtr")), "1\n");
    EXPECT_TRUE(store.originals().empty());
    EXPECT_FALSE(fs::exists(state));
}

TEST_F(SysctlStoreTest, OriginalsSurviveACrash) {
    {
        SysctlStore crashed = make_store();
        crashed.set("eth0", "accept_ra_defrtr", "0");
        crashed.set("eth1", "accept_ra_defrtr", "0");
        // no restore: the process dies here
    }
    SysctlStore restarted = make_store();
    EXPECT_EQ(restarted.originals().size(), 2U);
    // Setting again must not record today's (changed) value as original.
    restarted.set("eth0", "accept_ra_defrtr", "0");
    EXPECT_EQ(restarted.originals().at({"eth0", "accept_ra_defrtr"}), "1");
    restarted.restore_all();
    EXPECT_EQ(read(value_path("eth0", "accept_ra_defrtr")), "1\n");
    EXPECT_EQ(read(value_path("eth1", "accept_ra_defrtr")), "1\n");
}

TEST_F(SysctlStoreTest, RestoreOneInterface) {
    SysctlStore store = make_store();
    store.set("eth0", "accept_ra_defrtr", "0");
    store.set("eth1", "accept_ra_defrtr", "0");
    store.restore("eth0");
    EXPECT_EQ(read(value_path("eth0", "accept_ra_defrtr")), "1\n");
    EXPECT_EQ(read(value_path("eth1", "accept_ra_defrtr")), "0\n");
    EXPECT_EQ(make_store().originals().size(), 1U);  // the file says so too
}

TEST_F(SysctlStoreTest, AVanishedInterfaceHasNothingToRestore) {
    SysctlStore store = make_store();
    store.set("eth1", "accept_ra_defrtr", "0");
    fs::remove_all(value_path("eth1", "accept_ra_defrtr").parent_path());
    EXPECT_NO_THROW(store.restore_all());
    EXPECT_FALSE(fs::exists(state));
}

TEST_F(SysctlStoreTest, AFailedRestoreIsReportedAndKeptForTheNextRun) {
    SysctlStore store = make_store();
    store.set("eth0", "accept_ra_defrtr", "0");
    store.set("eth1", "accept_ra_defrtr", "0");
    // A directory where the value should be: writing fails (EISDIR), even as root.
    fs::remove(value_path("eth0", "accept_ra_defrtr"));
    fs::create_directory(value_path("eth0", "accept_ra_defrtr"));
    try {
        store.restore_all();
        FAIL() << "restore_all() hid a failure";
    } catch (const SysctlError& error) {
        EXPECT_THAT(error.what(), HasSubstr("eth0/accept_ra_defrtr = 1"));
    }
    EXPECT_EQ(read(value_path("eth1", "accept_ra_defrtr")), "1\n");
    const SysctlStore next = make_store();
    ASSERT_EQ(next.originals().size(), 1U);
    EXPECT_EQ(next.originals().count({"eth0", "accept_ra_defrtr"}), 1U);
}

TEST_F(SysctlStoreTest, ValuesWithSpacesRoundTrip) {
    write(value_path("eth0", "stable_secret"), "a b  c\n");
    {
        SysctlStore store = make_store();
        store.set("eth0", "stable_secret", "x");
    }
    make_store().restore_all();
    EXPECT_EQ(read(value_path("eth0", "stable_secret")), "a b  c\n");
}

TEST_F(SysctlStoreTest, RejectsNamesThatLeaveTheConfDirectory) {
    SysctlStore store = make_store();
    EXPECT_THROW(store.set("..", "accept_ra_defrtr", "0"), SysctlError);
    EXPECT_THROW(store.set("eth0/../eth1", "accept_ra_defrtr", "0"), SysctlError);
    EXPECT_THROW(store.set("eth0", "../../x", "0"), SysctlError);
    EXPECT_THROW(store.set("eth0", "accept_ra_defrtr", "0\n1"), SysctlError);
    EXPECT_TRUE(store.originals().empty());
    EXPECT_FALSE(fs::exists(state));
}

TEST_F(SysctlStoreTest, AMissingSysctlIsAnErrorNamingThePath) {
    SysctlStore store = make_store();
    try {
        store.set("eth9", "accept_ra_defrtr", "0");
        FAIL() << "no error for a missing interface";
    } catch (const SysctlError& error) {
        EXPECT_THAT(error.what(), HasSubstr("net/ipv6/conf/eth9/accept_ra_defrtr"));
    }
    EXPECT_TRUE(store.originals().empty());
}

TEST_F(SysctlStoreTest, AMalformedStateFileIsAnErrorWithItsLine) {
    write(state, "# multi6d sysctl originals v1\neth0 accept_ra_defrtr 1\ngarbage\n");
    try {
        make_store();
        FAIL() << "malformed state file accepted";
    } catch (const SysctlError& error) {
        EXPECT_THAT(error.what(), HasSubstr("sysctl.saved:3:"));
    }
}

}  // namespace
}  // namespace multi6d
