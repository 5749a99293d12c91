#!/bin/bash
# Issue 13 item 3 in the lab: router B advertises its prefix with A=0 (no
# SLAAC address: `autonomous=off`), and the host gets an address inside it
# by hand (`ip addr add`, as DHCPv6 or an administrator would). Both
# routers filter spoofed sources (BCP 38), so traffic from that address
# works only through B. multi6d runs before the address exists.
#  1. Within 5 s of `ip addr add`, multi6d has a source rule for B's prefix
#     and `ip -6 route get SERVER from ADDR` goes via fe80::b (the kernel's
#     Rule 5.5 documentation asks userspace for routes per PIO, A=0
#     included).
#  2. 20 of 20 connections bound to the address succeed and leave via B.
#  3. The address deleted: B's prefix loses its rule (no address, no path);
#     A's connections are untouched.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

PORT=8080
SERVER=2001:db8:ff::1
ADDR=2001:db8:b::77

it_lab_up -n 2 --wait b.autonomous=off
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
it_assert "no SLAAC address from B's A=0 prefix" \
    test -z "$(lab_exec "$LAB" host ip -6 addr show dev eth0 to 2001:db8:b::/64)"
it_daemon_start multi6d --config /dev/null --log-level debug
it_daemon_wait_paths 2001:db8:a::/64

it_log "1. an address added by hand inside B's A=0 prefix"
t0=$(it_now_ms)
lab_exec "$LAB" host ip -6 addr add "$ADDR/64" dev eth0 nodad
it_assert "within 5 s multi6d has a source rule for B's prefix" \
    it_poll 5000 it_daemon_has_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "and the address routes via B" it_poll 5000 it_route_via "$SERVER" "$ADDR" fe80::b
echo "  rule and route via B $(($(it_now_ms) - t0)) ms after ip addr add;" \
    "$(lab_exec "$LAB" host ip -6 route get "$SERVER" from "$ADDR" | head -1)"

it_log "2. connections from the address"
read -r ok src a_syn b_syn <<<"$(it_measure "$SERVER" "$PORT" 20 -b "$ADDR")"
echo "  bound to $ADDR: ok=$ok SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections from $ADDR succeed" test "$ok" -eq 20
it_assert "their SYNs left via B only" test "$a_syn" -eq 0 -a "$b_syn" -ge 20
read -r ok src a_syn b_syn <<<"$(it_measure "$SERVER" "$PORT" 20 -b 2001:db8:a::10)"
it_assert "20 of 20 connections from A's address succeed via A" \
    test "$ok" -eq 20 -a "$a_syn" -ge 20 -a "$b_syn" -eq 0

it_log "3. the address deleted"
lab_exec "$LAB" host ip -6 addr del "$ADDR/64" dev eth0
no_b_rule() { ! it_source_rules | grep -q "^2001:db8:b::/64 "; }
it_assert "within 5 s B's prefix has no source rule" it_poll 5000 no_b_rule
read -r ok src a_syn b_syn <<<"$(it_measure "$SERVER" "$PORT" 20)"
it_assert "20 of 20 unbound connections succeed with A's source via A" \
    test "$ok" -eq 20 -a "$src" = "src=2001:db8:a::10" -a "$a_syn" -ge 20
it_daemon_stop TERM
