#!/bin/bash
# Malformed Router Advertisements sent to the host while multi6d runs: each
# is ignored with a debug log line, and nothing changes — no kernel change by
# multi6d (no add/delete/set in its log, owned rules/routes/labels identical)
# and the daemon keeps running.
#
# Every corpus case carries a valid core (router lifetime 1800, PIO
# 2001:db8:1::/64) around its defect, so the test first sends that valid
# core from the same router (fe80::99) and lets multi6d learn it. After that
# a correctly handled malformed RA can change nothing: its valid parts only
# refresh what is known, its defect must be ignored. (type-133 is left out:
# the socket's ICMP6_FILTER drops it before the daemon sees it, so there is
# no log line to wait for.)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon
SEND_RA=${M6_SEND_RA:-$M6_BUILD_DIR/tests/tools/m6-send-ra}
[[ -x $SEND_RA ]] || it_fail "$SEND_RA missing (build first)"

it_lab_up -n 2 --wait
it_daemon_start multi6d --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

send() { lab_exec "$LAB" a "$SEND_RA" --iface lan --source fe80::99 "$@" >/dev/null; }

it_log "1. the valid core of the corpus, from router fe80::99"
send --case valid-one-pio
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64 2001:db8:1::/64
# Nothing answers for fe80::99, so multi6d's prober takes that path down
# within a second; let that settle before the state is recorded.
fake_path_down() { grep -q "path eth0/2001:db8:1::/64/fe80::99: down" "$M6D_LOG"; }
it_assert "the fake router's path is probed and found down" it_poll 5000 fake_path_down

owned_state() {
    lab_exec "$LAB" host sh -c '
        ip -6 rule show | grep "proto 196"
        ip -6 route show table all | grep "proto 196"
        ip addrlabel list | grep " label 66[0-9][0-9]"'
}
changes() { grep -cE '^<6>(add|delete|set) ' "$M6D_LOG" || true; }
lines_matching() { grep -cF -- "$1" "$M6D_LOG" || true; }
state0=$(owned_state)
changes0=$(changes)

it_log "2. the malformed corpus"
cases=0
while read -r name verdict _; do
    case $verdict in
        accepted | accepted:unused) continue ;; # valid RAs: not part of the corpus
        rejected:not-advertisement) continue ;; # filtered by the socket, see above
        rejected:*)
            src=fe80::99
            [[ $name == source-global ]] && src=2001:db8::99
            pattern="ignored RA from $src on eth0: "
            ;;
        accepted:*) pattern="RA from fe80::99 on eth0: ignored option: " ;;
        *) it_fail "unknown verdict $verdict for case $name" ;;
    esac
    before=$(lines_matching "$pattern")
    send --case "$name"
    logged() { (($(lines_matching "$pattern") > before)); }
    it_poll 2000 logged || it_fail "case $name: no debug line \"$pattern...\" within 2 s"
    echo "ok: $name ($verdict): $(grep -F -- "$pattern" "$M6D_LOG" | tail -n 1 | cut -c1-140)"
    cases=$((cases + 1))
done < <("$SEND_RA" --case list)
it_assert "the corpus had at least the 9 kinds the issue names ($cases cases sent)" test "$cases" -ge 9

it_log "3. nothing changed"
# One more valid RA from each lab router, heard and logged after every
# corpus packet, so the check below sees everything the corpus caused.
marker=$(lines_matching "RA from fe80::a on eth0: router lifetime")
lab_set "$LAB" a interval=4
heard_a() { (($(lines_matching "RA from fe80::a on eth0: router lifetime") > marker)); }
it_poll 3000 heard_a || it_fail "no RA from router a after the corpus"
it_assert "multi6d made no kernel change while the corpus arrived" test "$(changes)" -eq "$changes0"
state1=$(owned_state)
if [[ $state0 != "$state1" ]]; then
    diff <(echo "$state0") <(echo "$state1") | sed 's/^/  /' >&2 || true
    it_fail "multi6d's rules, routes or labels changed"
fi
echo "ok: owned rules, routes and labels identical"
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
it_daemon_stop TERM
