/* Per-application source for systemd units (issue 17 item 2; multi6d(8),
 * APPLICATIONS). Attached by the daemon, through one BPF link per cgroup,
 * to the cgroup of every unit an [[application]] lists; the map says what
 * the unit gets (policy/unit_wants.hpp).
 *
 * connect6: a socket with no local address yet is bound to the
 * application's source (bpf_bind(), port 0: the kernel picks the port at
 * connect as for IP_BIND_ADDRESS_NO_PORT, bpf-helpers(7)); its route is
 * then looked up with that source and the source's `from P` rule gives the
 * exit of the same uplink. sendmsg6: an unconnected datagram with no
 * source of its own gets it the same way (msg_src_ip6). A socket bound, or
 * a datagram given a source (IPV6_PKTINFO), by the application is never
 * touched. Block refuses both (return 0: EPERM), bound or not.
 *
 * Destinations the source of an uplink must not be forced on are left
 * alone: loopback, link-local, multicast, IPv4-mapped (an IPv4 connection
 * of a dual-stack socket) and the unspecified address. */
/* <linux/bpf.h> first: the libbpf headers need its types. */
// clang-format off
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
// clang-format on

#include "app_source.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, APP_SOURCE_MAX_CGROUPS);
    __type(key, __u64);
    __type(value, struct app_source_entry);
} app_sources SEC(".maps");

#define AF_INET6_ 10

/* struct sockaddr_in6 (<linux/in6.h>, ipv6(7)), without the libc headers
 * the BPF target has none of. */
struct sockaddr_in6_ {
    __u16 sin6_family;
    __be16 sin6_port;
    __be32 sin6_flowinfo;
    __u32 sin6_addr[4];
    __u32 sin6_scope_id;
};

static __always_inline int all_zero(const __u32 a[4]) {
    return (a[0] | a[1] | a[2] | a[3]) == 0;
}

/* True for a destination (network byte order) the source is bound for. */
static __always_inline int steered_destination(const __u32 d[4]) {
    const __u32 first = bpf_ntohl(d[0]);
    if ((first >> 24) == 0xff) { /* multicast, ff00::/8 */
        return 0;
    }
    if ((first & 0xffc00000) == 0xfe800000) { /* link-local, fe80::/10 */
        return 0;
    }
    if (first == 0 && d[1] == 0) {
        const __u32 third = bpf_ntohl(d[2]);
        const __u32 fourth = bpf_ntohl(d[3]);
        if (third == 0 && (fourth == 0 || fourth == 1)) { /* :: and ::1 */
            return 0;
        }
        if (third == 0xffff) { /* ::ffff:0:0/96 */
            return 0;
        }
    }
    return 1;
}

/* The entry of the caller's cgroup or its nearest configured ancestor. */
static __always_inline struct app_source_entry* lookup_caller(void) {
    __u64 id = bpf_get_current_cgroup_id();
    struct app_source_entry* e = bpf_map_lookup_elem(&app_sources, &id);
    if (e) {
        return e;
    }
    struct app_source_entry* found = 0;
    for (int level = 0; level < APP_SOURCE_MAX_LEVELS; level++) {
        id = bpf_get_current_ancestor_cgroup_id(level);
        if (id == 0) {
            break; /* deeper than the caller's own cgroup */
        }
        e = bpf_map_lookup_elem(&app_sources, &id);
        if (e) {
            found = e; /* the deepest one wins: keep going */
        }
    }
    return found;
}

/* What the caller's unit wants for this call to `ctx`'s destination:
 * 0 refuses it (block); 1 lets it go, with *bind_to the entry whose source
 * the socket is to get, or none when it is left alone (no entry, not
 * steered, a destination of its own kind, or a socket the application
 * bound itself). */
static __always_inline int wanted(struct bpf_sock_addr* ctx,
                                  const struct app_source_entry** bind_to) {
    *bind_to = 0;
    const struct app_source_entry* e = lookup_caller();
    if (!e) {
        return 1;
    }
    if (e->action == APP_SOURCE_BLOCK) {
        return 0;
    }
    if (e->action != APP_SOURCE_BIND) {
        return 1;
    }
    const __u32 dst[4] = {ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3]};
    if (!steered_destination(dst)) {
        return 1;
    }
    struct bpf_sock* sk = ctx->sk;
    if (!sk) {
        return 1;
    }
    const __u32 bound[4] = {sk->src_ip6[0], sk->src_ip6[1], sk->src_ip6[2], sk->src_ip6[3]};
    if (!all_zero(bound)) {
        return 1; /* bound by the application: its choice */
    }
    *bind_to = e;
    return 1;
}

SEC("cgroup/connect6")
int app_source_connect6(struct bpf_sock_addr* ctx) {
    if (ctx->user_family != AF_INET6_) {
        return 1;
    }
    const struct app_source_entry* e;
    if (!wanted(ctx, &e)) {
        return 0;
    }
    if (!e || (ctx->sk && ctx->sk->src_port != 0)) {
        return 1; /* a port bound by the application: its choice too */
    }
    struct sockaddr_in6_ src = {};
    src.sin6_family = AF_INET6_;
    src.sin6_addr[0] = e->source[0];
    src.sin6_addr[1] = e->source[1];
    src.sin6_addr[2] = e->source[2];
    src.sin6_addr[3] = e->source[3];
    /* A failure (the address just went away) leaves the socket unbound:
     * the generic policy applies, and the connection is not refused. */
    bpf_bind(ctx, (struct sockaddr*)&src, sizeof(src));
    return 1;
}

SEC("cgroup/sendmsg6")
int app_source_sendmsg6(struct bpf_sock_addr* ctx) {
    const struct app_source_entry* e;
    if (!wanted(ctx, &e)) {
        return 0;
    }
    if (!e) {
        return 1;
    }
    const __u32 given[4] = {ctx->msg_src_ip6[0], ctx->msg_src_ip6[1], ctx->msg_src_ip6[2],
                            ctx->msg_src_ip6[3]};
    if (!all_zero(given)) {
        return 1; /* IPV6_PKTINFO: the application's choice */
    }
    ctx->msg_src_ip6[0] = e->source[0];
    ctx->msg_src_ip6[1] = e->source[1];
    ctx->msg_src_ip6[2] = e->source[2];
    ctx->msg_src_ip6[3] = e->source[3];
    return 1;
}

char LICENSE[] SEC("license") = "GPL";
