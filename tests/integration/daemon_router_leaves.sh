#!/bin/bash
# Issue 13 item 3: a valid address whose router leaves keeps a route (RFC
# 8028 §3.2 fallback), with the real daemon and real radvd in the lab.
# Router A (high preference) and router B; B's PIO is deprecated from the
# start (preferred lifetime 0, RFC 4862 §5.5.4) and B does not filter
# ingress, as an ISP that carries a customer's other prefix would not.
#  1. A TCP transfer from A's address runs; A sends router lifetime 0 while
#     it runs. A's address is still valid, so its traffic must move to B
#     (the only default router left) and the transfer must finish with every
#     byte. Before the fix A's rule led to an empty table: "Network is
#     unreachable" from A's address and the connection froze.
#  2. `ip -6 route get ... from A's address` says via B while A is gone and
#     via A again when A returns.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

STREAM=${M6_BUILD_DIR}/tests/tools/m6-stream
[[ -x $STREAM ]] || it_fail "$STREAM is missing (build first)"
SERVER=2001:db8:ff::1
PORT=5001
ADDR_A=2001:db8:a::10
SECONDS_TOTAL=8
LEAVE_AT=2
RATE=200000
GIVE_UP=3

it_lab_up -n 2 --wait a.prf=high b.preferred=0 b.filter=off
now_ms() { echo $(($(date +%s%N) / 1000000)); }
route_from_a() { lab_exec "$LAB" host ip -6 route get "$SERVER" from "$ADDR_A" 2>&1 || true; }
via() { grep -q "via $1 " <<<"$(route_from_a)"; }

it_daemon_start multi6d --config /dev/null --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "A's address routes via A while A is a default router" it_poll 2000 via fe80::a
lab_spawn "$LAB" inet stream "$STREAM" serve "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

it_log "1. router lifetime 0 from A during a transfer from A's address"
out=/run/multi6d-lab/$LAB/client.out
start=$(now_ms)
lab_exec "$LAB" host "$STREAM" get -b "$ADDR_A" --rate "$RATE" --seconds "$SECONDS_TOTAL" \
    --give-up "$GIVE_UP" "$SERVER" "$PORT" >"$out" &
client=$!
# The moment A leaves is part of the experiment, not a synchronisation.
sleep "$LEAVE_AT"
b_before=$(lab_counter "$LAB" b out_ok)
lab_set "$LAB" a lifetime=0
it_log "A sent router lifetime 0 $(($(now_ms) - start)) ms after the connect"
it_assert "within 2 s A's address routes via B" it_poll 2000 via fe80::b
status=0
wait "$client" || status=$?
line=$(cat "$out")
echo "  $line"
echo "  route from A: $(route_from_a)"
b_after=$(lab_counter "$LAB" b out_ok)
it_assert "the client exited 0 ($status)" test "$status" -eq 0
it_assert "result=ok, checksum=ok" grep -q "^stream: result=ok .* checksum=ok mismatches=0 " <<<"$line"
bytes=$(sed -n 's/.* bytes=\([0-9]*\) expected=\([0-9]*\) .*/\1 \2/p' <<<"$line")
it_assert "every byte arrived ($bytes)" \
    test "$bytes" == "$((RATE * SECONDS_TOTAL)) $((RATE * SECONDS_TOTAL))"
it_assert "the connection's packets left via B after A left ($((b_after - b_before)))" \
    test $((b_after - b_before)) -ge 20

it_log "2. A returns"
lab_set "$LAB" a lifetime=1800
it_assert "within 2 s A's address routes via A again" it_poll 2000 via fe80::a
it_daemon_stop TERM
