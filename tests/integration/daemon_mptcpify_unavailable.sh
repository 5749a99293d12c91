#!/bin/bash
# Issue 17 item 5, on a host that cannot load the mptcpify program: the real
# daemon with an [[application]] for uid 65534 with mptcp = true, run
# without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (dropped from its bounding
# set, so bpf(BPF_PROG_LOAD) fails with EPERM on every kernel; the packaged
# unit never grants CAP_SYS_ADMIN, so the daemon needs it for nothing
# else). libbpf is opened and the skeleton opened and loaded for real.
#  1. one warning naming what is missing (the capabilities) and that the
#     application's TCP stays TCP;
#  2. the uid policy still works: 20/20 connections of uid 65534 leave with
#     B's source, root's with A's;
#  3. three reloads repeat the warning at most twice (rate-limited);
#  4. SIGTERM: no uidrange rule remains.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

SERVER=2001:db8:ff::1
PORT=8080
N=20
it_lab_up -n 2 --wait a.prf=high
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
CONF=${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d.toml
cat >"$CONF" <<CONFIG
[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/64"]

[[uplink]]
name = "isp-b"
match_prefixes = ["2001:db8:b::/64"]

[[application]]
name = "web"
users = ["65534"]
uplinks = ["isp-b"]
mptcp = true
CONFIG
as_nobody() { lab_exec "$LAB" host setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
connect() { "$@" "$M6_CONNECT" -n "$N" -t 1000 "$SERVER" "$PORT" || true; }
count_src() { grep -c "result=ok src=$1 " <<<"$2" || true; }
has_app_rule() { lab_exec "$LAB" host ip -6 rule show | grep -q "uidrange 65534-65534 lookup"; }
WARNING="mptcp = true (application web): cannot load the mptcpify BPF program: "
warnings() { grep -cF "$WARNING" "$M6D_LOG" || true; }
reloads() { grep -c "reload: configuration reloaded" "$M6D_LOG" || true; }
reloaded() { test "$(reloads)" -ge "$1"; }

# it_daemon_start with the daemon under setpriv(1).
M6D_RUNTIME="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d-state"
M6D_LOG="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d.log"
M6D_PID=$(lab_spawn "$LAB" host multi6d setpriv --bounding-set -bpf,-perfmon,-sys_admin \
    "$M6_DAEMON" --runtime-dir "$M6D_RUNTIME" --config "$CONF")
it_log "multi6d started (pid $M6D_PID, log $M6D_LOG)"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "a uidrange rule for uid 65534 appears" it_poll 5000 has_app_rule

it_log "1. one warning naming what is missing"
grep -F "$WARNING" "$M6D_LOG" | sed 's/^/  /'
it_assert "exactly one warning" test "$(warnings)" -eq 1
it_assert "it names the missing capabilities" \
    grep -qF "${WARNING}the kernel refused to load the program: multi6d lacks CAP_BPF and CAP_PERFMON (capabilities(7)); their TCP sockets stay TCP, everything else works" "$M6D_LOG"
it_assert "libbpf was opened (the program really was tried)" grep -q "libbpf 1\.[0-9]* opened" "$M6D_LOG"
not_loaded() { ! grep -q "mptcpify: BPF program loaded" "$M6D_LOG"; }
it_assert "nothing says it loaded" not_loaded

it_log "2. the uid policy still works"
out_nobody=$(connect as_nobody)
out_root=$(connect lab_exec "$LAB" host)
echo "  uid 65534: $(count_src 2001:db8:b::10 "$out_nobody")/$N from B; root: $(count_src 2001:db8:a::10 "$out_root")/$N from A"
it_assert "20/20 of uid 65534's connections have B's source" test "$(count_src 2001:db8:b::10 "$out_nobody")" -eq "$N"
it_assert "20/20 of root's connections have A's source" test "$(count_src 2001:db8:a::10 "$out_root")" -eq "$N"

it_log "3. reloads repeat the warning at most twice"
for i in 1 2 3; do
    kill -HUP "$M6D_PID"
    it_assert "reload $i done" it_poll 5000 reloaded "$i"
done
echo "  warnings after 3 reloads: $(warnings)"
it_assert "2 warnings in all (one per minute after the first)" test "$(warnings)" -eq 2
it_assert "the daemon still runs" it_pid_alive "$M6D_PID"

it_log "4. SIGTERM removes the application's rules"
it_daemon_stop TERM
it_assert "no uidrange rule remains" \
    test "$(lab_exec "$LAB" host ip -6 rule show | grep -c uidrange || true)" -eq 0
