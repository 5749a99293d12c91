#include "probe_tracker.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace multi6d {
namespace {

using namespace std::chrono_literals;

Address addr(const char* text) {
    return *Address::parse(text);
}

const PathKey path_a{2, *Prefix::parse("2001:db8:a::/64"), addr("fe80::a")};
const PathKey path_b{2, *Prefix::parse("2001:db8:b::/64"), addr("fe80::b")};
const Address source_a = addr("2001:db8:a::10");
const Address source_b = addr("2001:db8:b::10");
const Address dns = addr("2001:db8:ff::53");
const ProbeNonce nonce1{1, 1, 1, 1, 1, 1, 1, 1};
const ProbeNonce nonce2{2, 2, 2, 2, 2, 2, 2, 2};
const ProbeTime t0 = ProbeTime(100s);

struct TrackerTest : ::testing::Test {
    ProbeTracker tracker{0x1234};
    EchoFields probe_a() {
        return tracker.add({path_a, source_a, dns}, ProbeKind::Probe, nonce1, t0, t0 + 300ms);
    }
};

TEST_F(TrackerTest, SequenceNumbersCountFromOne) {
    const auto first = probe_a();
    const auto second = tracker.add({path_b, source_b, dns}, ProbeKind::Probe, nonce2, t0, t0);
    EXPECT_EQ(first.identifier, 0x1234);
    EXPECT_EQ(first.sequence, 1);
    EXPECT_EQ(first.nonce, nonce1);
    EXPECT_EQ(second.sequence, 2);
    EXPECT_EQ(tracker.size(), 2U);
}

TEST_F(TrackerTest, WrappingSkipsOutstandingNumbers) {
    // 1 stays outstanding; the rest are answered.
    probe_a();
    for (int i = 2; i <= 0xffff; ++i) {
        const auto f = tracker.add({path_b, source_b, dns}, ProbeKind::Probe, nonce2, t0, t0 + 1s);
        ASSERT_EQ(f.sequence, i);
        ASSERT_TRUE(tracker.on_reply(2, dns, source_b, f, t0));
    }
    EXPECT_EQ(tracker.add({path_b, source_b, dns}, ProbeKind::Probe, nonce2, t0, t0).sequence, 0);
    EXPECT_EQ(tracker.add({path_b, source_b, dns}, ProbeKind::Probe, nonce2, t0, t0).sequence, 2)
        << "1 is still outstanding";
}

TEST_F(TrackerTest, ReplyMatchingEveryFieldGivesRtt) {
    const auto f = probe_a();
    const auto outcome = tracker.on_reply(2, dns, source_a, f, t0 + 12ms);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->request, (ProbeRequest{path_a, source_a, dns}));
    EXPECT_EQ(outcome->kind, ProbeKind::Probe);
    ASSERT_TRUE(outcome->rtt);
    EXPECT_EQ(*outcome->rtt, 12ms);
    EXPECT_EQ(tracker.size(), 0U);
    EXPECT_FALSE(tracker.on_reply(2, dns, source_a, f, t0 + 13ms)) << "a duplicate is ignored";
}

TEST_F(TrackerTest, AnyMismatchIsIgnoredAndLeavesTheProbe) {
    const auto f = probe_a();
    EchoFields other_id = f;
    other_id.identifier ^= 1;
    EchoFields other_seq = f;
    other_seq.sequence += 1;
    EchoFields other_nonce = f;
    other_nonce.nonce[7] ^= 0x80;
    const auto at = t0 + 1ms;
    EXPECT_FALSE(tracker.on_reply(2, dns, source_a, other_id, at)) << "identifier";
    EXPECT_FALSE(tracker.on_reply(2, dns, source_a, other_seq, at)) << "sequence";
    EXPECT_FALSE(tracker.on_reply(2, dns, source_a, other_nonce, at)) << "nonce";
    EXPECT_FALSE(tracker.on_reply(3, dns, source_a, f, at)) << "arrival link";
    EXPECT_FALSE(tracker.on_reply(2, addr("2001:db8:ff::1"), source_a, f, at)) << "source";
    EXPECT_FALSE(tracker.on_reply(2, dns, source_b, f, at)) << "destination";
    EXPECT_EQ(tracker.size(), 1U);
    EXPECT_TRUE(tracker.on_reply(2, dns, source_a, f, at));
}

TEST_F(TrackerTest, ReplyAtTheDeadlineCountsAfterItIsALoss) {
    const auto f1 = probe_a();
    const auto on_time = tracker.on_reply(2, dns, source_a, f1, t0 + 300ms);
    ASSERT_TRUE(on_time);
    EXPECT_TRUE(on_time->rtt);
    const auto f2 = probe_a();
    const auto late = tracker.on_reply(2, dns, source_a, f2, t0 + 300ms + 1us);
    ASSERT_TRUE(late);
    EXPECT_FALSE(late->rtt);
}

// A probe with an adaptive timeout (50 ms) kept for late replies up to the
// cap (300 ms): lost at its deadline, then one late reply with its RTT.
TEST_F(TrackerTest, LostProbeKeptForALateReply) {
    const auto f = tracker.add({path_a, source_a, dns}, ProbeKind::Probe, nonce1, t0, t0 + 50ms,
                               false, t0 + 300ms);
    const auto lost = tracker.expire(t0 + 51ms);
    ASSERT_EQ(lost.size(), 1U);
    EXPECT_FALSE(lost[0].rtt);
    EXPECT_FALSE(lost[0].late);
    EXPECT_EQ(tracker.size(), 0U) << "no longer awaiting an outcome";
    EXPECT_FALSE(tracker.next_deadline()) << "no wake-up for a kept probe";
    EXPECT_TRUE(tracker.expire(t0 + 60ms).empty()) << "reported once";
    const auto late = tracker.on_reply(2, dns, source_a, f, t0 + 120ms);
    ASSERT_TRUE(late);
    EXPECT_TRUE(late->late);
    ASSERT_TRUE(late->rtt);
    EXPECT_EQ(*late->rtt, 120ms);
    EXPECT_FALSE(tracker.on_reply(2, dns, source_a, f, t0 + 121ms)) << "a duplicate is ignored";
}

TEST_F(TrackerTest, LateReplyAfterLateUntilIsIgnoredAndTheProbeForgotten) {
    const auto f = tracker.add({path_a, source_a, dns}, ProbeKind::Probe, nonce1, t0, t0 + 50ms,
                               false, t0 + 300ms);
    ASSERT_EQ(tracker.expire(t0 + 51ms).size(), 1U);
    EXPECT_FALSE(tracker.on_reply(2, dns, source_a, f, t0 + 301ms));
    EXPECT_TRUE(tracker.expire(t0 + 302ms).empty());
    EXPECT_EQ(tracker.find(f.sequence), nullptr) << "removed past late_until";
}

TEST_F(TrackerTest, UnreachableAfterTheLossIsNotASecondOutcome) {
    const auto f = tracker.add({path_a, source_a, dns}, ProbeKind::Probe, nonce1, t0, t0 + 50ms,
                               false, t0 + 300ms);
    ASSERT_EQ(tracker.expire(t0 + 51ms).size(), 1U);
    EXPECT_FALSE(tracker.on_unreachable(2, source_a, QuotedProbe{source_a, dns, f}));
}

TEST_F(TrackerTest, ExpireTakesDeadlinesBeforeNowEarliestFirst) {
    tracker.add({path_a, source_a, dns}, ProbeKind::Probe, nonce1, t0, t0 + 300ms);
    tracker.add({path_b, source_b, dns}, ProbeKind::Probe, nonce2, t0, t0 + 100ms);
    tracker.add({path_b, source_b, addr("fe80::b")}, ProbeKind::Probe, nonce2, t0, t0 + 500ms);
    ASSERT_TRUE(tracker.next_deadline());
    EXPECT_EQ(*tracker.next_deadline(), t0 + 100ms);
    EXPECT_TRUE(tracker.expire(t0 + 100ms).empty()) << "the deadline itself is not past";
    const auto lost = tracker.expire(t0 + 400ms);
    ASSERT_EQ(lost.size(), 2U);
    EXPECT_EQ(lost[0].request.path, path_b);
    EXPECT_EQ(lost[1].request.path, path_a);
    EXPECT_FALSE(lost[0].rtt);
    EXPECT_EQ(*tracker.next_deadline(), t0 + 500ms);
    EXPECT_EQ(tracker.expire(t0 + 1s).size(), 1U);
    EXPECT_FALSE(tracker.next_deadline());
}

TEST_F(TrackerTest, HeldProbeIgnoresRepliesUntilTransmitted) {
    const auto f = tracker.add({path_a, source_a, dns}, ProbeKind::Probe, nonce1, t0, t0 + 300ms,
                               /*held=*/true);
    EXPECT_EQ(tracker.held_for(2, addr("fe80::a")), std::vector<std::uint16_t>{f.sequence});
    EXPECT_TRUE(tracker.held_for(2, addr("fe80::b")).empty());
    EXPECT_TRUE(tracker.held_for(3, addr("fe80::a")).empty());
    EXPECT_FALSE(tracker.on_reply(2, dns, source_a, f, t0 + 1ms)) << "never sent";
    tracker.transmitted(f.sequence, t0 + 50ms);
    EXPECT_TRUE(tracker.held_for(2, addr("fe80::a")).empty());
    const auto outcome = tracker.on_reply(2, dns, source_a, f, t0 + 70ms);
    ASSERT_TRUE(outcome && outcome->rtt);
    EXPECT_EQ(*outcome->rtt, 20ms) << "round trip counts from transmission";
}

TEST_F(TrackerTest, KicksAreTrackedPerRouterAndLink) {
    EXPECT_FALSE(tracker.kick_outstanding(2, addr("fe80::a")));
    const auto f = tracker.add({path_a, source_a, addr("fe80::a")}, ProbeKind::NeighbourKick,
                               nonce1, t0, t0 + 300ms);
    EXPECT_TRUE(tracker.kick_outstanding(2, addr("fe80::a")));
    EXPECT_FALSE(tracker.kick_outstanding(2, addr("fe80::b")));
    EXPECT_FALSE(tracker.kick_outstanding(3, addr("fe80::a")));
    const auto outcome = tracker.on_reply(2, addr("fe80::a"), source_a, f, t0 + 1ms);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->kind, ProbeKind::NeighbourKick);
    EXPECT_FALSE(tracker.kick_outstanding(2, addr("fe80::a")));
}

TEST_F(TrackerTest, UnreachableQuotingAProbeIsALoss) {
    const auto f = probe_a();
    QuotedProbe quoted{source_a, dns, f};
    QuotedProbe wrong_source = quoted;
    wrong_source.source = source_b;
    QuotedProbe wrong_target = quoted;
    wrong_target.destination = addr("2001:db8:ff::1");
    QuotedProbe wrong_nonce = quoted;
    wrong_nonce.fields.nonce[0] ^= 1;
    EXPECT_FALSE(tracker.on_unreachable(2, source_a, wrong_source));
    EXPECT_FALSE(tracker.on_unreachable(2, source_a, wrong_target));
    EXPECT_FALSE(tracker.on_unreachable(2, source_a, wrong_nonce));
    EXPECT_FALSE(tracker.on_unreachable(2, source_b, quoted)) << "addressed elsewhere";
    EXPECT_FALSE(tracker.on_unreachable(3, source_a, quoted)) << "another link";
    const auto outcome = tracker.on_unreachable(2, source_a, quoted);
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->rtt);
    EXPECT_EQ(tracker.size(), 0U);
}

TEST_F(TrackerTest, ForgetDropsOnlyThatPath) {
    probe_a();
    probe_a();
    const auto fb = tracker.add({path_b, source_b, dns}, ProbeKind::Probe, nonce2, t0, t0 + 1s);
    EXPECT_EQ(tracker.forget(path_a), 2U);
    EXPECT_EQ(tracker.size(), 1U);
    EXPECT_TRUE(tracker.find(fb.sequence));
    EXPECT_EQ(*tracker.next_deadline(), t0 + 1s);
}

}  // namespace
}  // namespace multi6d
