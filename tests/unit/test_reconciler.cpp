#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "reconciler.hpp"

namespace multi6d {
namespace {

// The syscall boundary: records each call, and fails the ones named in
// `fail_on` the way the kernel would (by throwing, changing nothing).
class RecordingKernel : public KernelPort {
  public:
    std::vector<std::string> calls;
    std::set<std::string> fail_on;

    void add_route(const PathRoute& r) override {
        call("add_route " + r.destination.to_string() + " t" + std::to_string(r.table));
    }
    void delete_route(const PathRoute& r) override {
        call("delete_route " + r.destination.to_string() + " t" + std::to_string(r.table));
    }
    void add_rule(const SourceRule& r) override {
        call("add_rule " + r.source.to_string() + " p" + std::to_string(r.priority));
    }
    void delete_rule(const SourceRule& r) override {
        call("delete_rule " + r.source.to_string() + " p" + std::to_string(r.priority));
    }
    void add_suppress_rule() override { call("add_suppress"); }
    void delete_suppress_rule() override { call("delete_suppress"); }
    void set_label(const LabelRow& r) override {
        call("set_label " + r.prefix.to_string() + " " + std::to_string(r.label));
    }
    void delete_label(const LabelRow& r) override {
        call("delete_label " + r.prefix.to_string() + " " + std::to_string(r.label));
    }
    void take_over_default_routers(int i) override { call("take_over " + std::to_string(i)); }
    void release_default_routers(int i) override { call("release " + std::to_string(i)); }

  private:
    void call(const std::string& what) {
        if (fail_on.count(what) != 0) {
            throw std::runtime_error("EPERM");
        }
        calls.push_back(what);
    }
};

Prefix P(const char* text) {
    return *Prefix::parse(text);
}
Address A(const char* text) {
    return *Address::parse(text);
}

KernelState one_path() {
    KernelState s;
    s.suppress_rule = true;
    s.routes.insert(PathRoute{6601, P("::/0"), A("fe80::a"), 2, 1024, {}});
    s.rules.insert(SourceRule{6601, P("2001:db8:a::/64"), 6601});
    s.labels.insert(LabelRow{P("2001:db8:a::/64"), 6601});
    s.labels.insert(LabelRow{P("2000::/3"), 6601});
    s.managed_links.insert(2);
    return s;
}

TEST(Reconciler, InstallsRoutesBeforeRulesAndTakesOverLast) {
    RecordingKernel kernel;
    Reconciler reconciler(kernel);
    const auto report = reconciler.apply(one_path());
    EXPECT_TRUE(report.complete());
    EXPECT_EQ(kernel.calls,
              (std::vector<std::string>{"add_route ::/0 t6601", "add_suppress",
                                        "add_rule 2001:db8:a::/64 p6601", "set_label 2000::/3 6601",
                                        "set_label 2001:db8:a::/64 6601", "take_over 2"}));
    EXPECT_EQ(reconciler.applied(), one_path());
}

TEST(Reconciler, SecondApplyOfSameStateSendsNothing) {
    RecordingKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path());
    kernel.calls.clear();
    const auto report = reconciler.apply(one_path());
    EXPECT_TRUE(kernel.calls.empty());
    EXPECT_TRUE(report.changes.empty());
}

TEST(Reconciler, ChangedLabelIsReplacedNotDeleted) {
    RecordingKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path());
    kernel.calls.clear();
    KernelState next = one_path();
    next.labels.erase(LabelRow{P("2000::/3"), 6601});
    next.labels.insert(LabelRow{P("2000::/3"), 6602});
    reconciler.apply(next);
    EXPECT_EQ(kernel.calls, (std::vector<std::string>{"set_label 2000::/3 6602"}));
    EXPECT_EQ(reconciler.applied(), next);
}

TEST(Reconciler, EmptyStateRemovesEverythingInReverseOrder) {
    RecordingKernel kernel;
    Reconciler reconciler(kernel);
    reconciler.apply(one_path());
    kernel.calls.clear();
    reconciler.apply(KernelState{});
    EXPECT_EQ(kernel.calls, (std::vector<std::string>{
                                "delete_label 2000::/3 6601", "delete_label 2001:db8:a::/64 6601",
                                "delete_rule 2001:db8:a::/64 p6601", "delete_suppress",
                                "delete_route ::/0 t6601", "release 2"}));
    EXPECT_EQ(reconciler.applied(), KernelState{});
}

TEST(Reconciler, FailedStepIsReportedAndRetriedNextTime) {
    RecordingKernel kernel;
    kernel.fail_on.insert("add_rule 2001:db8:a::/64 p6601");
    Reconciler reconciler(kernel);
    const auto first = reconciler.apply(one_path());
    ASSERT_EQ(first.errors.size(), 1U);
    EXPECT_NE(first.errors[0].find("2001:db8:a::/64"), std::string::npos);
    EXPECT_NE(first.errors[0].find("EPERM"), std::string::npos);
    EXPECT_EQ(reconciler.applied().rules.size(), 0U);
    EXPECT_EQ(reconciler.applied().routes.size(), 1U);

    kernel.fail_on.clear();
    kernel.calls.clear();
    const auto second = reconciler.apply(one_path());
    EXPECT_TRUE(second.complete());
    EXPECT_EQ(kernel.calls, (std::vector<std::string>{"add_rule 2001:db8:a::/64 p6601"}));
    EXPECT_EQ(reconciler.applied(), one_path());
}

}  // namespace
}  // namespace multi6d
