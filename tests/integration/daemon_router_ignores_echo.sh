#!/bin/bash
# Issue 13 item 1 in the lab: routers that answer neighbour solicitation
# but never ICMPv6 echo (nft drops echo to them: `echo=off`) and advertise
# no RDNSS, so multi6d's probes have nothing that can answer. Router A has
# the higher preference. Real radvd, real kernel, multi6d on its defaults
# on a private bus.
#  1. After at least 4 probes to each router went unanswered, both paths
#     are `unknown`, not `down` (multi6ctl --json paths: state and
#     state_reason saying no probe answered and the router may ignore echo).
#     Before the fix both were down about 0.5 s after the first RA.
#  2. They stay usable: 20 of 20 new unbound connections succeed with A's
#     source and leave via A (router preference, as the kernel alone would);
#     connections bound to B's address leave via B and succeed.
#  3. Once the paths exist, multi6d's log never says "no usable path" (it
#     said "generic destinations: no usable path (kernel defaults)" while
#     the kernel's defaults were not back: accept_ra_defrtr stayed 0), and
#     the generic label row (2000::/3) exists.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"
dbus_init
it_init
it_need_daemon

PORT=8080
SERVER=2001:db8:ff::1
dbus_bus_start
LAB=$(lab_new) || it_fail "cannot reserve a lab"
dbus_trap_with_lab
lab_up --id "$LAB" -n 2 --wait all.echo=off all.rdnss=off a.prf=high >/dev/null || it_fail "lab up"
it_log "lab $LAB up: routers a (prf high), b; neither answers echo, no RDNSS"
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

it_daemon_start multi6d --log-level debug --config /dev/null
it_poll 10000 dbus_name_owned org.multi6d1 || it_fail "multi6d did not take org.multi6d1 within 10 s"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

it_log "1. probes unanswered: both paths unknown, not down"
# Synchronise on what the routers dropped, not on time: each has ignored at
# least 4 of multi6d's echo requests (down_after is 3).
dropped_both() { (($(lab_counter "$LAB" a echo_dropped) >= 4 && $(lab_counter "$LAB" b echo_dropped) >= 4)); }
it_assert "each router dropped 4 echo requests within 20 s" it_poll 20000 dropped_both
paths=$("$M6_CTL" --json paths)
for r in a b; do
    p=$(jq -c --arg r "fe80::$r" '.[] | select(.router == $r)' <<<"$paths")
    echo "  path via fe80::$r: $(jq -r '.state + " (" + (.state_reason // "") + ")"' <<<"$p")"
    it_assert "path via fe80::$r is unknown" test "$(jq -r .state <<<"$p")" = unknown
    it_assert "its state_reason says why" \
        grep -q "no probe answered, but no evidence the path is down (the router may ignore echo)" \
        <<<"$(jq -r .state_reason <<<"$p")"
done
it_assert "multi6ctl paths (table) says unknown twice" \
    test "$("$M6_CTL" paths | grep -c ' unknown ')" -eq 2

it_log "2. unknown paths stay usable"
read -r ok src a_syn b_syn <<<"$(it_measure "$SERVER" "$PORT" 20)"
echo "  unbound: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 unbound connections succeed" test "$ok" -eq 20
it_assert "all with A's source (A has the higher preference)" test "$src" = "src=2001:db8:a::10"
it_assert "their SYNs left via A only" test "$a_syn" -ge 20 -a "$b_syn" -eq 0
read -r ok src a_syn b_syn <<<"$(it_measure "$SERVER" "$PORT" 20 -b 2001:db8:b::10)"
echo "  bound to B's address: ok=$ok SYNs via A=$a_syn via B=$b_syn"
it_assert "20 of 20 connections from B's address succeed" test "$ok" -eq 20
it_assert "their SYNs left via B only" test "$a_syn" -eq 0 -a "$b_syn" -ge 20

it_log "3. no 'no usable path' while the kernel's defaults are missing"
# Before the first RA there is no path and the kernel's defaults are really
# in force (multi6d has not taken over default-router selection yet), so
# the start-up line is right; from the first path on it must never recur.
after=$(awk '/generic destinations: 2001:/ { on = 1 } on' "$M6D_LOG")
it_assert "multi6d chose a path for generic destinations" test -n "$after"
if grep -n "no usable path" <<<"$after"; then
    it_fail "multi6d's log says 'no usable path' (above) with two usable paths"
fi
echo "ok: once the paths exist, multi6d's log never says 'no usable path'"
it_assert "multi6d took over default-router selection (accept_ra_defrtr 0)" \
    test "$(lab_exec "$LAB" host sysctl -n net.ipv6.conf.eth0.accept_ra_defrtr)" = 0
it_assert "the generic label row (2000::/3) is there" \
    grep -q "^prefix 2000::/3 " <<<"$(lab_exec "$LAB" host ip addrlabel list)"
it_assert "the log says why the paths are unknown" \
    grep -q "unknown (no probe answered, but no evidence the path is down" "$M6D_LOG"
it_daemon_stop TERM
