#!/bin/bash
# Lab smoke test of the INSTALLED daemon (/usr/sbin/multi6d from the .deb):
# two ISPs that filter ingress, the daemon started in the lab's host with
# its default configuration file (the packaged /etc/multi6d/multi6d.toml)
# and with only the capabilities the systemd unit leaves it
# (CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW, NoNewPrivileges=yes).
# Unbound connections must all succeed with it (0 of 20 do without it,
# tests/integration/baseline_problem.sh), and SIGTERM must remove all it
# installed.
#
# Run by tests/package/check-package.sh after `dpkg -i`. Needs root and the
# test tools of a build tree (M6_BUILD_DIR, default ./build).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
source "$(dirname "$0")/../integration/lib.sh"
M6_DAEMON=${M6_DAEMON:-/usr/sbin/multi6d}
it_init
it_need_daemon

SERVER=2001:db8:ff::1
PORT=8080
ATTEMPTS=20
# CAP_NET_ADMIN (12) and CAP_NET_RAW (13), nothing else.
EXPECTED_CAPS=0000000000003000

it_lab_up -n 2 --wait
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

M6D_RUNTIME="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d-state"
M6D_LOG="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d.log"
M6D_PID=$(lab_spawn "$LAB" host multi6d \
    setpriv --no-new-privs --bounding-set=-all,+net_admin,+net_raw \
    "$M6_DAEMON" --runtime-dir "$M6D_RUNTIME")
it_log "installed multi6d started (pid $M6D_PID, log $M6D_LOG)"

it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
caps=$(awk '/^CapEff:/ {print $2}' "/proc/$M6D_PID/status")
it_assert "it runs with CAP_NET_ADMIN and CAP_NET_RAW only (CapEff $caps)" \
    test "$caps" = "$EXPECTED_CAPS"
nnp=$(awk '/^NoNewPrivs:/ {print $2}' "/proc/$M6D_PID/status")
it_assert "it runs with no_new_privs" test "$nnp" = 1
it_assert "it logged its start" grep -q "multi6d started" "$M6D_LOG"

OUT=$(lab_exec "$LAB" host "$M6_CONNECT" -n "$ATTEMPTS" "$SERVER" "$PORT") || true
sed 's/^/  /' <<<"$OUT"
ok=$(it_connect_ok "$OUT")
it_assert "all $ATTEMPTS unbound connections succeed with the installed daemon ($ok)" \
    test "${ok:-0}" -eq "$ATTEMPTS"

it_daemon_stop TERM
it_assert "no source rule is left" test -z "$(it_source_rules)"
it_assert "no multi6d route is left" \
    test -z "$(lab_exec "$LAB" host ip -6 route show table all proto 196)"
it_assert "no multi6d address label is left" \
    test -z "$(lab_exec "$LAB" host ip addrlabel list | awk '$NF >= 6600 && $NF <= 6855')"
it_assert "accept_ra_defrtr is restored" \
    test "$(lab_exec "$LAB" host cat /proc/sys/net/ipv6/conf/eth0/accept_ra_defrtr)" = 1
it_assert "the saved sysctls are gone after a clean stop" test ! -e "$M6D_RUNTIME/sysctl.saved"
echo "PASS: installed multi6d smoke test"
