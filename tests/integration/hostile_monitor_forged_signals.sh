#!/bin/bash
# Issue 16, finding 5: multi6ctl monitor believed forged signals. Unicast
# signals sent straight to its connection by uid 65534 were printed
# ("policy-changed FORGED...", "path-state FORGED... down"), and a forged
# NameOwnerChanged made it print "daemon stopped".
#
# m6-dbus-server (the real adaptor) on a private bus; multi6ctl monitor as
# root; uid 65534 sends PolicyChanged, PathStateChanged, PropertiesChanged
# and NameOwnerChanged to the monitor's unique name. Then the server emits
# genuine signals (SIGUSR1 toggles isp-b twice): the monitor prints those,
# and none of the forged ones.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"

dbus_init
dbus_bus_start
dbus_server_isolated 2

dbus_spawn monitor "$M6_CTL" monitor
MONITOR_PID=$DBUS_LAST_PID
dbus_wait_line monitor '^state running$'
monitor_name=$(busctl --system list --json=short |
    jq -r --argjson pid "$MONITOR_PID" '.[] | select(.pid == $pid and (.name | startswith(":"))) | .name')
[[ $monitor_name == :* ]] || it_fail "no unique name for multi6ctl monitor (pid $MONITOR_PID)"
it_log "monitor is $monitor_name"

forge() { as_nobody gdbus emit --system --dest "$monitor_name" "$@"; }
forge --object-path /org/multi6d1 --signal org.multi6d.Manager1.PolicyChanged "'FORGED-policy'"
forge --object-path /org/multi6d1 --signal org.multi6d.Manager1.PathStateChanged \
    "'FORGED-path'" "'down'" "@a{sv} {}"
forge --object-path /org/multi6d1 --signal org.freedesktop.DBus.Properties.PropertiesChanged \
    "'org.multi6d.Manager1'" "{'State': <'FORGED-state'>}" "@as []"
forge --object-path /org/freedesktop/DBus --signal org.freedesktop.DBus.NameOwnerChanged \
    "'org.multi6d1'" "'$monitor_name'" "''"
it_log "forged signals sent as uid 65534"

kill -USR1 "$SERVER_PID" # genuine: isp-b goes down
dbus_wait_line monitor '^path-state eth1/2001:db8:b::/64/fe80::b down'
kill -USR1 "$SERVER_PID" # and comes back
dbus_wait_line monitor '^path-state eth1/2001:db8:b::/64/fe80::b up'
sed 's/^/    /' "$DBUS_DIR/monitor.log"
it_assert "the monitor printed no forged signal" eval '! grep -q FORGED "$DBUS_DIR/monitor.log"'
it_assert "the forged NameOwnerChanged did not make it say the daemon stopped" \
    eval '! grep -q "daemon stopped" "$DBUS_DIR/monitor.log"'

# The genuine NameOwnerChanged still counts: the server stops, monitor says so.
dbus_stop "$SERVER_PID"
dbus_wait_line monitor '^daemon stopped$'
dbus_stop "$MONITOR_PID"
echo "PASS: hostile_monitor_forged_signals"
