// Issue 17 item 2 (units): systemd unit names as `units` takes them, the
// cgroup directories the walker descends into, and what each unit's
// cgroup gets from its application's choice (policy/systemd_unit.hpp,
// policy/unit_wants.hpp).
#include "unit_wants.hpp"

#include <gtest/gtest.h>

#include "policy_test_util.hpp"
#include "systemd_unit.hpp"

namespace multi6d {
namespace {

using test::addr;

TEST(SystemdUnitName, UnitsWithACgroupAreAccepted) {
    for (const char* name :
         {"backup.service", "run-u42.scope", "m6lab-x.scope", "machine.slice", "a-b.slice",
          "sshd.socket", "home.mount", "dev-sda2.swap", "getty@tty1.service", "user@1000.service",
          "systemd-fsck@dev-disk-by\\x2duuid-1.service", "a:b_c.service"}) {
        EXPECT_EQ(unit_name_problem(name), "") << name;
    }
}

TEST(SystemdUnitName, ProblemsAreSentencesNamingTheValue) {
    const auto problem = [](const std::string& name) { return unit_name_problem(name); };
    EXPECT_NE(problem("backup").find("\"backup\" is not a unit with a cgroup: the name must end "
                                     "in .service, .scope, .slice, .socket, .mount or .swap"),
              std::string::npos)
        << problem("backup");
    EXPECT_NE(problem("multi-user.target").find("not a unit with a cgroup"), std::string::npos);
    EXPECT_NE(problem("fstrim.timer").find("not a unit with a cgroup"), std::string::npos);
    EXPECT_NE(problem(".service").find("has no name before its type suffix"), std::string::npos);
    EXPECT_NE(problem("getty@.service").find("is a template, which has no cgroup"),
              std::string::npos);
    EXPECT_NE(problem("a@b@c.service").find("one '@'"), std::string::npos);
    EXPECT_NE(problem("@x.service").find("one '@'"), std::string::npos);
    EXPECT_NE(problem("back up.service")
                  .find("\"back up.service\" is not a systemd unit name (allowed: letters, "
                        "digits, : _ . - \\ and one @)"),
              std::string::npos)
        << problem("back up.service");
    EXPECT_NE(problem("a/b.service").find("allowed:"), std::string::npos);
    EXPECT_NE(problem("").find("1 to 255 characters"), std::string::npos);
    EXPECT_NE(problem(std::string(250, 'a') + ".service").find("1 to 255 characters"),
              std::string::npos);
    EXPECT_EQ(problem(std::string(247, 'a') + ".service"), "");  // exactly 255
}

TEST(SystemdUnitName, TheWalkerDescendsIntoSlicesAndUserManagersOnly) {
    EXPECT_TRUE(cgroup_holds_units("system.slice"));
    EXPECT_TRUE(cgroup_holds_units("user-1000.slice"));
    EXPECT_TRUE(cgroup_holds_units("user@1000.service"));
    EXPECT_FALSE(cgroup_holds_units("user@.service"));
    EXPECT_FALSE(cgroup_holds_units("user@x.service"));
    EXPECT_FALSE(cgroup_holds_units("docker.service"));  // a container's own subtree
    EXPECT_FALSE(cgroup_holds_units("session-3.scope"));
    EXPECT_FALSE(cgroup_holds_units("init.scope"));
    EXPECT_FALSE(cgroup_holds_units("payload"));
}

ApplicationConfig application(const std::string& name, std::vector<std::string> units) {
    ApplicationConfig a;
    a.name = name;
    a.units = std::move(units);
    a.uplinks = {"isp-b"};
    return a;
}

ApplicationChoice chosen(const std::string& name, const char* source) {
    ApplicationChoice c;
    c.application = name;
    c.path = PathKey{3, test::pfx("2001:db8:b::/64"), addr("fe80::b")};
    c.uplink = "isp-b";
    c.source = addr(source);
    return c;
}

TEST(UnitWants, EachUnitGetsItsApplicationsChoice) {
    const std::vector<ApplicationConfig> apps = {
        application("backup", {"backup.service", "restic.scope"}),
        application("voip", {"voip.service"}), application("idle", {"idle.service"})};
    ApplicationChoice blocked;
    blocked.application = "voip";
    blocked.blocked = true;
    ApplicationChoice generic;
    generic.application = "idle";
    const UnitWants wants =
        unit_wants(apps, {chosen("backup", "2001:db8:b::10"), blocked, generic});
    const UnitWants expected = {
        {"backup.service", UnitWant{"backup", UnitAction::Bind, addr("2001:db8:b::10")}},
        {"restic.scope", UnitWant{"backup", UnitAction::Bind, addr("2001:db8:b::10")}},
        {"voip.service", UnitWant{"voip", UnitAction::Block, Address()}},
        {"idle.service", UnitWant{"idle", UnitAction::Generic, Address()}},
    };
    EXPECT_EQ(wants, expected);
}

TEST(UnitWants, AUnitBelongsToTheFirstApplicationListingIt) {
    const std::vector<ApplicationConfig> apps = {application("first", {"x.service"}),
                                                 application("second", {"x.service"})};
    const UnitWants wants =
        unit_wants(apps, {chosen("first", "2001:db8:b::10"), chosen("second", "2001:db8:a::10")});
    ASSERT_EQ(wants.size(), 1U);
    EXPECT_EQ(wants.at("x.service").application, "first");
    EXPECT_EQ(wants.at("x.service").source, addr("2001:db8:b::10"));
}

TEST(UnitWants, ApplicationsWithoutUnitsAddNothing) {
    ApplicationConfig users_only = application("bulk", {});
    users_only.uids = {65534};
    EXPECT_TRUE(unit_wants({users_only}, {chosen("bulk", "2001:db8:b::10")}).empty());
}

}  // namespace
}  // namespace multi6d
