/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test only (tests/integration/test_mptcpify_match.cpp): the match of
 * mptcpify.bpf.c (mptcpify_match.h, the same code) in a raw tracepoint
 * program, which BPF_PROG_TEST_RUN runs in the calling task's context
 * (net/bpf/test_run.c, bpf_prog_test_run_raw_tp()), so
 * bpf_get_current_uid_gid() is the test's uid. It runs where fmod_ret
 * programs are refused. Its arguments are socket(2)'s, as the hook's.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "mptcpify_match.h"

char LICENSE[] SEC("license") = "GPL";

/* What the hook's program would return: IPPROTO_MPTCP or 0 (unchanged). */
int result = -1;

SEC("raw_tp")
int BPF_PROG(mptcpify_match_test, int family, int type, int protocol)
{
	result = mptcpify_wants(family, type, protocol) ? MPTCPIFY_IPPROTO_MPTCP : 0;
	return 0;
}
