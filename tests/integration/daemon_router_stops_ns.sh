#!/bin/bash
# Issue 13 item 1 in the lab: a router that stops answering neighbour
# solicitations (nft drops NS to it: `nd=off`) while it keeps advertising.
# Neither router answers echo and neither advertises RDNSS (`echo=off`,
# `rdnss=off`), so no probe can ever say anything: both paths are unknown
# and only the kernel's neighbour state is evidence. Router A has the higher
# preference; both filter spoofed sources (BCP 38), so a connection works
# only when its source matches its exit.
#  1. New unbound connections use A's source via A.
#  2. A stops answering NS. The kernel's NUD for fe80::a ends FAILED
#     (measured from `lab set`: RFC 4861 timers, DELAY 5 s + 3 probes of
#     1 s after traffic, longer if the entry was REACHABLE); multi6d reports
#     A's path down with the neighbour reason within 1 s of the FAILED, and
#     new unbound connections use B's source and succeed (measured).
#  3. A's next RA makes the kernel's entry STALE again, DELAY and PROBE
#     follow (multi6d's probes are traffic), then FAILED: A's path stays
#     down through the whole cycle (before the hold it came back for
#     seconds after each RA).
#  4. multi6d restarted while the entry is FAILED (A's RAs held back
#     meanwhile, so it stays so): the start-up neighbour dump counts, and
#     A's path is down the first time ListPaths lists it, although the RA
#     that brings the path back makes the entry STALE (before, no event
#     would have said so until the kernel's next FAILED).
#  5. A answers NS again: the next probe's solicitation is answered
#     (REACHABLE), A's path is no longer down and new connections use A's
#     source again (measured).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"
dbus_init
it_init
it_need_daemon

PORT=8080
SERVER=2001:db8:ff::1
ADDR_A=2001:db8:a::10
ADDR_B=2001:db8:b::10
dbus_bus_start
LAB=$(lab_new) || it_fail "cannot reserve a lab"
dbus_trap_with_lab
lab_up --id "$LAB" -n 2 --wait all.echo=off all.rdnss=off a.prf=high >/dev/null || it_fail "lab up"
it_log "lab $LAB up: routers a (prf high), b; neither answers echo, no RDNSS"
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

start_daemon() {
    it_daemon_start "$1" --log-level debug --config /dev/null
    it_poll 10000 dbus_name_owned org.multi6d1 || it_fail "multi6d did not take org.multi6d1 within 10 s"
}
# state_of ROUTER: A's or B's path state in ListPaths ("" while not listed).
state_of() { "$M6_CTL" --json paths | jq -r --arg r "$1" '.[] | select(.router == $r) | .state'; }
reason_of() { "$M6_CTL" --json paths | jq -r --arg r "$1" '.[] | select(.router == $r) | .state_reason'; }
is_state() { [[ $(state_of "$1") == "$2" ]]; }
neighbour_is() { [[ $(it_neighbour_state fe80::a) == "$1" ]]; }
uses() { it_uses "$1" "$SERVER" "$PORT"; }

# The kernel's neighbour events, for the timeline printed at the end.
lab_spawn "$LAB" host neighbours ip -ts monitor neigh >/dev/null
NEIGH_LOG=${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/neighbours.log
timeline() { grep "fe80::a " "$NEIGH_LOG" | sed 's/ lladdr [^ ]*//; s/^/    /' || true; }
start_daemon multi6d
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

it_log "1. both paths unknown; new connections use A"
it_assert "within 5 s a new unbound connection succeeds with A's source" it_poll 5000 uses "$ADDR_A"
echo "  states: A=$(state_of fe80::a) B=$(state_of fe80::b); kernel entry of fe80::a: $(it_neighbour_state fe80::a)"

it_log "2. A stops answering neighbour solicitations"
# FAILED lasts until the next traffic or RA (often under a second), too
# short to catch by polling `ip neigh`: the kernel's events are read instead.
# events STATE: how many times the kernel reported fe80::a in STATE.
events() { grep -c "fe80::a dev eth0 .*router $1 *$" "$NEIGH_LOG" || true; }
# event_ms STATE N: the time (ms since the epoch) of the N-th such event.
event_ms() {
    local ts
    ts=$(grep "fe80::a dev eth0 .*router $1 *$" "$NEIGH_LOG" | sed -n "${2}s/^\[\([^]]*\)\].*/\1/p")
    echo $(($(date -d "$ts" +%s%N) / 1000000))
}
more_events() { (($(events "$1") > $2)); }
failed0=$(events FAILED)
t0=$(it_now_ms)
lab_set "$LAB" a nd=off
# The kernel's timers (RFC 4861 §10 defaults): REACHABLE for 15..45 s after
# the last confirmation, DELAY 5 s, 3 unicast probes 1 s apart.
it_assert "the kernel reports fe80::a FAILED within 90 s" it_poll 90000 more_events FAILED "$failed0"
t_failed=$(event_ms FAILED $((failed0 + 1)))
it_assert "within 1 s of the FAILED multi6d reports A's path down" it_poll 1000 is_state fe80::a down
t_down=$(it_now_ms)
it_assert "within 1 s of that new unbound connections succeed with B's source" \
    it_poll 1000 uses "$ADDR_B"
t_moved=$(it_now_ms)
echo "  FAILED $((t_failed - t0)) ms after A stopped answering; A seen down $((t_down - t_failed)) ms"\
    "after the FAILED; new connections on B $((t_moved - t0)) ms after A stopped answering" \
    "($((t_moved - t_failed)) ms after the FAILED)"
reason=$(reason_of fe80::a)
echo "  A: down ($reason)"
it_assert "the reason is the neighbour entry" \
    test "$reason" = "neighbour entry of router fe80::a failed (the kernel's solicitations went unanswered)"
never_up() { ! grep -q "path eth0/2001:db8:a::/64/fe80::a: up" "$M6D_LOG"; }
it_assert "A never answered a probe (its path was never up)" never_up
echo "  route from A's address: $(lab_exec "$LAB" host ip -6 route get "$SERVER" from "$ADDR_A" 2>&1 | head -1)"
it_assert "the log has A's change with the neighbour reason" \
    grep -q "path eth0/2001:db8:a::/64/fe80::a: down (neighbour entry of router fe80::a failed" "$M6D_LOG"

it_log "3. A's next RA makes the entry STALE again; A stays down through the cycle"
# Until the kernel has re-learnt fe80::a from an RA (STALE or DELAY) after
# the FAILED of step 2 and then reported it FAILED again, at most 30 s; A's
# path must be down at every look meanwhile. (Without an RA between, a
# FAILED can follow a FAILED: the next traffic starts a new resolution,
# INCOMPLETE, which the kernel does not report.)
# cycled: "1" once that happened.
cycled() {
    awk -v n=$((failed0 + 1)) '/fe80::a dev eth0 / {
        if ($NF == "FAILED") { f++; if (relearnt) done = 1 }
        else if (f >= n && ($NF == "STALE" || $NF == "DELAY")) relearnt = 1
    } END { print done + 0 }' "$NEIGH_LOG"
}
looks=0
deadline=$(($(it_now_ms) + 30000))
while [[ $(cycled) != 1 ]]; do
    (($(it_now_ms) < deadline)) || it_fail "no re-learn and new FAILED within 30 s; events: $(timeline | tail -5)"
    s=$(state_of fe80::a)
    looks=$((looks + 1))
    [[ $s == down ]] || it_fail "A's path is '$s' after the kernel's entry went $(timeline | tail -1)"
    sleep 0.1
done
echo "  entry re-learnt from an RA and failed again; A down at all $looks looks"
timeline | tail -4
it_assert "new unbound connections still use B's source" uses "$ADDR_B"

it_log "4. multi6d restarted while A's entry is FAILED"
# A's RAs held back (`ra=off`) so nothing makes the entry STALE while
# multi6d is stopped; the test's own ping is the traffic that makes the
# kernel solicit (and fail) once more.
lab_set "$LAB" a ra=off
it_daemon_stop TERM
lab_exec "$LAB" host ping -c 1 -W 1 fe80::a%eth0 >/dev/null || true
it_assert "the entry is FAILED within 15 s with multi6d stopped" it_poll 15000 neighbour_is FAILED
start_daemon multi6d-2
# The RA that gives multi6d A's path again also makes the entry STALE: the
# dump read at start-up is the only word that A failed.
lab_set "$LAB" a ra=on
listed() { [[ -n $(state_of fe80::a) && -n $(state_of fe80::b) ]]; }
t_start=$(it_now_ms)
it_assert "within 10 s of the start both paths are listed" it_poll 10000 listed
first=$(state_of fe80::a)
echo "  A: $first ($(reason_of fe80::a)) $(($(it_now_ms) - t_start)) ms after the start;" \
    "kernel entry now $(it_neighbour_state fe80::a)"
it_assert "A's path is down the first time it is listed" test "$first" = down
it_assert "new unbound connections use B's source" it_poll 2000 uses "$ADDR_B"

it_log "5. A answers neighbour solicitations again"
t0=$(it_now_ms)
lab_set "$LAB" a nd=on
it_assert "the kernel's entry of fe80::a is REACHABLE within 15 s" it_poll 15000 neighbour_is REACHABLE
t_reachable=$(it_now_ms)
not_down() { ! is_state fe80::a down; }
it_assert "within 1 s of that A's path is no longer down" it_poll 1000 not_down
it_assert "within 2 s new unbound connections use A's source again" it_poll 2000 uses "$ADDR_A"
t_back=$(it_now_ms)
echo "  REACHABLE after $((t_reachable - t0)) ms; new connections on A after $((t_back - t0)) ms;" \
    "A: $(state_of fe80::a) ($(reason_of fe80::a))"
it_daemon_stop TERM
echo "  the kernel's neighbour events for fe80::a:"
timeline
