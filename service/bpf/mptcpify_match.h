/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which socket(2) calls mptcpify.bpf.c turns into MPTCP, kept apart from
 * the program so a test program (mptcpify_match_test.bpf.c) runs the very
 * same code under BPF_PROG_TEST_RUN on kernels that refuse fmod_ret
 * programs. BPF C only: no libc, no vmlinux.h.
 */
#ifndef MULTI6D_MPTCPIFY_MATCH_H
#define MULTI6D_MPTCPIFY_MATCH_H

#include <bpf/bpf_helpers.h>
#include <linux/bpf.h>

/* The values of <sys/socket.h> and <netinet/in.h> (ABI, fixed). */
#define MPTCPIFY_AF_INET 2
#define MPTCPIFY_AF_INET6 10
#define MPTCPIFY_SOCK_STREAM 1
/* socket(2)'s type carries SOCK_NONBLOCK and SOCK_CLOEXEC in its high
 * bits, and update_socket_protocol() sees it before __sys_socket_create()
 * masks them (net/socket.c): curl, nc and most libraries pass them. */
#define MPTCPIFY_SOCK_TYPE_MASK 0xf
#define MPTCPIFY_IPPROTO_TCP 6
#define MPTCPIFY_IPPROTO_MPTCP 262

/* The most uids the map holds (MptcpifyLoader refuses more). */
#define MPTCPIFY_MAX_UIDS 16384

/* The uids whose TCP sockets become MPTCP, filled by the daemon from the
 * [[application]]s with mptcp = true (policy/application_mptcp.hpp).
 * Value unused (1). */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __uint(max_entries, MPTCPIFY_MAX_UIDS);
    __type(key, __u32);
    __type(value, __u8);
} mptcpify_uids SEC(".maps");

/* Whether the calling task's socket(family, type, protocol) should be
 * MPTCP: a TCP stream socket (protocol 0 or IPPROTO_TCP, as the kernel's
 * selftest progs/mptcpify.c) of a listed uid. The uid is the task's real
 * uid (bpf_get_current_uid_gid(), as ps(1) shows it).
 *
 * A cgroup match (an [[application]]'s units) goes here too, as a second
 * map looked up with bpf_get_current_cgroup_id() (and its ancestors); it
 * is not implemented yet. */
static __always_inline int mptcpify_wants(int family, int type, int protocol) {
    __u32 uid;

    if (family != MPTCPIFY_AF_INET && family != MPTCPIFY_AF_INET6)
        return 0;
    if ((type & MPTCPIFY_SOCK_TYPE_MASK) != MPTCPIFY_SOCK_STREAM)
        return 0;
    if (protocol != 0 && protocol != MPTCPIFY_IPPROTO_TCP)
        return 0;
    uid = (__u32)bpf_get_current_uid_gid();
    return bpf_map_lookup_elem(&mptcpify_uids, &uid) != NULL;
}

#endif
