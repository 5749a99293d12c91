#!/bin/bash
# Rule 5.5's effect and router lifetime 0, with the real daemon in the lab.
#  1. Router B advertises a Route Information Option (RFC 4191) for the
#     second server subnet 2001:db8:fe::/64 and has a lower default-router
#     preference than router A. Connections to that subnet must leave via
#     router B with B's source; all others via router A with A's source —
#     checked where the packets went (the routers' SYN counters).
#  2. Router A then sends router lifetime 0: within 1 s new unbound
#     connections use router B with B's source, and succeed.
#  3. A is a default router again and B sends lifetime 0 while still
#     advertising its RIO: the RIO subnet is still reached via B with B's
#     source (B's path keeps its specific route), everything else via A.
#  4. B, still no default router, withdraws its RIO (route lifetime 0,
#     RFC 4191 §3.1): only that route goes. The RIO subnet is then reached
#     like any other destination, via A with A's source, 20 of 20; B's
#     label row for it is gone; generic connections are untouched; both
#     prefixes keep their rules. B's address, still valid, keeps a route
#     (RFC 8028 §3.2 fallback via A, the only default router): with A's
#     ingress filter off (an ISP that carries the customer's other prefix)
#     connections bound to it succeed via A. Before issue 13 item 3 B's rule
#     led to an empty table: "Network is unreachable" from B's address.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

PORT=8080
GENERIC=2001:db8:ff::1
RIO_SERVER=2001:db8:fe::1

it_lab_up -n 2 --wait a.prf=medium b.prf=low b.rio=2001:db8:fe::/64@medium
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
it_daemon_start multi6d --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
has_rio_label() { lab_exec "$LAB" host ip addrlabel list | grep -q "^prefix 2001:db8:fe::/64 "; }
it_assert "multi6d gave the RIO destination a label row" it_poll 5000 has_rio_label

measure() { it_measure "$1" "$PORT" "${@:2}"; }

it_log "1. RIO destination via B, everything else via A"
read -r ok src a_syn b_syn <<<"$(measure "$RIO_SERVER" 20)"
echo "  to $RIO_SERVER: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections to the RIO subnet succeed" test "$ok" -eq 20
it_assert "all of them used B's source" test "$src" = "src=2001:db8:b::10"
it_assert "their SYNs left via router B only (A=$a_syn, B=$b_syn)" test "$a_syn" -eq 0 -a "$b_syn" -ge 20

read -r ok src a_syn b_syn <<<"$(measure "$GENERIC" 20)"
echo "  to $GENERIC: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections to the generic server succeed" test "$ok" -eq 20
it_assert "all of them used A's source" test "$src" = "src=2001:db8:a::10"
it_assert "their SYNs left via router A only (A=$a_syn, B=$b_syn)" test "$a_syn" -ge 20 -a "$b_syn" -eq 0

it_log "2. router A sends router lifetime 0"
t0=$(date +%s%N)
lab_set "$LAB" a lifetime=0
uses() { it_uses "$1" "$GENERIC" "$PORT"; }
it_assert "within 1 s a new unbound connection succeeds with B's source" \
    it_poll 1000 uses 2001:db8:b::10
echo "  switched to router B after $((($(date +%s%N) - t0) / 1000000)) ms"
read -r ok src a_syn b_syn <<<"$(measure "$GENERIC" 20)"
echo "  to $GENERIC: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections succeed after A's lifetime 0" test "$ok" -eq 20
it_assert "all of them used B's source" test "$src" = "src=2001:db8:b::10"
it_assert "their SYNs left via router B only" test "$a_syn" -eq 0 -a "$b_syn" -ge 20

it_log "3. A is a default router again; B sends lifetime 0 but keeps its RIO"
lab_set "$LAB" a lifetime=1800
lab_set "$LAB" b lifetime=0
it_assert "within 2 s generic connections use A's source again" it_poll 2000 uses 2001:db8:a::10
read -r ok src a_syn b_syn <<<"$(measure "$RIO_SERVER" 20)"
echo "  to $RIO_SERVER: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections to the RIO subnet succeed through B's specific route" \
    test "$ok" -eq 20
it_assert "all of them used B's source" test "$src" = "src=2001:db8:b::10"
it_assert "their SYNs left via router B only (A=$a_syn, B=$b_syn)" test "$a_syn" -eq 0 -a "$b_syn" -ge 20
read -r ok src a_syn b_syn <<<"$(measure "$GENERIC" 20)"
echo "  to $GENERIC: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections to the generic server succeed" test "$ok" -eq 20
it_assert "all of them used A's source (B is no default router)" test "$src" = "src=2001:db8:a::10"
it_assert "their SYNs left via router A only (A=$a_syn, B=$b_syn)" test "$a_syn" -ge 20 -a "$b_syn" -eq 0

it_log "4. B (no default router) withdraws its RIO: route lifetime 0"
t0=$(it_now_ms)
lab_set "$LAB" b rio=2001:db8:fe::/64@medium@0
no_rio_label() { ! lab_exec "$LAB" host ip addrlabel list | grep -q "^prefix 2001:db8:fe::/64 "; }
rio_via_a() { it_uses 2001:db8:a::10 "$RIO_SERVER" "$PORT"; }
it_assert "within 2 s new connections to the withdrawn subnet succeed with A's source" \
    it_poll 2000 rio_via_a
echo "  withdrawn subnet reached via A after $(($(it_now_ms) - t0)) ms"
it_assert "B's label row for the withdrawn subnet is gone" it_poll 2000 no_rio_label
read -r ok src a_syn b_syn <<<"$(measure "$RIO_SERVER" 20)"
echo "  to $RIO_SERVER: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections to the withdrawn subnet succeed" test "$ok" -eq 20
it_assert "all of them used A's source" test "$src" = "src=2001:db8:a::10"
it_assert "their SYNs left via router A only (A=$a_syn, B=$b_syn)" test "$a_syn" -ge 20 -a "$b_syn" -eq 0
read -r ok src a_syn b_syn <<<"$(measure "$GENERIC" 20)"
echo "  to $GENERIC: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections to the generic server still succeed" test "$ok" -eq 20
it_assert "all of them used A's source" test "$src" = "src=2001:db8:a::10"
it_assert "A's address still routes via A" it_route_via "$GENERIC" 2001:db8:a::10 fe80::a
it_assert "both prefixes keep their source rules, and the generic label row stays" \
    it_daemon_has_paths 2001:db8:a::/64 2001:db8:b::/64
echo "  route from B's address: $(lab_exec "$LAB" host ip -6 route get "$GENERIC" from 2001:db8:b::10 2>&1 | head -1)"
it_assert "B's address routes via A (RFC 8028 fallback)" it_route_via "$GENERIC" 2001:db8:b::10 fe80::a
lab_set "$LAB" a filter=off
read -r ok src a_syn b_syn <<<"$(measure "$GENERIC" 20 -b 2001:db8:b::10)"
echo "  bound to B's address: ok=$ok SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections from B's address succeed via A" \
    test "$ok" -eq 20 -a "$a_syn" -ge 20 -a "$b_syn" -eq 0
it_daemon_stop TERM
