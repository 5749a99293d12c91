#!/bin/bash
# Issue 16, findings 1-3 and 7 (a 1 MB key echoed in full): configuration
# files that crashed, hung or misled the daemon. The real daemon in a
# two-ISP lab on a private bus, then for each hostile file:
#   --check-config exits 3 with the file and reason (never a signal), SIGHUP
#   and D-Bus Reload refuse it (ReloadFailed, answered within 10 s), the
#   daemon keeps running, and its kernel state (rules, labels, routes,
#   accept_ra_defrtr) is exactly what it was.
# The files: a symlink loop in the drop-in directory (was rc 134 and a daemon
# that removed its policy and exited), a 40,000-part dotted key (SIGSEGV), a
# FIFO drop-in (blocked the loop), the main file a symlink to /dev/zero
# (1.4 GB in 5 s), a directory as the main file (accepted as empty), a 5 MB
# file, and a 1 MB unknown key.
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
dbus_bus_launch

CONF_DIR=$DBUS_DIR/conf
mkdir -p "$CONF_DIR"
CONF=$CONF_DIR/multi6d.toml
GOOD=$'[probe]\ninterval_ms = 500\n'
printf '%s' "$GOOD" >"$CONF"

it_daemon_start multi6d --config "$CONF"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_poll 5000 dbus_name_owned "$DEST" || it_fail "multi6d does not own $DEST"

kernel_state() {
    lab_exec "$LAB" host sh -c 'ip -6 rule show; ip addrlabel list;
        ip -6 route show table all proto 196;
        for f in /proc/sys/net/ipv6/conf/*/accept_ra_defrtr; do echo "$f $(cat "$f")"; done'
}
state_before=$(kernel_state)

restore_good() {
    rm -rf "$CONF" "$CONF.d"
    printf '%s' "$GOOD" >"$CONF"
}

# hostile NAME EXPECTED: the files are in place; EXPECTED is a fixed string
# every refusal must contain.
hostile() {
    local name=$1 expected=$2 rc out
    it_log "$name"
    set +e
    out=$(timeout 20 "$M6_DAEMON" --check-config --config "$CONF" 2>&1 >/dev/null)
    rc=$?
    set -e
    it_assert "--check-config exits 3 (got $rc)" test "$rc" -eq 3
    it_assert "... saying: $expected" grep -qF -- "$expected" <<<"$out"
    it_assert "... in a short message (${#out} characters)" test "${#out}" -lt 2000

    local lines_before
    lines_before=$(wc -l <"$M6D_LOG")
    kill -HUP "$M6D_PID"
    logged() { tail -n +"$((lines_before + 1))" "$M6D_LOG" | grep -qF -- "$expected"; }
    it_assert "SIGHUP: the daemon logs the refusal" it_poll 5000 logged

    set +e
    out=$(busctl --system --timeout=10 call "$DEST" "$OBJ" "$IFACE" Reload 2>&1)
    rc=$?
    set -e
    it_assert "Reload fails (rc $rc): $(head -c 200 <<<"$out")" test "$rc" -ne 0
    it_assert "... with the reason" grep -qF -- "$expected" <<<"$out"
    it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
    it_assert "its kernel state is unchanged" test "$(kernel_state)" = "$state_before"
    restore_good
}

mkdir "$CONF.d"
ln -s l2.toml "$CONF.d/l1.toml"
ln -s l1.toml "$CONF.d/l2.toml"
hostile "1. a symlink loop in the drop-in directory" \
    "$CONF.d/l1.toml: cannot read: Too many levels of symbolic links"

mkdir "$CONF.d"
awk 'BEGIN { s = "a"; for (i = 0; i < 40000; i++) s = s ".a"; print s " = 1" }' >"$CONF.d/deep.toml"
hostile "2. a 40,000-part dotted key" "deep.toml:1:32: a key of more than 16 dotted parts (the limit)"

mkdir "$CONF.d"
mkfifo "$CONF.d/fifo.toml"
hostile "3a. a FIFO as a drop-in" "$CONF.d/fifo.toml: not read: a FIFO, not a regular file"

rm -f "$CONF"
ln -s /dev/zero "$CONF"
hostile "3b. the main file is /dev/zero" "$CONF: not read: a character device, not a regular file"

rm -f "$CONF"
mkdir "$CONF"
hostile "3c. a directory as the main file" "$CONF: not read: a directory, not a regular file"

head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' '\n' >"$CONF"
hostile "3d. a 5 MB file" "not read: larger than the limit of 4194304 bytes (5242880 bytes)"

{ head -c $((1024 * 1024)) /dev/zero | tr '\0' k; echo " = 1"; } >"$CONF"
hostile "7. a 1 MB unknown key" "...(1048576 characters): unknown key"

it_log "the good configuration again"
busctl --system --timeout=10 call "$DEST" "$OBJ" "$IFACE" Reload >/dev/null ||
    it_fail "Reload of the good configuration failed"
it_assert "its kernel state is still unchanged" test "$(kernel_state)" = "$state_before"
it_daemon_stop TERM
echo "PASS: hostile_config_reload"
