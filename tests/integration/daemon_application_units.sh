#!/bin/bash
# Issue 17 item 2 (units): per-application policy for a systemd unit's
# cgroup with the real daemon, real radvd and the kernel's cgroup BPF
# (connect6/sendmsg6, service/bpf/app_source.bpf.c). The test makes its own
# cgroup named like a transient scope (m6lab-<lab>.scope, removed on every
# exit path) AFTER the daemon started, so the daemon must find it through
# its inotify watch; an [[application]] lists it with uplink B. Routers a
# and b filter ingress (BCP 38); A is the generic path (higher preference).
#  1. The daemon attaches its programs to that cgroup, and to nothing else
#     (the cgroup2 root carries none of them).
#  2. 20/20 new connections of a process in the cgroup leave with B's
#     source through router B, while root outside it leaves through A; no
#     router counts a spoofed packet; a socket bound to A's address in the
#     cgroup keeps A; an unconnected UDP datagram of the unit (sendmsg6)
#     has B's source, root's A's.
#  3. `lab cut` B: the cgroup's new connections work through A within 1.5 s
#     (fallback = true).
#  4. fallback = false (SIGHUP), B cut: the cgroup's connections fail and
#     router A sees none of them; root still connects.
#  5. The cgroup goes and comes back: attached again.
#  6. SIGTERM: nothing attached to the cgroup (bpftool cgroup show), no
#     per-application rule or table.
#
# The lab runs the daemon under `ip netns exec`, which mounts a fresh sysfs
# in a mount namespace of its own, so the machine's cgroup2 mount is not
# there: the daemon's wrapper mounts the same cgroup2 hierarchy at
# /sys/fs/cgroup inside that private namespace (Debian's unified layout),
# which the machine never sees.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon
command -v bpftool >/dev/null || PATH=$PATH:/usr/sbin
command -v bpftool >/dev/null || it_fail "bpftool is needed (package bpftool)"

SERVER=2001:db8:ff::1
PORT=8080
N=20
CG_ROOT=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[[ -n $CG_ROOT ]] || it_fail "no cgroup2 mount on this machine"
it_lab_up -n 2 --wait a.prf=high
UNIT="m6lab-$LAB.scope"
CG="$CG_ROOT/$UNIT"
_units_teardown() {
    local status=$? pid
    if [[ -d $CG ]]; then
        while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$CG/cgroup.procs"
        # A killed process leaves its cgroup a moment after the signal.
        rmdir "$CG" 2>/dev/null || { sleep 0.2 && rmdir "$CG"; } || echo "cannot remove $CG" >&2
    fi
    (exit "$status")
    _it_teardown
}
trap _units_teardown EXIT

lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
# UDP: the server answers each datagram with the source address it came
# from (unconnected datagrams go through sendmsg6, not connect6).
UDP_PORT=9053
lab_spawn "$LAB" inet udp-peer python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 9053))
while True:
    data, peer = s.recvfrom(64)
    s.sendto(peer[0].encode(), peer)
' >/dev/null
udp_source() {
    "$@" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(1)
s.sendto(b"?", (sys.argv[1], int(sys.argv[2])))
print(s.recvfrom(64)[0].decode())
' "$SERVER" "$UDP_PORT" 2>/dev/null || echo none
}
CONF=${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d.toml
write_config() {
    cat >"$CONF" <<EOT
[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/64"]

[[uplink]]
name = "isp-b"
match_prefixes = ["2001:db8:b::/64"]

[[application]]
name = "backup"
units = ["$UNIT"]
uplinks = ["isp-b"]
fallback = $1
EOT
}
write_config true
# A subshell moved into the unit's cgroup first: what it starts is in it.
in_unit() { (echo "$BASHPID" >"$CG/cgroup.procs" && lab_exec "$LAB" host "$@"); }
connect() { "$@" "$M6_CONNECT" -n "$N" -t 1000 "$SERVER" "$PORT" || true; }
count_src() { grep -c "result=ok src=$1 " <<<"$2" || true; }
attached() { bpftool cgroup show "$CG" 2>/dev/null | grep -c "app_source" || true; }
both_attached() { test "$(attached)" -eq 2; }
app_rules() { lab_exec "$LAB" host ip -6 rule show | grep -c "uidrange" || true; }

M6D_PID=$(lab_spawn "$LAB" host multi6d sh -c \
    'mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec "$@"' sh \
    "$M6_DAEMON" --runtime-dir "${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d-state" \
    --config "$CONF" --log-level debug)
M6D_LOG="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d.log"
it_log "multi6d started (pid $M6D_PID, log $M6D_LOG)"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

it_log "1. the unit's cgroup appears after the start: attached through the watch"
root_programs_before=$(bpftool cgroup show "$CG_ROOT" 2>/dev/null | grep -c app_source || true)
mkdir "$CG"
it_assert "both programs are attached to the unit's cgroup" it_poll 5000 both_attached
bpftool cgroup show "$CG" | sed 's/^/  /'
it_assert "none to the cgroup2 root" test "$root_programs_before" -eq 0 -a \
    "$(bpftool cgroup show "$CG_ROOT" 2>/dev/null | grep -c app_source || true)" -eq 0

it_log "2. the unit through B, root through A"
b0=$(lab_counter "$LAB" b syn)
out_unit=$(connect in_unit)
b1=$(lab_counter "$LAB" b syn)
a0=$(lab_counter "$LAB" a syn)
out_root=$(connect lab_exec "$LAB" host)
a1=$(lab_counter "$LAB" a syn)
echo "  unit: $(count_src 2001:db8:b::10 "$out_unit")/$N from B, SYNs at B: $((b1 - b0))"
echo "  root: $(count_src 2001:db8:a::10 "$out_root")/$N from A, SYNs at A: $((a1 - a0))"
it_assert "20/20 of the unit's connections have B's source" test "$(count_src 2001:db8:b::10 "$out_unit")" -eq "$N"
it_assert "their SYNs leave through router B" test $((b1 - b0)) -ge "$N"
it_assert "20/20 of root's connections have A's source" test "$(count_src 2001:db8:a::10 "$out_root")" -eq "$N"
it_assert "root's SYNs leave through router A" test $((a1 - a0)) -ge "$N"
bound=$(in_unit "$M6_CONNECT" -n 2 -t 1000 -b 2001:db8:a::10 "$SERVER" "$PORT" || true)
it_assert "a socket of the unit bound to A's address keeps A" test "$(count_src 2001:db8:a::10 "$bound")" -eq 2
udp_unit=$(udp_source in_unit)
udp_root=$(udp_source lab_exec "$LAB" host)
echo "  UDP sendto: unit from $udp_unit, root from $udp_root"
it_assert "the unit's unconnected datagram has B's source" test "$udp_unit" = 2001:db8:b::10
it_assert "root's has A's" test "$udp_root" = 2001:db8:a::10
it_assert "no spoofed packet at A" test "$(lab_counter "$LAB" a spoofed)" -eq 0
it_assert "no spoofed packet at B" test "$(lab_counter "$LAB" b spoofed)" -eq 0

it_log "3. B cut: the unit moves to A (fallback = true)"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
unit_via() {
    local o
    o=$(in_unit "$M6_CONNECT" -n 1 -t 300 "$SERVER" "$PORT" || true)
    grep -q "result=ok src=2001:db8:$1::10 " <<<"$o"
}
lab_cut "$LAB" b
cut=$(now_ms)
it_assert "the unit's new connections work through A within 1.5 s of the cut" it_poll 1500 unit_via a
echo "  moved after $(($(now_ms) - cut)) ms"
lab_restore "$LAB" b
it_assert "after the restore the unit returns to B" it_poll 15000 unit_via b

it_log "4. fallback = false: nothing of the unit leaves through A"
write_config false
kill -HUP "$M6D_PID"
it_poll 5000 grep -q "reload: configuration reloaded" "$M6D_LOG" || it_fail "no reload"
lab_cut "$LAB" b
unit_fails() {
    local o
    o=$(in_unit "$M6_CONNECT" -n 1 -t 300 "$SERVER" "$PORT" || true)
    ! grep -q "result=ok" <<<"$o"
}
it_assert "the unit is blocked once B is down" it_poll 5000 unit_fails
a0=$(lab_counter "$LAB" a syn)
out_blocked=$(connect in_unit)
a1=$(lab_counter "$LAB" a syn)
echo "  unit: $(grep -c 'result=ok' <<<"$out_blocked" || true)/$N succeeded, SYNs at A: $((a1 - a0))"
grep -m1 "result=fail" <<<"$out_blocked" | sed 's/^/  /' || true
it_assert "every connection of the unit fails" test "$(grep -c 'result=ok' <<<"$out_blocked" || true)" -eq 0
it_assert "router A sees none of them" test $((a1 - a0)) -eq 0
root_ok=$(connect lab_exec "$LAB" host)
it_assert "root still connects through A" test "$(count_src 2001:db8:a::10 "$root_ok")" -eq "$N"
lab_restore "$LAB" b
it_assert "after the restore the unit is on B again" it_poll 15000 unit_via b

it_log "5. the unit stops and starts again"
rmdir "$CG"
it_assert "the daemon sees the cgroup go" it_poll 5000 grep -q "unit $UNIT: cgroup /$UNIT is gone" "$M6D_LOG"
mkdir "$CG"
it_assert "attached again when it comes back" it_poll 5000 both_attached
it_assert "and through B" unit_via b

it_log "6. SIGTERM detaches everything"
it_daemon_stop TERM
bpftool cgroup show "$CG" | sed 's/^/  /'
it_assert "nothing is attached to the unit's cgroup" test "$(attached)" -eq 0
it_assert "no uidrange rule remains" test "$(app_rules)" -eq 0
it_assert "no source rule remains" test -z "$(it_source_rules)"
