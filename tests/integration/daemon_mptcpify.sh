#!/bin/bash
# Issue 17 item 5, done criterion: an unmodified TCP client (m6-stream get
# without --mptcp: socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0)) run by
# an application with mptcp = true gets an MPTCP connection to an MPTCP
# server (listed by `ss -M`), survives the cut of its uplink with every
# byte delivered, and still connects to a TCP-only server.
#
# Label bpf_trampoline, outside the default test preset: it needs a kernel
# that runs fmod_ret programs (multi6d(8), MPTCP FOR APPLICATIONS). On one
# that refuses them it FAILS with the daemon's warning; it never skips.
#
# The hook is global (every namespace of the machine): the application is
# uid 64999, a uid no account of this machine is expected to use, and the
# daemon, and with it the program, is stopped at the end or by the lab's
# teardown.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

STREAM=${M6_BUILD_DIR}/tests/tools/m6-stream
[[ -x $STREAM ]] || it_fail "$STREAM is missing (build first)"
SERVER=2001:db8:ff::1
PORT=5001
TCP_PORT=8080
ADDR_A=2001:db8:a::10
ADDR_B=2001:db8:b::10
APP_UID=64999
SECONDS_TOTAL=12
CUT_AT=4
RATE=1000000
GIVE_UP=5

it_lab_up -n 2 --wait a.prf=high
CONF=${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d.toml
cat >"$CONF" <<CONFIG
[mptcp]
enabled = true

[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/64"]

[[uplink]]
name = "isp-b"
match_prefixes = ["2001:db8:b::/64"]

[[application]]
name = "web"
users = ["$APP_UID"]
uplinks = ["isp-a", "isp-b"]
mptcp = true
CONFIG
as_app() { lab_exec "$LAB" host setpriv --reuid "$APP_UID" --regid "$APP_UID" --clear-groups "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
both_endpoints() {
    local e
    e=$(lab_exec "$LAB" host ip mptcp endpoint show)
    grep -q "^$ADDR_A id .* subflow" <<<"$e" && grep -q "^$ADDR_B id .* subflow" <<<"$e"
}
# An MPTCP socket (ss -M) of the host connected to the server.
mptcp_connection() {
    [[ -n $(lab_exec "$LAB" host ss -MnH state established dst "[$SERVER]:$PORT") ]]
}
b_subflow() {
    [[ -n $(lab_exec "$LAB" host ss -tnH state established src "[$ADDR_B]" dst "[$SERVER]:$PORT") ]]
}

it_daemon_start multi6d --config "$CONF"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
if ! grep -q "mptcpify: BPF program loaded" "$M6D_LOG"; then
    it_fail "the daemon did not load the mptcpify program: $(grep -F 'mptcp = true' "$M6D_LOG" || echo 'no warning either')"
fi
it_poll 5000 both_endpoints || it_fail "multi6d added no endpoints for A and B"
lab_spawn "$LAB" inet stream "$STREAM" serve --mptcp "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
lab_spawn "$LAB" inet serve "$M6_SERVE" "$TCP_PORT" >/dev/null
lab_wait_listen "$LAB" inet "$TCP_PORT"

it_log "1. the unmodified client of uid $APP_UID gets MPTCP and survives the cut of A"
out=${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/client.out
start=$(now_ms)
as_app "$STREAM" get --rate "$RATE" --seconds "$SECONDS_TOTAL" --give-up "$GIVE_UP" \
    "$SERVER" "$PORT" >"$out" &
client=$!
it_assert "ss -M lists its connection" it_poll 3000 mptcp_connection
lab_exec "$LAB" host ss -MniH dst "[$SERVER]:$PORT" | sed 's/^/  /'
it_assert "it has a subflow from B" it_poll 3000 b_subflow
# The cut's moment is part of the experiment, not a synchronisation.
sleep "$(awk -v t="$CUT_AT" -v e="$(($(now_ms) - start))" 'BEGIN { d = t - e / 1000; print (d > 0 ? d : 0) }')"
lab_cut "$LAB" a
it_log "ISP A (the application's uplink) cut $(($(now_ms) - start)) ms after the connect"
status=0
wait "$client" || status=$?
line=$(cat "$out")
echo "  $line"
it_assert "the cut dropped packets of the transfer" test "$(lab_counter "$LAB" a cut)" -gt 0
it_assert "the client exited 0 ($status)" test "$status" -eq 0
it_assert "checksum=ok and no mismatches" grep -q " checksum=ok mismatches=0 " <<<"$line"
bytes=$(sed -n 's/.* bytes=\([0-9]*\) expected=\([0-9]*\) .*/\1 \2/p' <<<"$line")
it_assert "every byte arrived ($bytes of $((RATE * SECONDS_TOTAL)))" \
    test "$bytes" == "$((RATE * SECONDS_TOTAL)) $((RATE * SECONDS_TOTAL))"
lab_restore "$LAB" a

it_log "2. it still connects to a TCP-only server"
tcp=$(as_app "$M6_CONNECT" -n 5 -t 2000 "$SERVER" "$TCP_PORT" || true)
it_assert "5/5 connections to the TCP-only server" test "$(it_connect_ok "$tcp")" -eq 5

it_log "3. SIGTERM unloads the program"
it_daemon_stop TERM
it_assert "no mptcpify program is left" \
    eval '! bpftool prog show 2>/dev/null | grep -q "name mptcpify "'
