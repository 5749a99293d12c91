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
    EventLoop loop;
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
    ASSERT_TRUE(resolver.resolve("2001:db8::7", [&](ResolveOutcome o) {
        answered_on_loop = std::this_thread::get_id() == loop_thread;
        got = o.addresses;
        loop.exit(0);
    }));
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
    EventLoop loop;
    HostResolver resolver(
        loop,
        [](const std::string& host) {
            if (host == "bad") {
                return ResolveOutcome{{}, "Name or service not known"};
            }
            return ResolveOutcome{{addr(host)}, {}};
        },
        16, 2);
    std::map<std::string, std::string> answers;
    const auto ask = [&](const std::string& host) {
        return resolver.resolve(host, [&answers, &loop, host](ResolveOutcome o) {
            answers[host] = o.error.empty() ? o.addresses.at(0).to_string() : "error: " + o.error;
            if (answers.size() == 4) {
                loop.exit(0);
            }
        });
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

TEST(HostResolver, RefusesBeyondMaxPending) {
    EventLoop loop;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    HostResolver resolver(
        loop,
        [released](const std::string& host) {
            released.wait();
            return ResolveOutcome{{addr(host)}, {}};
        },
        2, 1);
    int answered = 0;
    bool room_again = false;
    const auto done = [&](ResolveOutcome) {
        if (++answered == 2) {
            // Room again once answered (sd-event cannot run twice: one run).
            room_again = resolver.resolve("2001:db8::4", [&](ResolveOutcome) { loop.exit(0); });
            if (!room_again) {
                loop.exit(2);
            }
        }
    };
    EXPECT_TRUE(resolver.resolve("2001:db8::1", done));
    EXPECT_TRUE(resolver.resolve("2001:db8::2", done));
    EXPECT_FALSE(resolver.resolve("2001:db8::3", done));
    EXPECT_EQ(resolver.pending(), 2U);
    release.set_value();
    EventSource deadline = safety_deadline(loop);
    EXPECT_EQ(loop.run(), 0);
    EXPECT_EQ(answered, 2);
    EXPECT_TRUE(room_again);
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
