// The match of the mptcpify program (service/bpf/mptcpify_match.h) run by
// the kernel: mptcpify_match_test.bpf.c holds the same code in a raw
// tracepoint program, which BPF_PROG_TEST_RUN runs in this task's context
// (so its uid is ours); this kernel refuses the fmod_ret program itself.
// Needs root (CAP_BPF). Links libbpf directly: a test, not the daemon.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>

#include "mptcpify_match_test.skel.h"

namespace {

constexpr int ipproto_mptcp = 262;

class MptcpifyMatch : public ::testing::Test {
  protected:
    void SetUp() override {
        skeleton_ = mptcpify_match_test__open_and_load();
        ASSERT_NE(skeleton_, nullptr) << "cannot load the test program (root needed)";
    }
    void TearDown() override { mptcpify_match_test__destroy(skeleton_); }

    void list(std::uint32_t uid) {
        const std::uint8_t one = 1;
        ASSERT_EQ(bpf_map__update_elem(skeleton_->maps.mptcpify_uids, &uid, sizeof uid, &one,
                                       sizeof one, BPF_ANY),
                  0);
    }
    // What the hook's program returns for socket(family, type, protocol)
    // called by this task.
    int run(int family, int type, int protocol) {
        std::array<std::uint64_t, 3> args{static_cast<std::uint64_t>(family),
                                          static_cast<std::uint64_t>(type),
                                          static_cast<std::uint64_t>(protocol)};
        LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args.data(), .ctx_size_in = sizeof args);
        skeleton_->data->result = -1;
        EXPECT_EQ(
            bpf_prog_test_run_opts(bpf_program__fd(skeleton_->progs.mptcpify_match_test), &opts),
            0);
        return skeleton_->data->result;
    }

    mptcpify_match_test* skeleton_ = nullptr;
};

TEST_F(MptcpifyMatch, AListedUidsTcpSocketsBecomeMptcp) {
    list(getuid());
    EXPECT_EQ(run(AF_INET6, SOCK_STREAM, 0), ipproto_mptcp);
    EXPECT_EQ(run(AF_INET, SOCK_STREAM, IPPROTO_TCP), ipproto_mptcp);
    // The flags socket(2) takes in its type (curl, nc, m6-stream pass them).
    EXPECT_EQ(run(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), ipproto_mptcp);
}

TEST_F(MptcpifyMatch, OtherSocketsAreLeftAlone) {
    list(getuid());
    EXPECT_EQ(run(AF_INET6, SOCK_DGRAM, 0), 0);
    EXPECT_EQ(run(AF_INET6, SOCK_STREAM, IPPROTO_SCTP), 0);
    EXPECT_EQ(run(AF_INET6, SOCK_STREAM, ipproto_mptcp), 0);  // already MPTCP
    EXPECT_EQ(run(AF_UNIX, SOCK_STREAM, 0), 0);
    EXPECT_EQ(run(AF_PACKET, SOCK_STREAM, 0), 0);
}

TEST_F(MptcpifyMatch, AnUnlistedUidIsLeftAlone) {
    list(getuid() + 1);
    EXPECT_EQ(run(AF_INET6, SOCK_STREAM, 0), 0);
    const std::uint32_t other = getuid() + 1;
    ASSERT_EQ(bpf_map__delete_elem(skeleton_->maps.mptcpify_uids, &other, sizeof other, 0), 0);
    list(getuid());
    EXPECT_EQ(run(AF_INET6, SOCK_STREAM, 0), ipproto_mptcp);
}

}  // namespace
