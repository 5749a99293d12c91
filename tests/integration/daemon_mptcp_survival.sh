#!/bin/bash
# An MPTCP connection survives a silent cut of its ISP with multi6d's
# endpoints (DESIGN.md §6): a paced 12 s transfer (m6-stream) from the inet
# namespace to the host, bound to ISP A's address so the cut hits the
# initial subflow; ISP A's upstream is cut at 4 s and stays cut. Every byte
# must arrive, the checksum must match, and no gap may reach the 5 s
# give-up. Without multi6d's endpoints the same transfer fails (see
# tests/bench/mptcp, which measures both side by side).
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
ADDR_B=2001:db8:b::10
SECONDS_TOTAL=12
CUT_AT=4
RATE=1000000
GIVE_UP=5

it_lab_up -n 2 --wait
now_ms() { echo $(($(date +%s%N) / 1000000)); }
endpoints() { lab_exec "$LAB" host ip mptcp endpoint show; }
both_endpoints() {
    local e
    e=$(endpoints)
    grep -q "^$ADDR_A id .* subflow" <<<"$e" && grep -q "^$ADDR_B id .* subflow" <<<"$e"
}
# The join from B: an established TCP subflow from B's address to the server.
b_subflow() {
    [[ -n $(lab_exec "$LAB" host ss -tnH state established src "[$ADDR_B]" dst "[$SERVER]:$PORT") ]]
}

config=/run/multi6d-lab/$LAB/mptcp.toml
printf '[mptcp]\nenabled = true\n' >"$config"
it_daemon_start multi6d --config "$config"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_poll 5000 both_endpoints || it_fail "multi6d added no endpoints for A and B: $(endpoints | tr '\n' ';')"
lab_spawn "$LAB" inet stream "$STREAM" serve --mptcp "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

out=/run/multi6d-lab/$LAB/client.out
start=$(now_ms)
lab_exec "$LAB" host "$STREAM" get --mptcp -b "$ADDR_A" --rate "$RATE" --seconds "$SECONDS_TOTAL" \
    --give-up "$GIVE_UP" "$SERVER" "$PORT" >"$out" &
client=$!
it_poll 3000 b_subflow || it_fail "no subflow from $ADDR_B within 3 s of the connect"
it_log "subflow from B up $(($(now_ms) - start)) ms after the connect"
# The cut's moment is part of the experiment, not a synchronisation.
sleep "$(awk -v t="$CUT_AT" -v e="$(($(now_ms) - start))" 'BEGIN { d = t - e / 1000; print (d > 0 ? d : 0) }')"
lab_cut "$LAB" a
it_log "ISP A cut $(($(now_ms) - start)) ms after the connect"
status=0
wait "$client" || status=$?
line=$(cat "$out")
echo "  $line"
cut_packets=$(lab_counter "$LAB" a cut)
it_assert "the cut dropped packets of the transfer ($cut_packets)" test "$cut_packets" -gt 0
it_assert "the client exited 0 ($status)" test "$status" -eq 0
it_assert "result=ok" grep -q "^stream: result=ok " <<<"$line"
it_assert "checksum=ok and no mismatches" grep -q " checksum=ok mismatches=0 " <<<"$line"
bytes=$(sed -n 's/.* bytes=\([0-9]*\) expected=\([0-9]*\) .*/\1 \2/p' <<<"$line")
it_assert "every byte arrived ($bytes of $((RATE * SECONDS_TOTAL)))" \
    test "$bytes" == "$((RATE * SECONDS_TOTAL)) $((RATE * SECONDS_TOTAL))"
it_assert "the daemon saw A's path go down" grep -qF "path eth0/2001:db8:a::/64/fe80::a: down (" "$M6D_LOG"
it_daemon_stop TERM
