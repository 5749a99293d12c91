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

# measure DST N: N unbound connections to DST; prints "ok src a_syn b_syn".
measure() {
    local dst=$1 n=$2 a0 b0 out
    a0=$(lab_counter "$LAB" a syn)
    b0=$(lab_counter "$LAB" b syn)
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n "$n" -t 1000 "$dst" "$PORT" || true)
    echo "$(it_connect_ok "$out") $(grep -o 'src=[^ ]*' <<<"$out" | sort -u | tr '\n' ' ')$(($(lab_counter "$LAB" a syn) - a0)) $(($(lab_counter "$LAB" b syn) - b0))"
}

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
# uses SRC: a new unbound connection to the generic server succeeds from SRC.
uses() {
    local out
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n 1 -t 200 "$GENERIC" "$PORT" || true)
    grep -q "result=ok src=$1 " <<<"$out"
}
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
it_daemon_stop TERM
