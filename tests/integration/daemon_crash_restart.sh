#!/bin/bash
# SIGKILL, then restart: the new run finds the killed run's routes, rules,
# labels and sysctl changes by their marks, removes them, rebuilds its state
# from RAs and rtnetlink, and 100% of new connections succeed again. After
# a clean stop the host is exactly as it was before the first start (the
# original sysctls come from the state file the killed run left behind).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

SERVER=2001:db8:ff::1
PORT=8080

it_lab_up -n 2 --wait
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

snapshot() {
    lab_exec "$LAB" host sh -c '
        ip -6 rule show | sort
        ip -6 route show table all | sed -E "s/ expires [0-9]+sec//" | sort
        ip addrlabel list | sort
        cat /proc/sys/net/ipv6/conf/eth0/accept_ra_defrtr'
}
before=$(snapshot)

it_log "1. first run, killed with SIGKILL"
it_daemon_start first --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_daemon_stop KILL
rules_left=$(it_source_rules | wc -l)
it_assert "the killed run left its rules behind ($rules_left)" test "$rules_left" -eq 2
it_assert "and accept_ra_defrtr=0" test "$(lab_exec "$LAB" host cat /proc/sys/net/ipv6/conf/eth0/accept_ra_defrtr)" -eq 0

it_log "2. restart"
it_daemon_start second --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "the restart reported the leftovers it removed" grep -q "left by an earlier run" "$M6D_LOG"
rules=$(it_source_rules)
it_assert "exactly one rule per prefix after restart" test "$(wc -l <<<"$rules")" -eq 2
labels=$(lab_exec "$LAB" host ip addrlabel list | grep -c ' label 66[0-9][0-9]')
it_assert "exactly three multi6d label rows (2 prefixes + 2000::/3), found $labels" test "$labels" -eq 3
out=$(lab_exec "$LAB" host "$M6_CONNECT" -n 30 -t 1000 "$SERVER" "$PORT" || true)
ok=$(it_connect_ok "$out")
echo "  after restart: $ok of 30 unbound connections succeeded"
it_assert "30 of 30 succeed after the restart" test "$ok" -eq 30

it_log "3. clean stop restores the state from before the first run"
it_daemon_stop TERM
has_kernel_defaults() { [[ $(lab_exec "$LAB" host ip -6 route show default | grep -c "proto ra") -eq 2 ]]; }
it_assert "kernel default routes are back within 2 s" it_poll 2000 has_kernel_defaults
after=$(snapshot)
if [[ $before != "$after" ]]; then
    diff <(echo "$before") <(echo "$after") | sed 's/^/  /' >&2 || true
    it_fail "host state differs from before the first start"
fi
echo "ok: host state identical to before the first start"
