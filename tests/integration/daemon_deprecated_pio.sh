#!/bin/bash
# Issue 13 item 3 in the lab: router A deprecates its prefix (PIO preferred
# lifetime 0, valid lifetime still 86400) while a TCP transfer from A's
# address runs. A stays a default router with the higher preference.
#  1. The transfer keeps flowing through A and finishes with every byte
#     (RFC 4862 §5.5.4: a deprecated address stays usable for existing
#     connections). Before the fix multi6d deleted the path's route and
#     label, A's rule led to an empty table and the connection froze.
#  2. Within 2 s the kernel marks A's address deprecated, and new unbound
#     connections choose B's address (RFC 6724 rule 3) and leave via B,
#     20 of 20, while A's address still routes via A.
#  3. A's prefix preferred again: new connections use A's source again.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

STREAM=${M6_BUILD_DIR}/tests/tools/m6-stream
[[ -x $STREAM ]] || it_fail "$STREAM is missing (build first)"
SERVER=2001:db8:ff::1
STREAM_PORT=5001
PORT=8080
ADDR_A=2001:db8:a::10
ADDR_B=2001:db8:b::10
SECONDS_TOTAL=8
DEPRECATE_AT=2
RATE=200000
GIVE_UP=3

it_lab_up -n 2 --wait a.prf=high
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_spawn "$LAB" inet stream "$STREAM" serve "$STREAM_PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
lab_wait_listen "$LAB" inet "$STREAM_PORT"
it_daemon_start multi6d --config /dev/null --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
uses() { it_uses "$1" "$SERVER" "$PORT"; }
deprecated() { lab_exec "$LAB" host ip -6 addr show dev eth0 | grep "inet6 $ADDR_A/" | grep -q deprecated; }
it_assert "new unbound connections use A's source" it_poll 5000 uses "$ADDR_A"

it_log "1. A's PIO deprecated (preferred 0, valid 86400) during a transfer from A's address"
out=/run/multi6d-lab/$LAB/client.out
start=$(it_now_ms)
lab_exec "$LAB" host "$STREAM" get -b "$ADDR_A" --rate "$RATE" --seconds "$SECONDS_TOTAL" \
    --give-up "$GIVE_UP" "$SERVER" "$STREAM_PORT" >"$out" &
client=$!
# The moment of the deprecation is part of the experiment, not a synchronisation.
sleep "$DEPRECATE_AT"
lab_set "$LAB" a preferred=0
t0=$(it_now_ms)
it_log "A sent preferred lifetime 0 $((t0 - start)) ms after the connect"
it_assert "within 2 s the kernel marks A's address deprecated" it_poll 2000 deprecated
a_before=$(lab_counter "$LAB" a out_ok)

it_log "2. new connections choose B's address; A's address keeps its route"
it_assert "within 2 s a new unbound connection succeeds with B's source" it_poll 2000 uses "$ADDR_B"
echo "  new connections on B's source $(($(it_now_ms) - t0)) ms after the deprecation"
read -r ok src a_syn b_syn <<<"$(it_measure "$SERVER" "$PORT" 20)"
echo "  unbound: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 unbound connections succeed" test "$ok" -eq 20
it_assert "all with B's source" test "$src" = "src=$ADDR_B"
it_assert "their SYNs left via B only" test "$a_syn" -eq 0 -a "$b_syn" -ge 20
it_assert "A's deprecated address still routes via A" it_route_via "$SERVER" "$ADDR_A" fe80::a

status=0
wait "$client" || status=$?
line=$(cat "$out")
echo "  $line"
a_after=$(lab_counter "$LAB" a out_ok)
it_assert "the client exited 0 ($status)" test "$status" -eq 0
it_assert "result=ok, checksum=ok" grep -q "^stream: result=ok .* checksum=ok mismatches=0 " <<<"$line"
bytes=$(sed -n 's/.* bytes=\([0-9]*\) expected=\([0-9]*\) .*/\1 \2/p' <<<"$line")
it_assert "every byte arrived ($bytes)" \
    test "$bytes" == "$((RATE * SECONDS_TOTAL)) $((RATE * SECONDS_TOTAL))"
it_assert "the transfer's packets kept leaving via A after the deprecation ($((a_after - a_before)))" \
    test $((a_after - a_before)) -ge 20

it_log "3. A's prefix preferred again"
lab_set "$LAB" a preferred=14400
it_assert "within 2 s new unbound connections use A's source again" it_poll 2000 uses "$ADDR_A"
it_daemon_stop TERM
