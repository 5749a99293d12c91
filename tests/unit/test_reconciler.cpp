#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "reconciler.hpp"

namespace multi6d {
namespace {

// The syscall boundary: a fake kernel that holds the owned state, records
// each call, and fails the ones named in `fail_on` the way the kernel would
// (by throwing, changing nothing). Tests change `held` behind the
// reconciler's back as another program would.
class FakeKernel : public KernelPort {
  public:
    std::vector<std::string> calls;
    std::set<std::string> fail_on;
    KernelState held;
    int reads = 0;
    int unnotified_reads = 0;

    void add_route(const PathRoute& r) override {
        call("add_route " + r.destination.to_string() + " t" + to_string(r.table));
        std::erase_if(held.routes, [&](const PathRoute& h) {
            return h.table == r.table && h.destination == r.destination && h.metric == r.metric;
        });
        held.routes.insert(r);
    }
    void delete_route(const PathRoute& r) override {
        call("delete_route " + r.destination.to_string() + " t" + to_string(r.table));
        held.routes.erase(r);
    }
    void add_rule(const SourceRule& r) override {
        call("add_rule " + r.source.to_string() + " p" + to_string(r.priority));
        held.rules.insert(r);
    }
    void delete_rule(const SourceRule& r) override {
        call("delete_rule " + r.source.to_string() + " p" + to_string(r.priority));
        held.rules.erase(r);
    }
    void add_suppress_rule() override {
        call("add_suppress");
        held.suppress_rule = true;
    }
    void delete_suppress_rule() override {
        call("delete_suppress");
        held.suppress_rule = false;
    }
    void set_label(const LabelRow& r) override {
        call("set_label " + r.prefix.to_string() + " " + to_string(r.label));
        std::erase_if(held.labels, [&](const LabelRow& h) { return h.prefix == r.prefix; });
        held.labels.insert(r);
    }
    void delete_label(const LabelRow& r) override {
        call("delete_label " + r.prefix.to_string() + " " + to_string(r.label));
        held.labels.erase(r);
    }
    void take_over_default_routers(int i) override {
        call("take_over " + std::to_string(i));
        held.managed_links.insert(i);
    }
    void release_default_routers(int i) override {
        call("release " + std::to_string(i));
        held.managed_links.erase(i);
    }
    KernelState read_owned(ReadScope scope) override {
        if (fail_on.contains("read")) {
            throw std::runtime_error("ENOBUFS");
        }
        if (scope == ReadScope::Unnotified) {
            ++unnotified_reads;
            KernelState s;
            s.labels = held.labels;
            s.managed_links = held.managed_links;
            return s;
        }
        ++reads;
        return held;
    }

  private:
    void call(const std::string& what) {
        if (fail_on.count(what) != 0) {
            throw std::runtime_error("EPERM");
        }
        calls.push_back(what);
    }
};

// A fake clock: tests move it explicitly.
const RepairClock::time_point start = RepairClock::time_point{} + std::chrono::hours(1);
using std::chrono::milliseconds;
using std::chrono::seconds;

Prefix P(const char* text) {
    return *Prefix::parse(text);
}
Address A(const char* text) {
    return *Address::parse(text);
}

KernelState one_path() {
    KernelState s;
    s.suppress_rule = true;
    s.routes.insert(PathRoute{TableId{6601}, P("::/0"), A("fe80::a"), 2, 1024, {}});
    s.rules.insert(SourceRule{RulePriority{6601}, P("2001:db8:a::/64"), TableId{6601}});
    s.labels.insert(LabelRow{P("2001:db8:a::/64"), AddressLabel{6601}});
    s.labels.insert(LabelRow{P("2000::/3"), AddressLabel{6601}});
    s.managed_links.insert(2);
    return s;
}

TEST(Reconciler, InstallsRoutesBeforeRulesAndTakesOverLast) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    const auto report = reconciler.apply(one_path(), start);
    EXPECT_TRUE(report.complete());
    EXPECT_EQ(kernel.calls,
              (std::vector<std::string>{"add_route ::/0 t6601", "add_suppress",
                                        "add_rule 2001:db8:a::/64 p6601", "set_label 2000::/3 6601",
                                        "set_label 2001:db8:a::/64 6601", "take_over 2"}));
    EXPECT_EQ(reconciler.applied(), one_path());
}

TEST(Reconciler, SecondApplyOfSameStateSendsNothing) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path(), start);
    kernel.calls.clear();
    const auto report = reconciler.apply(one_path(), start);
    EXPECT_TRUE(kernel.calls.empty());
    EXPECT_TRUE(report.changes.empty());
}

TEST(Reconciler, ChangedLabelIsReplacedNotDeleted) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path(), start);
    kernel.calls.clear();
    KernelState next = one_path();
    next.labels.erase(LabelRow{P("2000::/3"), AddressLabel{6601}});
    next.labels.insert(LabelRow{P("2000::/3"), AddressLabel{6602}});
    reconciler.apply(next, start);
    EXPECT_EQ(kernel.calls, (std::vector<std::string>{"set_label 2000::/3 6602"}));
    EXPECT_EQ(reconciler.applied(), next);
}

TEST(Reconciler, EmptyStateRemovesEverythingInReverseOrder) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path(), start);
    kernel.calls.clear();
    reconciler.apply(KernelState{}, start);
    EXPECT_EQ(kernel.calls, (std::vector<std::string>{
                                "delete_label 2000::/3 6601", "delete_label 2001:db8:a::/64 6601",
                                "delete_rule 2001:db8:a::/64 p6601", "delete_suppress",
                                "delete_route ::/0 t6601", "release 2"}));
    EXPECT_EQ(reconciler.applied(), KernelState{});
}

TEST(Reconciler, FailedStepIsReportedAndRetriedNextTime) {
    FakeKernel kernel;
    kernel.fail_on.insert("add_rule 2001:db8:a::/64 p6601");
    Reconciler reconciler(kernel);
    const auto first = reconciler.apply(one_path(), start);
    ASSERT_EQ(first.errors.size(), 1U);
    EXPECT_NE(first.errors[0].find("2001:db8:a::/64"), std::string::npos);
    EXPECT_NE(first.errors[0].find("EPERM"), std::string::npos);
    EXPECT_EQ(reconciler.applied().rules.size(), 0U);
    EXPECT_EQ(reconciler.applied().routes.size(), 1U);

    kernel.fail_on.clear();
    kernel.calls.clear();
    const auto second = reconciler.apply(one_path(), start);
    EXPECT_TRUE(second.complete());
    EXPECT_EQ(kernel.calls, (std::vector<std::string>{"add_rule 2001:db8:a::/64 p6601"}));
    EXPECT_EQ(reconciler.applied(), one_path());
}

// Issue 11: the reconciler compared with its own record, so what someone
// else deleted was never put back. Now each kind comes back, with one log
// line naming it.
TEST(Reconciler, EveryKindRemovedBehindItsBackIsRestoredWithOneLineEach) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    KernelState want = one_path();
    want.rules.insert(SourceRule{RulePriority{6855}, P("::/0"), TableId{6855}});
    want.routes.insert(PathRoute{TableId{6855}, P("::/0"), A("fe80::a"), 2, 1024, {}});
    reconciler.apply(want, start);
    ASSERT_EQ(kernel.held, want);

    kernel.held.rules.erase(SourceRule{RulePriority{6601}, P("2001:db8:a::/64"), TableId{6601}});
    kernel.held.rules.erase(SourceRule{RulePriority{6855}, P("::/0"), TableId{6855}});
    kernel.held.suppress_rule = false;
    kernel.held.routes.erase(PathRoute{TableId{6601}, P("::/0"), A("fe80::a"), 2, 1024, {}});
    kernel.held.labels.erase(LabelRow{P("2000::/3"), AddressLabel{6601}});
    kernel.held.managed_links.erase(2);  // accept_ra_defrtr=1 by hand
    kernel.calls.clear();
    const auto report = reconciler.apply(want, start + seconds(1));
    EXPECT_TRUE(report.complete());
    EXPECT_EQ(kernel.held, want);
    EXPECT_EQ(report.repairs.size(), 6U);
    EXPECT_TRUE(report.conflicts.empty());
    const auto has = [&](const std::string& text) {
        return std::ranges::any_of(report.repairs,
                                   [&](const std::string& l) { return l.find(text) == 0; });
    };
    EXPECT_TRUE(
        has("rule 6601: from 2001:db8:a::/64 lookup 6601 removed by someone else; restored"));
    EXPECT_TRUE(has("rule 6855: from all lookup 6855 removed by someone else; restored"));
    EXPECT_TRUE(has("rule 6600: from all lookup main suppress_prefixlength 0 removed"));
    EXPECT_TRUE(has("route ::/0 via fe80::a"));
    EXPECT_TRUE(has("address label prefix 2000::/3 label 6601 removed or relabelled"));
    EXPECT_TRUE(has("accept_ra_defrtr=0 on "));
    // Exactly the missing objects were sent, routes before rules.
    EXPECT_EQ(kernel.calls,
              (std::vector<std::string>{"add_route ::/0 t6601", "add_suppress",
                                        "add_rule 2001:db8:a::/64 p6601", "add_rule ::/0 p6855",
                                        "set_label 2000::/3 6601", "take_over 2"}));
    // Put back: the next apply sends nothing and logs nothing.
    kernel.calls.clear();
    const auto quiet = reconciler.apply(want, start + seconds(2));
    EXPECT_TRUE(kernel.calls.empty());
    EXPECT_TRUE(quiet.repairs.empty());
}

TEST(Reconciler, LabelChangedBySomeoneElseIsSetBack) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path(), start);
    kernel.held.labels.erase(LabelRow{P("2000::/3"), AddressLabel{6601}});
    kernel.held.labels.insert(LabelRow{P("2000::/3"), AddressLabel{6700}});
    kernel.calls.clear();
    const auto report = reconciler.apply(one_path(), start);
    EXPECT_EQ(kernel.calls, (std::vector<std::string>{"set_label 2000::/3 6601"}));
    ASSERT_EQ(report.repairs.size(), 1U);
    EXPECT_NE(report.repairs[0].find("relabelled"), std::string::npos);
}

// Owned state that multi6d no longer wants but the kernel still holds (a
// crashed run, a change that got lost) is deleted: the diff is against the
// kernel, not against a record.
TEST(Reconciler, OwnedStateItDoesNotWantIsDeletedWhereverItCameFrom) {
    FakeKernel kernel;
    kernel.held.rules.insert(SourceRule{RulePriority{6700}, P("2001:db8:9::/64"), TableId{6700}});
    kernel.held.labels.insert(LabelRow{P("2001:db8:9::/64"), AddressLabel{6700}});
    Reconciler reconciler(kernel);
    const auto report = reconciler.apply(one_path(), start);
    EXPECT_EQ(kernel.held, one_path());
    EXPECT_TRUE(report.repairs.empty());  // not a removal by someone else
}

TEST(Reconciler, FailedReadChangesNothingAndIsRetried) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    kernel.fail_on.insert("read");
    const auto report = reconciler.apply(one_path(), start);
    ASSERT_EQ(report.errors.size(), 1U);
    EXPECT_TRUE(kernel.calls.empty());
    EXPECT_TRUE(reconciler.unnotified_drift(start));
    kernel.fail_on.clear();
    EXPECT_TRUE(reconciler.apply(one_path(), start).complete());
    EXPECT_EQ(kernel.held, one_path());
}

// Labels and sysctls send no event: the periodic check reads them (only
// them) and says when a full apply is due.
TEST(Reconciler, UnnotifiedDriftSeesLabelsAndSysctlsOnly) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path(), start);
    const int reads = kernel.reads;
    EXPECT_FALSE(reconciler.unnotified_drift(start));
    kernel.held.labels.erase(LabelRow{P("2000::/3"), AddressLabel{6601}});
    EXPECT_TRUE(reconciler.unnotified_drift(start));
    kernel.held.labels.insert(LabelRow{P("2000::/3"), AddressLabel{6601}});
    EXPECT_FALSE(reconciler.unnotified_drift(start));
    kernel.held.managed_links.clear();
    EXPECT_TRUE(reconciler.unnotified_drift(start));
    EXPECT_EQ(kernel.reads, reads);  // no full dump for the check
    EXPECT_EQ(kernel.unnotified_reads, 4);
}

// A fight: the same rule removed every 200 ms. The first 3 removals in 60 s
// are restored with a line each; the 4th is logged once as a conflict that
// names networkd's setting, and the rule is then held off 1 s, 2 s, 4 s ...
// with no more lines.
TEST(Reconciler, FightIsLoggedOnceAsConflictAndBackedOffExponentially) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path(), start);
    const SourceRule rule{RulePriority{6601}, P("2001:db8:a::/64"), TableId{6601}};
    std::vector<std::string> repairs;
    std::vector<std::string> conflicts;
    int restores = 0;
    auto now = start;
    for (int tick = 0; tick < 50 * 10; ++tick) {  // 100 s in 200 ms steps
        now += milliseconds(200);
        if (kernel.held.rules.contains(rule)) {
            kernel.held.rules.erase(rule);  // the other party
        }
        kernel.calls.clear();
        const auto report = reconciler.apply(one_path(), now);
        repairs.insert(repairs.end(), report.repairs.begin(), report.repairs.end());
        conflicts.insert(conflicts.end(), report.conflicts.begin(), report.conflicts.end());
        restores +=
            static_cast<int>(std::ranges::count(kernel.calls, "add_rule 2001:db8:a::/64 p6601"));
        // Only the fought-over rule is ever touched.
        for (const auto& c : kernel.calls) {
            EXPECT_EQ(c, "add_rule 2001:db8:a::/64 p6601");
        }
    }
    EXPECT_EQ(repairs.size(), 3U);
    ASSERT_EQ(conflicts.size(), 1U);
    EXPECT_NE(
        conflicts[0].find("conflict: rule 6601: from 2001:db8:a::/64 lookup 6601 removed 4 times"),
        std::string::npos);
    EXPECT_NE(conflicts[0].find("ManageForeignRoutingPolicyRules=no"), std::string::npos);
    // 3 restores, then after holds of 1, 2, 4, 8, 16, 32, 64 s: the hold
    // total passes 100 s after 7 of them, so at most 3 + 7 restores.
    EXPECT_GE(restores, 3 + 5);
    EXPECT_LE(restores, 3 + 7);
    EXPECT_EQ(reconciler.repairs().fights(), 1U);
    EXPECT_TRUE(reconciler.next_hold_end(now).has_value());
}

TEST(Reconciler, HeldOffObjectComesBackWhenTheHoldEndsAndIsForgivenLater) {
    FakeKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path(), start);
    const SourceRule rule{RulePriority{6601}, P("2001:db8:a::/64"), TableId{6601}};
    auto now = start;
    for (int i = 0; i < 4; ++i) {
        now += seconds(1);
        kernel.held.rules.erase(rule);
        reconciler.apply(one_path(), now);
    }
    EXPECT_FALSE(kernel.held.rules.contains(rule));  // held off 1 s
    const auto end = reconciler.next_hold_end(now);
    ASSERT_TRUE(end.has_value());
    EXPECT_EQ(*end, now + seconds(1));
    EXPECT_FALSE(reconciler.unnotified_drift(now + milliseconds(500)));
    EXPECT_TRUE(reconciler.unnotified_drift(*end));  // the periodic check sees the end
    reconciler.apply(one_path(), *end);
    EXPECT_TRUE(kernel.held.rules.contains(rule));
    // Left alone for two windows: forgiven, a new removal is a plain repair.
    now = *end + seconds(121);
    reconciler.apply(one_path(), now);
    kernel.held.rules.erase(rule);
    const auto report = reconciler.apply(one_path(), now + seconds(1));
    EXPECT_EQ(report.repairs.size(), 1U);
    EXPECT_TRUE(report.conflicts.empty());
    EXPECT_TRUE(kernel.held.rules.contains(rule));
}

}  // namespace
}  // namespace multi6d
