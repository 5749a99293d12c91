// HostResolver: lookups on worker threads, answers on the event loop
// (dbus/host_resolver.hpp).
#include "host_resolver.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "policy_test_util.hpp"

namespace multi6d::dbus {
namespace {

using namespace std::chrono_literals;
using test::addr;

// Ends the loop with 1 if a test's events never come.
EventSource safety_deadline(EventLoop& loop) {
    return loop.add_timer(std::chrono::steady_clock::now() + 10s, [&loop] { loop.exit(1); });
}

TEST(HostResolver, TheLoopRunsWhileALookupBlocks) {
    SdEventLoop loop;
    const auto loop_thread = std::this_thread::get_id();
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> looked_up_elsewhere{false};
    HostResolver resolver(loop, [&](const std::string& host) {
        looked_up_elsewhere = std::this_thread::get_id() != loop_thread;
        released.wait();  // a lookup that blocks until the loop says so
        return ResolveOutcome{{addr(host)}, {}};
    });

    std::vector<Address> got;
    bool answered_on_loop = false;
    ASSERT_EQ(resolver.resolve("2001:db8::7", "uid 1", ":1.1",
                               [&](ResolveOutcome o) {
                                   answered_on_loop = std::this_thread::get_id() == loop_thread;
                                   got = o.addresses;
                                   loop.exit(0);
                               }),
              HostResolver::Queued::yes);
    EXPECT_TRUE(got.empty());  // never answered from inside resolve()
    EXPECT_EQ(resolver.pending(), 1U);

    bool timer_ran_before_answer = false;
    EventSource timer = loop.add_timer(std::chrono::steady_clock::now(), [&] {
        timer_ran_before_answer = got.empty();
        release.set_value();
    });
    EventSource deadline = safety_deadline(loop);
    EXPECT_EQ(loop.run(), 0);
    EXPECT_TRUE(timer_ran_before_answer);
    EXPECT_TRUE(looked_up_elsewhere);
    EXPECT_TRUE(answered_on_loop);
    EXPECT_EQ(got, std::vector<Address>{addr("2001:db8::7")});
    EXPECT_EQ(resolver.pending(), 0U);
}

TEST(HostResolver, EachAnswerGoesToItsOwnCallback) {
    SdEventLoop loop;
    HostResolver resolver(loop, [](const std::string& host) {
        if (host == "bad") {
            return ResolveOutcome{{}, "Name or service not known"};
        }
        return ResolveOutcome{{addr(host)}, {}};
    });
    std::map<std::string, std::string> answers;
    const auto ask = [&](const std::string& host) {
        return resolver.resolve(
                   host, "uid " + host, ":1." + host, [&answers, &loop, host](ResolveOutcome o) {
                       answers[host] =
                           o.error.empty() ? o.addresses.at(0).to_string() : "error: " + o.error;
                       if (answers.size() == 4) {
                           loop.exit(0);
                       }
                   }) == HostResolver::Queued::yes;
    };
    ASSERT_TRUE(ask("2001:db8::1"));
    ASSERT_TRUE(ask("bad"));
    ASSERT_TRUE(ask("2001:db8::3"));
    ASSERT_TRUE(ask("192.0.2.4"));
    EventSource deadline = safety_deadline(loop);
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(answers["2001:db8::1"], "2001:db8::1");
    EXPECT_EQ(answers["bad"], "error: Name or service not known");
    EXPECT_EQ(answers["2001:db8::3"], "2001:db8::3");
    EXPECT_EQ(answers["192.0.2.4"], "192.0.2.4");
}

// A lookup that blocks until released; counts the lookups that started.
struct BlockingLookup {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::shared_ptr<std::atomic<int>> started = std::make_shared<std::atomic<int>>(0);

    ResolveFunction function() {
        return [r = released, s = started](const std::string& host) {
            ++*s;
            if (host.rfind("hung", 0) == 0) {
                r.wait();
            }
            return ResolveOutcome{{addr("2001:db8::99")}, {}};
        };
    }
    ~BlockingLookup() { release.set_value(); }  // lets the threads end
};

TEST(HostResolver, RefusesBeyondPerCallerLimit) {
    SdEventLoop loop;
    BlockingLookup lookup;
    HostResolver resolver(loop, lookup.function(), ResolverLimits{2, 8, 64, 10s});
    const auto ignore = [](ResolveOutcome) {};
    EXPECT_EQ(resolver.resolve("hung1", "uid 9", ":1.9", ignore), HostResolver::Queued::yes);
    EXPECT_EQ(resolver.resolve("hung2", "uid 9", ":1.9", ignore), HostResolver::Queued::yes);
    EXPECT_EQ(resolver.resolve("hung3", "uid 9", ":1.10", ignore),
              HostResolver::Queued::caller_busy);
    EXPECT_EQ(resolver.pending_for("uid 9"), 2U);
}

// Issue 16, finding 4: two worker threads and 16 slots were shared by all
// callers, so one user's 20 hung lookups made every other caller wait (or
// get LimitsExceeded). Now another caller's lookup gets its answer at once.
TEST(HostResolver, Issue16_HungLookupsOfOneCallerDoNotDelayAnother) {
    SdEventLoop loop;
    BlockingLookup lookup;
    HostResolver resolver(loop, lookup.function());
    int refused = 0;
    for (int i = 0; i < 20; ++i) {
        if (resolver.resolve("hung" + std::to_string(i), "uid 65534", ":1.66",
                             [](ResolveOutcome) {}) != HostResolver::Queued::yes) {
            ++refused;
        }
    }
    EXPECT_EQ(refused, 20 - 4);  // the per-caller limit, not a shared one
    std::vector<Address> got;
    ASSERT_EQ(resolver.resolve("other.example", "uid 1000", ":1.7",
                               [&](ResolveOutcome o) {
                                   got = o.addresses;
                                   loop.exit(0);
                               }),
              HostResolver::Queued::yes);
    EventSource deadline = safety_deadline(loop);
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(got, std::vector<Address>{addr("2001:db8::99")});
}

// Issue 16, finding 4: a lookup that never ends used to hold the caller
// until its D-Bus timeout (NoReply at 60 s); now it fails after the timeout.
TEST(HostResolver, Issue16_HungLookupTimesOutWithAnError) {
    SdEventLoop loop;
    BlockingLookup lookup;
    HostResolver resolver(loop, lookup.function(), ResolverLimits{4, 8, 64, 50ms});
    std::string error;
    const auto asked = std::chrono::steady_clock::now();
    ASSERT_EQ(resolver.resolve("hung", "uid 1", ":1.1",
                               [&](ResolveOutcome o) {
                                   error = o.error;
                                   loop.exit(0);
                               }),
              HostResolver::Queued::yes);
    EventSource deadline = safety_deadline(loop);
    EXPECT_EQ(loop.run(), 0);
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 50ms);
    EXPECT_EQ(error, "no answer within 0.05 s");
    EXPECT_EQ(resolver.pending(), 0U);
    // The slot is free again (the hung thread still counts as running
    // until getaddrinfo() would return).
    EXPECT_EQ(resolver.pending_for("uid 1"), 0U);
}

// Issue 16, finding 4: a caller that left the bus kept its slots until its
// lookups ended; now they are freed as soon as the bus says it is gone.
TEST(HostResolver, Issue16_SlotsOfAVanishedCallerAreFreedAtOnce) {
    SdEventLoop loop;
    BlockingLookup lookup;
    HostResolver resolver(loop, lookup.function(), ResolverLimits{2, 8, 64, 10s});
    bool called = false;
    const auto mark = [&](ResolveOutcome) { called = true; };
    ASSERT_EQ(resolver.resolve("hung1", "uid 5", ":1.50", mark), HostResolver::Queued::yes);
    ASSERT_EQ(resolver.resolve("hung2", "uid 5", ":1.50", mark), HostResolver::Queued::yes);
    ASSERT_EQ(resolver.resolve("hung3", "uid 5", ":1.51", mark), HostResolver::Queued::caller_busy);
    resolver.forget_connection(":1.50");
    EXPECT_EQ(resolver.pending_for("uid 5"), 0U);
    EXPECT_EQ(resolver.resolve("hung3", "uid 5", ":1.51", mark), HostResolver::Queued::yes);
    EXPECT_FALSE(called);  // nobody to answer
}

TEST(HostResolver, RunningThreadsOfACallerAreBoundedToo) {
    SdEventLoop loop;
    BlockingLookup lookup;
    HostResolver resolver(loop, lookup.function(), ResolverLimits{4, 6, 64, 10s});
    int queued = 0;
    for (int connection = 0; connection < 4; ++connection) {
        for (int i = 0; i < 4; ++i) {
            const std::string name = ":1." + std::to_string(connection);
            queued += resolver.resolve("hung", "uid 3", name, [](ResolveOutcome) {}) ==
                      HostResolver::Queued::yes;
            resolver.forget_connection(name);  // reconnecting frees slots, not threads
        }
    }
    EXPECT_EQ(queued, 6);
}

// Address literals never reach DNS, so this runs without network.
TEST(ResolveWithGetaddrinfo, ReturnsLiteralsAsAddresses) {
    const auto v6 = resolve_with_getaddrinfo("2001:db8::5");
    EXPECT_EQ(v6.error, "");
    EXPECT_EQ(v6.addresses, std::vector<Address>{addr("2001:db8::5")});
    const auto v4 = resolve_with_getaddrinfo("192.0.2.9");
    EXPECT_EQ(v4.addresses, std::vector<Address>{addr("::ffff:192.0.2.9")});
    EXPECT_NE(resolve_with_getaddrinfo("").error, "");
}

}  // namespace
}  // namespace multi6d::dbus
