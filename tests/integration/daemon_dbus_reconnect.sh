#!/bin/bash
# The daemon and a system bus that comes late and goes away, with the real
# daemon in the lab and a private system-type dbus-daemon:
#  1. multi6d starts while there is no bus: it routes anyway (source rules
#     for both prefixes) and logs that the interface is off.
#  2. The bus starts: within 5 s multi6d owns org.multi6d1 and answers
#     ListPaths (both paths) and Rank.
#  3. The bus is stopped and a new one started on the same address (as when
#     dbus-daemon is restarted): multi6d logs the lost connection, owns the
#     name on the new bus within 5 s and answers again; its routing was
#     never touched (same rules before and after).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"

dbus_init
it_init
it_need_daemon

DEST=org.multi6d1
OBJ=/org/multi6d1
IFACE=org.multi6d.Manager1

dbus_bus_prepare
LAB=$(lab_new) || it_fail "cannot reserve a lab"
dbus_trap_with_lab
lab_up --id "$LAB" -n 2 --wait >/dev/null || it_fail "lab up"

list_paths() {
    busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" ListPaths |
        jq -r '.data[0][] | .[0]' | sort
}
rank_sources() {
    busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' 1 2001:db8:ff::1 0 |
        jq -r '.data[0][] | .[0]'
}
answers() {
    [[ $(list_paths | wc -l) -eq 2 ]] && [[ $(rank_sources | wc -l) -eq 2 ]]
}

it_log "1. multi6d starts without a bus"
it_daemon_start multi6d --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
rules_before=$(it_source_rules)
echo "  source rules: $(tr '\n' ' ' <<<"$rules_before")"
it_assert "it logs that the interface is off" \
    grep -q 'D-Bus: no system bus.*the application interface is off, routing carries on' "$M6D_LOG"

it_log "2. the bus starts"
dbus_bus_launch
t0=$(date +%s%N)
it_assert "within 5 s multi6d owns $DEST" it_poll 5000 dbus_name_owned "$DEST"
echo "  owned after $((($(date +%s%N) - t0) / 1000000)) ms"
it_assert "ListPaths and Rank answer (2 paths, 2 pairs)" it_poll 2000 answers
list_paths | sed 's/^/    /'

it_log "3. the bus is restarted"
dbus_bus_stop
dbus_bus_launch
t0=$(date +%s%N)
it_assert "within 5 s multi6d owns $DEST on the new bus" it_poll 5000 dbus_name_owned "$DEST"
echo "  owned after $((($(date +%s%N) - t0) / 1000000)) ms"
it_assert "ListPaths and Rank answer again" it_poll 2000 answers
it_assert "it logged the lost connection" grep -q 'D-Bus connection failed: .*; reconnecting' "$M6D_LOG"
it_assert "multi6d is still running" it_pid_alive "$M6D_PID"
it_assert "its source rules are the same as before" test "$(it_source_rules)" = "$rules_before"
it_daemon_stop TERM
echo "PASS: daemon_dbus_reconnect"
