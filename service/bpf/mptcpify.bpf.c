/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mptcp = true in an [[application]] (multi6d.toml(5)): its TCP sockets
 * become MPTCP without changing it. Linux 6.6 calls
 * update_socket_protocol(family, type, protocol) from socket(2) and lets
 * an fmod_ret program replace the protocol (net/socket.c, __sys_socket();
 * net/mptcp/bpf.c allows it; the kernel's selftest progs/mptcpify.c). The daemon loads it (mptcpify_loader.hpp)
 * only while some application has mptcp = true; its link is a file
 * descriptor of the daemon, so the program goes with the daemon, even on
 * SIGKILL.
 *
 * GPL: fmod_ret programs need a GPL-compatible licence.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "mptcpify_match.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fmod_ret/update_socket_protocol")
int BPF_PROG(mptcpify, int family, int type, int protocol)
{
	/* fmod_ret: a non-zero return replaces the function's result; 0 runs
	 * it, and it returns `protocol` unchanged. */
	return mptcpify_wants(family, type, protocol) ? MPTCPIFY_IPPROTO_MPTCP : 0;
}
