#!/bin/bash
# multi6ctl metrics against the real daemon in the lab (issue 12 item 5), on
# a private system-type dbus-daemon with multi6d's own bus policy:
#  1. `multi6ctl metrics` passes `promtool check metrics`, with both paths
#     up (multi6d_path_up 1), their RTTs in seconds, probes counted, and
#     the RAs the daemon read counted.
#  2. ISP A's upstream is cut silently (`lab cut a`: router A keeps
#     advertising): within 10 s multi6d_failovers_total and
#     multi6d_policy_changes_total have grown by one, path A's state
#     changes and lost probes have grown, multi6d_path_up of A is 0 with
#     state "down", and the output still passes promtool.
#  3. A deleted owned rule is put back and multi6d_repairs_total grows.
#  4. The ListPaths calls of these runs are counted
#     (multi6d_dbus_calls_total{method="ListPaths"}).
#  5. `multi6ctl metrics -o FILE` replaces FILE by a rename (a new inode each
#     time, mode 0644, no temporary file left, content that passes promtool).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"

dbus_init
it_init
it_need_daemon
command -v promtool >/dev/null || it_fail "promtool is not installed (Debian package prometheus)"

DEST=org.multi6d1
dbus_bus_start
LAB=$(lab_new) || it_fail "cannot reserve a lab"
dbus_trap_with_lab
lab_up --id "$LAB" -n 2 --wait >/dev/null || it_fail "lab up"
it_log "lab $LAB up: routers a, b"
RUN_DIR="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB"

# The daemon on its built-in defaults, on the private bus (it inherits
# DBUS_SYSTEM_BUS_ADDRESS).
it_daemon_start multi6d --log-level info --config /dev/null
it_poll 10000 dbus_name_owned "$DEST" || it_fail "multi6d did not take $DEST within 10 s"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

metrics() { "$M6_CTL" metrics; }
# value TEXT NAME [LABEL=VALUE...]: the value of the first sample of NAME
# whose labels include every LABEL="VALUE" given (none given: the
# unlabelled sample); "" if there is none.
value() {
    local text=$1 name=$2
    shift 2
    awk -v name="$name" -v want="$*" '
        BEGIN { n = split(want, w, " ") }
        n == 0 && $1 == name { print $2; exit }
        n > 0 && index($1, name "{") == 1 {
            for (i = 1; i <= n; i++) if (index($1, w[i]) == 0) next
            print $NF; exit
        }' <<<"$text"
}
A='prefix="2001:db8:a::/64"'
B='prefix="2001:db8:b::/64"'
check_promtool() { # WHAT TEXT
    local out
    out=$(promtool check metrics <<<"$2" 2>&1) || it_fail "$1: promtool check metrics: $out"
    it_log "$1: promtool check metrics passes"
}
both_up() {
    m=$(metrics)
    [[ $(value "$m" multi6d_path_up "$A" 'state="up"') == 1 &&
        $(value "$m" multi6d_path_up "$B" 'state="up"') == 1 &&
        -n $(value "$m" multi6d_path_rtt_seconds "$A") && -n $(value "$m" multi6d_path_rtt_seconds "$B") ]]
}

it_log "1. both paths up"
it_poll 10000 both_up || it_fail "both paths not up with an RTT within 10 s; metrics: $(metrics 2>&1)"
m0=$(metrics)
check_promtool "both up" "$m0"
grep -E '^multi6d_(path_up|path_rtt_seconds|path_probes|failovers|policy_changes|router_adv)' <<<"$m0" | sed 's/^/  /'
it_assert "RAs read are counted" test "$(value "$m0" multi6d_router_advertisements_received_total)" -ge 2
it_assert "A's probes are counted" test "$(value "$m0" multi6d_path_probes_sent_total "$A")" -ge 1
rtt=$(value "$m0" multi6d_path_rtt_seconds "$A")
it_assert "A's RTT is in seconds ($rtt)" awk -v r="$rtt" 'BEGIN { exit !(r > 0 && r < 1) }'
failovers0=$(value "$m0" multi6d_failovers_total)
policy0=$(value "$m0" multi6d_policy_changes_total)
changes0=$(value "$m0" multi6d_path_state_changes_total "$A")
lost0=$(value "$m0" multi6d_path_probes_lost_total "$A")
calls0=$(value "$m0" multi6d_dbus_calls_total 'method="ListPaths"')

it_log "2. ISP A's upstream cut silently"
lab_cut "$LAB" a
failed_over() {
    m=$(metrics)
    (($(value "$m" multi6d_failovers_total) > failovers0))
}
it_assert "multi6d_failovers_total grows within 10 s of the cut" it_poll 10000 failed_over
m1=$(metrics)
check_promtool "after the failover" "$m1"
grep -E "^multi6d_(path_up|path_probes_lost|path_state_changes|failovers|policy_changes)" <<<"$m1" | sed 's/^/  /'
it_assert "one failover ($failovers0 -> $(value "$m1" multi6d_failovers_total))" \
    test "$(value "$m1" multi6d_failovers_total)" -eq $((failovers0 + 1))
it_assert "one policy change ($policy0 -> $(value "$m1" multi6d_policy_changes_total))" \
    test "$(value "$m1" multi6d_policy_changes_total)" -eq $((policy0 + 1))
it_assert "A's state changed ($changes0 -> $(value "$m1" multi6d_path_state_changes_total "$A"))" \
    test "$(value "$m1" multi6d_path_state_changes_total "$A")" -gt "$changes0"
it_assert "A's lost probes grew ($lost0 -> $(value "$m1" multi6d_path_probes_lost_total "$A"))" \
    test "$(value "$m1" multi6d_path_probes_lost_total "$A")" -gt "$lost0"
it_assert "A is down: multi6d_path_up 0" test "$(value "$m1" multi6d_path_up "$A" 'state="down"')" = 0
it_assert "B is still up" test "$(value "$m1" multi6d_path_up "$B" 'state="up"')" = 1

it_log "3. an owned rule deleted behind multi6d's back"
repairs0=$(value "$m1" multi6d_repairs_total)
lab_exec "$LAB" host ip -6 rule del pref 6855
repaired() {
    m=$(metrics)
    (($(value "$m" multi6d_repairs_total) > repairs0))
}
it_assert "multi6d_repairs_total grows within 5 s" it_poll 5000 repaired

it_log "4. D-Bus calls counted"
m2=$(metrics)
calls2=$(value "$m2" multi6d_dbus_calls_total 'method="ListPaths"')
it_assert "ListPaths calls counted ($calls0 -> $calls2)" test "$calls2" -gt "$calls0"
it_assert "no D-Bus errors" test -z "$(grep -E '^multi6d_dbus_errors_total' <<<"$m2" | awk '$2 != 0')"

it_log "5. metrics -o FILE"
OUT_DIR=$RUN_DIR/textfile
mkdir -p "$OUT_DIR"
"$M6_CTL" metrics -o "$OUT_DIR/multi6d.prom"
inode1=$(stat -c %i "$OUT_DIR/multi6d.prom")
"$M6_CTL" metrics -o "$OUT_DIR/multi6d.prom"
inode2=$(stat -c %i "$OUT_DIR/multi6d.prom")
it_assert "each write is a new file renamed into place (inode $inode1 -> $inode2)" test "$inode1" != "$inode2"
it_assert "mode 0644" test "$(stat -c %a "$OUT_DIR/multi6d.prom")" = 644
it_assert "no temporary file left: $(ls -A "$OUT_DIR" | tr '\n' ' ')" test "$(ls -A "$OUT_DIR")" = multi6d.prom
check_promtool "the written file" "$(cat "$OUT_DIR/multi6d.prom")"
it_assert "the file holds the failover" test "$(value "$(cat "$OUT_DIR/multi6d.prom")" multi6d_failovers_total)" -ge 1

lab_restore "$LAB" a
it_daemon_stop
it_log "daemon_metrics: all checks passed"
