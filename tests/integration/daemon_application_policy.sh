#!/bin/bash
# Issue 17 (users): per-application policy with the real daemon, real radvd
# and the kernel's uidrange rules. Routers a and b, both filtering ingress
# (BCP 38); an [[application]] for uid 65534 prefers uplink B, everybody
# else is on the defaults (A is the generic path: higher preference).
#  1. 20/20 new unbound connections of uid 65534 leave with B's source and
#     through router B (B's out_ok counter), while root's leave with A's
#     source through A; no router counts a spoofed packet. A connection of
#     uid 65534 bound to A's address keeps A (bound sockets are never
#     redirected).
#  2. `lab cut` B: uid 65534's new connections work again through A within
#     1.5 s (fallback = true, the default).
#  3. fallback = false (Reload by SIGHUP), B cut: uid 65534's new
#     connections fail and router A sees none of them.
#  4. SIGTERM: no uidrange rule and no application table remains.
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
write_config() {
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
fallback = $1
EOF
}
write_config true
as_nobody() { lab_exec "$LAB" host setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }
connect() { "$@" "$M6_CONNECT" -n "$N" -t 1000 "$SERVER" "$PORT" || true; }
count_src() { grep -c "result=ok src=$1 " <<<"$2" || true; }
app_rules() { lab_exec "$LAB" host ip -6 rule show | grep -c "uidrange" || true; }
has_app_rule() { lab_exec "$LAB" host ip -6 rule show | grep -q "uidrange 65534-65534 lookup"; }

it_daemon_start multi6d --config "$CONF" --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "a uidrange rule for uid 65534 appears" it_poll 5000 has_app_rule
table=$(lab_exec "$LAB" host ip -6 rule show | sed -n 's/.*uidrange 65534-65534 lookup \([0-9]*\).*/\1/p')
routes=$(lab_exec "$LAB" host ip -6 route show table "$table")
echo "  table $table: $routes"
it_assert "the application's table routes via B with B's source" \
    grep -q "default via fe80::b .*src 2001:db8:b::10" <<<"$routes"

it_log "1. uid 65534 through B, root through A"
b0=$(lab_counter "$LAB" b syn)
out_nobody=$(connect as_nobody)
b1=$(lab_counter "$LAB" b syn)
a0=$(lab_counter "$LAB" a syn)
out_root=$(connect lab_exec "$LAB" host)
a1=$(lab_counter "$LAB" a syn)
echo "  uid 65534: $(count_src 2001:db8:b::10 "$out_nobody")/$N from B, SYNs at B: $((b1 - b0))"
echo "  root:      $(count_src 2001:db8:a::10 "$out_root")/$N from A, SYNs at A: $((a1 - a0))"
it_assert "20/20 of uid 65534's connections have B's source" test "$(count_src 2001:db8:b::10 "$out_nobody")" -eq "$N"
it_assert "their SYNs leave through router B" test $((b1 - b0)) -ge "$N"
it_assert "20/20 of root's connections have A's source" test "$(count_src 2001:db8:a::10 "$out_root")" -eq "$N"
it_assert "root's SYNs leave through router A" test $((a1 - a0)) -ge "$N"
bound=$(as_nobody "$M6_CONNECT" -n 2 -t 1000 -b 2001:db8:a::10 "$SERVER" "$PORT" || true)
it_assert "uid 65534 bound to A's address keeps A" test "$(count_src 2001:db8:a::10 "$bound")" -eq 2
it_assert "no spoofed packet at A" test "$(lab_counter "$LAB" a spoofed)" -eq 0
it_assert "no spoofed packet at B" test "$(lab_counter "$LAB" b spoofed)" -eq 0

it_log "2. B cut: uid 65534 moves to A (fallback = true)"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
nobody_via_a() {
    local o
    o=$(as_nobody "$M6_CONNECT" -n 1 -t 300 "$SERVER" "$PORT" || true)
    grep -q "result=ok src=2001:db8:a::10 " <<<"$o"
}
lab_cut "$LAB" b
cut=$(now_ms)
it_assert "uid 65534's new connections work through A within 1.5 s of the cut" it_poll 1500 nobody_via_a
echo "  moved after $(($(now_ms) - cut)) ms"
lab_restore "$LAB" b
back_on_b() {
    local o
    o=$(as_nobody "$M6_CONNECT" -n 1 -t 300 "$SERVER" "$PORT" || true)
    grep -q "result=ok src=2001:db8:b::10 " <<<"$o"
}
it_assert "after the restore uid 65534 returns to B" it_poll 15000 back_on_b

it_log "3. fallback = false: nothing of uid 65534 leaves through A"
write_config false
kill -HUP "$M6D_PID"
blocked() { lab_exec "$LAB" host ip -6 rule show | grep -q "uidrange 65534-65534 unreachable"; }
lab_cut "$LAB" b
it_assert "uid 65534 is blocked once B is down" it_poll 5000 blocked
a0=$(lab_counter "$LAB" a syn)
out_blocked=$(connect as_nobody)
a1=$(lab_counter "$LAB" a syn)
echo "  uid 65534: $(grep -c 'result=ok' <<<"$out_blocked" || true)/$N succeeded, SYNs at A: $((a1 - a0))"
it_assert "every connection of uid 65534 fails" test "$(grep -c 'result=ok' <<<"$out_blocked" || true)" -eq 0
it_assert "router A sees none of them" test $((a1 - a0)) -eq 0
root_ok=$(connect lab_exec "$LAB" host)
it_assert "root still connects through A" test "$(count_src 2001:db8:a::10 "$root_ok")" -eq "$N"
lab_restore "$LAB" b

it_log "4. SIGTERM removes every per-application rule and table"
it_daemon_stop TERM
it_assert "no uidrange rule remains" test "$(app_rules)" -eq 0
it_assert "the application's table is empty" test -z "$(lab_exec "$LAB" host ip -6 route show table "$table")"
