// Who processes RAs on a link: the classification (policy/link_manager.hpp)
// and the probe reading the files each manager leaves (service/
// link_manager_probe.hpp) from a fake root holding what the real
// systemd-networkd 252 and NetworkManager 1.42 wrote in the lab.
#include <gtest/gtest.h>

#include <fstream>

#include "link_manager.hpp"
#include "link_manager_probe.hpp"
#include "link_managers.hpp"
#include "temp_dir.hpp"

namespace multi6d {
namespace {

TEST(LinkManager, ClassifiesEachParty) {
    LinkManagerSignals s;
    EXPECT_EQ(classify(s), LinkManager::None);
    s.kernel_accepts_ra = true;
    EXPECT_EQ(classify(s), LinkManager::Kernel);
    s = {};
    s.networkd_configures = true;
    EXPECT_EQ(classify(s), LinkManager::Networkd);
    s = {};
    s.networkmanager_manages = true;
    EXPECT_EQ(classify(s), LinkManager::NetworkManager);
    s.networkd_configures = true;
    EXPECT_EQ(classify(s), LinkManager::Conflict);
    EXPECT_TRUE(link_manager_blocks(classify(s)));
    s = {};
    s.ras_seen = true;
    EXPECT_EQ(classify(s), LinkManager::None);  // RAs but no routes from them
    s.ra_default_routes = true;
    EXPECT_EQ(classify(s), LinkManager::OtherUserspace);
    EXPECT_FALSE(link_manager_blocks(LinkManager::OtherUserspace));
}

TEST(LinkManager, NamesAndNotesAreDistinct) {
    EXPECT_EQ(link_manager_name(LinkManager::Networkd), "systemd-networkd");
    EXPECT_EQ(link_manager_name(LinkManager::NetworkManager), "NetworkManager");
    EXPECT_EQ(link_manager_name(LinkManager::OtherUserspace), "userspace-ra");
    EXPECT_NE(link_manager_note(LinkManager::Networkd), link_manager_note(LinkManager::Kernel));
}

class LinkManagerProbeTest : public ::testing::Test {
  protected:
    void write(const std::string& rel, const std::string& text) {
        const auto file = dir.path() / rel;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file) << text;
    }
    void sysctls(const std::string& link, int accept_ra, int forwarding) {
        write("proc/sys/net/ipv6/conf/" + link + "/accept_ra", std::to_string(accept_ra) + "\n");
        write("proc/sys/net/ipv6/conf/" + link + "/forwarding", std::to_string(forwarding) + "\n");
    }
    LinkManagerProbe probe(bool ra_defaults = false) {
        return LinkManagerProbe(dir.path(), [this, ra_defaults](int ifindex) {
            asked.push_back(ifindex);
            return ra_defaults;
        });
    }
    test::TempDir dir{"m6-link-manager"};
    std::vector<int> asked;
};

TEST_F(LinkManagerProbeTest, KernelAcceptsRaUnlessForwarding) {
    sysctls("eth0", 1, 0);
    EXPECT_TRUE(probe().read(2, "eth0", true).kernel_accepts_ra);
    sysctls("eth0", 1, 1);  // a router ignores RAs unless accept_ra is 2
    EXPECT_FALSE(probe().read(2, "eth0", true).kernel_accepts_ra);
    sysctls("eth0", 2, 1);
    EXPECT_TRUE(probe().read(2, "eth0", true).kernel_accepts_ra);
}

TEST_F(LinkManagerProbeTest, NetworkdLinkStateFile) {
    sysctls("eth0", 0, 0);
    // As networkd 252 wrote them in the lab: eth0 configured, lo unmanaged.
    write("run/systemd/netif/links/2",
          "# This is private data. Do not parse.\nADMIN_STATE=configured\nOPER_STATE=routable\n"
          "NETWORK_FILE=/etc/systemd/network/50-lab-eth0.network\n");
    write("run/systemd/netif/links/1",
          "# This is private data. Do not parse.\nADMIN_STATE=unmanaged\nOPER_STATE=carrier\n");
    EXPECT_EQ(classify(probe().read(2, "eth0", true)), LinkManager::Networkd);
    EXPECT_FALSE(probe().read(1, "lo", false).networkd_configures);
    EXPECT_TRUE(asked.empty());  // the kernel is asked only when nobody claims the link
}

TEST_F(LinkManagerProbeTest, NetworkManagerDeviceFile) {
    sysctls("eth0", 0, 0);
    write("run/NetworkManager/devices/2",
          "[device]\nmanaged=true\nperm-hw-addr-fake=3A:C3:C3:98:BF:EB\nnm-owned=false\n");
    EXPECT_EQ(classify(probe().read(2, "eth0", true)), LinkManager::NetworkManager);
    write("run/NetworkManager/devices/2", "[device]\nmanaged=false\n");
    EXPECT_EQ(classify(probe().read(2, "eth0", true)), LinkManager::None);
}

TEST_F(LinkManagerProbeTest, OtherClientFromRaRoutes) {
    sysctls("eth0", 0, 0);
    EXPECT_EQ(classify(probe(true).read(2, "eth0", true)), LinkManager::OtherUserspace);
    EXPECT_EQ(asked, std::vector<int>{2});
    EXPECT_EQ(classify(probe(false).read(2, "eth0", true)), LinkManager::None);
}

TEST_F(LinkManagerProbeTest, RefreshReportsChangesOnly) {
    sysctls("eth0", 1, 0);
    LinkManagers managers(probe());
    const std::map<int, LinkManagers::LinkSeen> links{{2, {"eth0", true}}};
    EXPECT_TRUE(managers.refresh(links));
    EXPECT_EQ(managers.of(2), LinkManager::Kernel);
    EXPECT_FALSE(managers.refresh(links));
    sysctls("eth0", 0, 0);
    write("run/systemd/netif/links/2", "ADMIN_STATE=configured\n");
    EXPECT_TRUE(managers.refresh(links));
    EXPECT_EQ(managers.of(2), LinkManager::Networkd);
    EXPECT_TRUE(managers.refresh({}));
    EXPECT_EQ(managers.of(2), LinkManager::None);
}

TEST(KeyValue, FindsTheKey) {
    EXPECT_EQ(key_value("A=1\nADMIN_STATE=configured\n", "ADMIN_STATE"), "configured");
    EXPECT_EQ(key_value("XADMIN_STATE=1\n", "ADMIN_STATE"), "");
}

}  // namespace
}  // namespace multi6d
