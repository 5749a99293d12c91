#!/bin/bash
# multi6d's per-source routing in the lab: two ISPs that filter ingress
# (BCP 38), real radvd, the real daemon.
#  1. Without multi6d (baseline, printed): unbound connections mostly fail.
#  2. With multi6d: >= 50 new unbound connections, 100% succeed; connections
#     bound to each address succeed.
#  3. SIGTERM: ip -6 rule, ip -6 route show table all, ip addrlabel and the
#     sysctls multi6d touched are exactly as before it started, and the
#     kernel's own default routes are back within 2 s.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

SERVER=2001:db8:ff::1
PORT=8080
UNBOUND=50

it_lab_up -n 2 --wait
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

connect() {
    lab_exec "$LAB" host "$M6_CONNECT" "$@" "$SERVER" "$PORT" || true
}

# The host's routing state that multi6d must leave exactly as it found it,
# as sets of lines: kernel RA routes count down their lifetime ("expires
# 1794sec"), so that one field is masked, and two default routes learnt from
# RAs are listed in the order the RAs arrived, so each section is sorted.
snapshot() {
    lab_exec "$LAB" host sh -c '
        echo "## ip -6 rule"; ip -6 rule show | sort
        echo "## ip -6 route show table all"; ip -6 route show table all | sed -E "s/ expires [0-9]+sec//" | sort
        echo "## ip addrlabel"; ip addrlabel list | sort
        echo "## sysctls"
        for f in /proc/sys/net/ipv6/conf/*/accept_ra_defrtr /proc/sys/net/ipv6/conf/*/accept_ra; do
            echo "$f $(cat "$f")"
        done'
}

it_log "1. baseline without multi6d"
out=$(connect -n 20 -t 500)
baseline_ok=$(it_connect_ok "$out")
echo "  baseline: $baseline_ok of 20 unbound connections succeeded without multi6d"
before=$(snapshot)

it_log "2. with multi6d"
it_daemon_start multi6d --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
out=$(connect -n "$UNBOUND" -t 1000)
grep -o 'src=[^ ]*' <<<"$out" | sort | uniq -c | sed 's/^/  source chosen: /'
ok=$(it_connect_ok "$out")
echo "  with multi6d: $ok of $UNBOUND unbound connections succeeded (baseline: $baseline_ok of 20)"
it_assert "all $UNBOUND unbound connections succeed with multi6d" test "$ok" -eq "$UNBOUND"
for src in 2001:db8:a::10 2001:db8:b::10; do
    out=$(connect -n 10 -t 1000 -b "$src")
    it_assert "10 of 10 connections bound to $src succeed" test "$(it_connect_ok "$out")" -eq 10
done
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
# Issue 13 item 5: the routes a kernel with RFC 6724 Rule 5.5 consults, in
# the table the lookup with source :: reaches (multi6d(8)), and the log line
# saying what steers.
unbound_table=$(lab_exec "$LAB" host ip -6 route show table 6855)
echo "$unbound_table" | sed 's/^/  table 6855: /'
it_assert "table 6855 holds default from 2001:db8:a::/64 via router A" \
    grep -q "^default from 2001:db8:a::/64 via fe80::a " <<<"$unbound_table"
it_assert "table 6855 holds default from 2001:db8:b::/64 via router B" \
    grep -q "^default from 2001:db8:b::/64 via fe80::b " <<<"$unbound_table"
it_assert "the log says what steers source selection" \
    grep -q "source selection: address labels steer (RFC 6724 Rule 6); the kernel takes source-specific routes" "$M6D_LOG"

it_log "3. SIGTERM restores the host"
it_daemon_stop TERM
t0=$(date +%s%N)
has_kernel_defaults() {
    local routes
    routes=$(lab_exec "$LAB" host ip -6 route show default)
    grep -q "via fe80::a .*proto ra" <<<"$routes" && grep -q "via fe80::b .*proto ra" <<<"$routes"
}
it_assert "kernel default routes via both routers are back within 2 s" it_poll 2000 has_kernel_defaults
echo "  kernel default routes back after $((($(date +%s%N) - t0) / 1000000)) ms"
after=$(snapshot)
if [[ $before != "$after" ]]; then
    diff <(echo "$before") <(echo "$after") | sed 's/^/  /' >&2 || true
    it_fail "host routing state differs from before multi6d started"
fi
echo "ok: ip -6 rule, routes (all tables), addrlabels and sysctls identical to before start"
grep -q "stopping" "$M6D_LOG" || it_fail "no stop message in the daemon log"
