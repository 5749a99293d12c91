#!/bin/bash
# Issue 17 item 4: each application's choice on D-Bus and in multi6ctl, with
# the real daemon on a private system-type dbus-daemon (multi6d's own bus
# policy) and the kernel's uidrange rules. Routers a (high preference: the
# generic path) and b; the [[application]] "backup" (uid 65534) prefers
# uplink B.
#  1. Applications (busctl) gives backup on isp-b, path B, B's source, 0
#     moves; ListPaths lists backup on path B only. Rank with option
#     application=backup (busctl and gdbus) puts the source uid 65534's
#     unbound connections really get (m6-connect src=) first, rule
#     "application"; an unknown application is
#     org.multi6d.Error.InvalidArgument naming it. multi6ctl status and
#     paths show it; multi6ctl metrics has
#     multi6d_application_moves_total{application="backup"} 0 and passes
#     promtool check metrics.
#  2. `lab cut b`: PolicyChanged (multi6ctl monitor) names the application's
#     new choice, Applications shows backup without an uplink (fallback:
#     the generic policy), moves 1, on no path in ListPaths; Rank with the
#     application puts A's source first; metrics count the move.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"

dbus_init
it_init
it_need_daemon
command -v promtool >/dev/null || it_fail "promtool is not installed (Debian package prometheus)"

DEST=org.multi6d1
OBJ=/org/multi6d1
IFACE=org.multi6d.Manager1
SERVER=2001:db8:ff::1
PORT=8080
PATH_A=eth0/2001:db8:a::/64/fe80::a
dbus_bus_start
LAB=$(lab_new) || it_fail "cannot reserve a lab"
dbus_trap_with_lab
lab_up --id "$LAB" -n 2 --wait a.prf=high >/dev/null || it_fail "lab up"
it_log "lab $LAB up: routers a (high preference), b"
RUN_DIR="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB"
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
CONF=$RUN_DIR/multi6d.toml
cat >"$CONF" <<EOF
[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/64"]

[[uplink]]
name = "isp-b"
match_prefixes = ["2001:db8:b::/64"]

[[application]]
name = "backup"
users = ["65534"]
uplinks = ["isp-b"]
EOF

it_daemon_start multi6d --config "$CONF" --log-level debug
it_poll 10000 dbus_name_owned "$DEST" || it_fail "multi6d did not take $DEST within 10 s"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

# applications: "NAME UPLINK PATH SOURCE BLOCKED MOVES" per application.
applications() {
    busctl --system --json=short get-property "$DEST" "$OBJ" "$IFACE" Applications |
        jq -r '.data[] | [.[0], .[1].uplink.data, .[1].path.data, .[1].source.data,
            (.[1].blocked.data | tostring), (.[1].moves.data | tostring)] | map(if . == "" then "-" else . end) | join(" ")'
}
# paths_with_applications: "PATH APPLICATIONS" per path (applications
# joined by ",", "-" for none).
paths_with_applications() {
    busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" ListPaths |
        jq -r '.data[0][] | [.[0], (.[1].applications.data | if length == 0 then "-" else join(",") end)] | join(" ")'
}
# rank_app APPLICATION: "SOURCE RULE" of each pair for $SERVER.
rank_app() {
    busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' 1 "$SERVER" 1 application s "$1" |
        jq -r '.data[0][] | [.[0], .[6]] | join(" ")'
}
as_nobody_connect() {
    lab_exec "$LAB" host setpriv --reuid 65534 --regid 65534 --clear-groups \
        "$M6_CONNECT" -n 1 -t 1000 "$SERVER" "$PORT" || true
}
metrics() { "$M6_CTL" metrics; }
moves_metric() { sed -n 's/^multi6d_application_moves_total{application="backup"} //p' <<<"$1"; }
check_promtool() { # WHAT TEXT
    local out
    out=$(promtool check metrics <<<"$2" 2>&1) || it_fail "$1: promtool check metrics: $out"
    it_log "$1: promtool check metrics passes"
}

dbus_spawn monitor "$M6_CTL" monitor
MONITOR_PID=$DBUS_LAST_PID
dbus_wait_line monitor '^state '

it_log "1. backup on B"
on_b() { [[ $(applications) == "backup isp-b "*" 2001:db8:b::10 false 0" ]]; }
it_poll 10000 on_b || it_fail "backup not on isp-b within 10 s: $(applications)"
app=$(applications)
echo "  Applications: $app"
path_b=$(awk '{print $3}' <<<"$app")
it_assert "its path is B's ($path_b)" grep -q '/2001:db8:b::/64/fe80::b$' <<<"$path_b"
listed=$(paths_with_applications)
awk '{ print "  ListPaths: " $0 }' <<<"$listed"
it_assert "ListPaths: backup on path B" grep -qx "$path_b backup" <<<"$listed"
it_assert "ListPaths: nothing on path A" grep -qx "$PATH_A -" <<<"$listed"

real=$(as_nobody_connect | sed -n 's/.*result=ok src=\([^ ]*\) .*/\1/p')
ranked=$(rank_app backup)
echo "  uid 65534 connects from $real; Rank(application=backup): $(tr '\n' ';' <<<"$ranked")"
it_assert "Rank(application=backup) puts the source uid 65534 gets first, by the application's order" \
    test "$(head -1 <<<"$ranked")" = "$real application"
it_assert "that source is B's" test "$real" = 2001:db8:b::10
it_assert "A's source follows (fallback = true)" grep -q '^2001:db8:a::10 ' <<<"$ranked"
generic=$(busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' 1 "$SERVER" 0 |
    jq -r '.data[0][0][0]')
root_src=$(lab_exec "$LAB" host "$M6_CONNECT" -n 1 -t 1000 "$SERVER" "$PORT" | sed -n 's/.*result=ok src=\([^ ]*\) .*/\1/p')
it_assert "Rank without the option puts root's source first ($generic, root got $root_src)" \
    test "$generic" = "$root_src"
gd=$(gdbus call --system --dest "$DEST" --object-path "$OBJ" --method "$IFACE.Rank" \
    "['$SERVER']" "{'application': <'backup'>}")
it_assert "gdbus Rank with the application: B's source first" \
    grep -q "^(\[('2001:db8:b::10', '$SERVER', '$path_b', '[a-z]*', [^)]*, 'application')" <<<"$gd"
set +e
err=$(busctl --system call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' 1 "$SERVER" 1 application s nosuch 2>&1)
status=$?
set -e
echo "  unknown application: $err"
it_assert "an unknown application is refused" test "$status" -ne 0
it_assert "... naming it and the known ones" grep -q "unknown application 'nosuch' for option 'application' (known: backup)" <<<"$err"
set +e
"$M6_CTL" rank -a nosuch "$SERVER" >/dev/null 2>&1
status=$?
set -e
it_assert "multi6ctl rank -a nosuch exits 5 (invalid argument)" test "$status" -eq 5
ctl_first=$("$M6_CTL" --json rank -a backup "$SERVER" | jq -r '.[0].source + " " + .[0].rule')
it_assert "multi6ctl rank -a backup: $ctl_first" test "$ctl_first" = "2001:db8:b::10 application"

status_text=$("$M6_CTL" status)
awk '{ print "  " $0 }' <<<"$status_text"
it_assert "multi6ctl status shows backup on isp-b" \
    grep -q "^App:     backup: uplink isp-b via $path_b, source 2001:db8:b::10; 0 moves$" <<<"$status_text"
paths_text=$("$M6_CTL" paths)
it_assert "multi6ctl paths lists backup on B" grep -Eq "^$path_b .* backup$" <<<"$paths_text"
m0=$(metrics)
check_promtool "backup on B" "$m0"
it_assert "multi6d_application_moves_total{application=\"backup\"} 0" test "$(moves_metric "$m0")" = 0
it_assert "multi6d_application_blocked{application=\"backup\"} 0" \
    grep -qx 'multi6d_application_blocked{application="backup"} 0' <<<"$m0"

it_log "2. B cut: backup follows the generic policy, one move"
lab_cut "$LAB" b
dbus_wait_line monitor '^policy-changed .*application backup: generic policy'
it_assert "Applications: backup has no uplink, not blocked, 1 move" \
    test "$(applications)" = "backup - - - false 1"
listed=$(paths_with_applications)
it_assert "ListPaths: backup on no path" test "$(awk '$2 != "-"' <<<"$listed")" = ""
ranked=$(rank_app backup)
it_assert "Rank(application=backup): A's source first ($(tr '\n' ';' <<<"$ranked"))" \
    test "$(head -1 <<<"$ranked" | awk '{print $1}')" = 2001:db8:a::10
m1=$(metrics)
check_promtool "after the cut" "$m1"
it_assert "multi6d_application_moves_total{application=\"backup\"} 1" test "$(moves_metric "$m1")" = 1
it_assert "multi6ctl status says so" grep -q '^App:     backup: generic policy (no preferred uplink is usable); 1 move$' \
    <<<"$("$M6_CTL" status)"

lab_restore "$LAB" b
dbus_stop "$MONITOR_PID"
it_daemon_stop
it_log "daemon_application_dbus: all checks passed"
