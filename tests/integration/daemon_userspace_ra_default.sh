#!/bin/bash
# Unbound sockets follow multi6d's policy whatever is in main (issue 11,
# DESIGN.md §2). The host's link is set up the way systemd-networkd and
# NetworkManager leave it: accept_ra=0 (RAs processed in userspace) and ONE
# multipath `proto ra` default in main with a nexthop per router. An unbound
# connect() looks the route up with source :: first, misses every `from P`
# rule and the suppress rule, and would leave by the multipath hash while
# its source follows the labels: BCP 38 drops the mismatches. multi6d's
# unbound-lookups rule (pref 6855, table 6855) must make the exit agree with
# the source for every destination:
#  1. baseline without multi6d (printed; some fail);
#  2. with multi6d: 100% of unbound connections to 32 distinct servers
#     succeed, the routers' SYN counters agree with the sources, the RIO
#     destination leaves via B with B's source, the manager's default and
#     accept_ra_defrtr are left alone;
#  3. upstream cut of the generic path: new connections move to the other;
#  4. [[uplink]] weights: both uplinks carry, counters agree;
#  5. SIGTERM: the manager-like default is intact, nothing of multi6d's left.
# A stand-in manager re-adds the default whenever it is gone, as networkd
# and NetworkManager do; multi6d before the unbound-lookups rule deleted it
# at take-over, got it back and lost about half the connections.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

PORT=8080
RANGE=2001:db8:8000::/33 # every server address the inet node answers on
COUNT=32
RIO_SERVER=2001:db8:fe::1

it_lab_up -n 2 --wait b.rio=2001:db8:fe::/64@medium
lab_exec "$LAB" inet ip -6 route add local "$RANGE" dev lo
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
RUN_DIR="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB"
CONFIG=$RUN_DIR/multi6d.toml
: >"$CONFIG"

# What the managers do: RAs in userspace, one multipath proto ra default.
lab_exec "$LAB" host sh -c '
    sysctl -qw net.ipv6.conf.eth0.accept_ra=0
    while ip -6 route del default proto ra dev eth0 2>/dev/null; do :; done
    ip -6 route add default proto ra metric 1024 pref medium \
        nexthop via fe80::a dev eth0 nexthop via fe80::b dev eth0'
manager_default() { lab_exec "$LAB" host ip -6 route show default proto ra; }
manager_before=$(manager_default)
echo "  manager-like default in main:"
while IFS= read -r line; do echo "    $line"; done <<<"$manager_before"
it_assert "the multipath default has a nexthop via each router" \
    test "$(grep -c 'nexthop via fe80::[ab] dev eth0' <<<"$manager_before")" -eq 2
defrtr_before=$(lab_exec "$LAB" host cat /proc/sys/net/ipv6/conf/eth0/accept_ra_defrtr)
# Like the managers, put the default back when it is gone (they do within
# 0.3-3 s): the pace of the stand-in manager, not a wait for multi6d.
MANAGER_PID=$(lab_spawn "$LAB" host manager sh -c '
    while :; do
        ip -6 route show default proto ra | grep -q nexthop ||
            ip -6 route add default proto ra metric 1024 pref medium \
                nexthop via fe80::a dev eth0 nexthop via fe80::b dev eth0
        sleep 0.3
    done')

# COUNT distinct servers spread over the range (fixed seed).
RANDOM=11
servers=()
for ((i = 0; i < COUNT; i++)); do
    servers+=("$(printf '2001:db8:%x:%x:%x::%x' $((0x8000 | RANDOM)) $((RANDOM)) $((RANDOM)) $((i + 1)))")
done
it_assert "$COUNT distinct servers" test "$(printf '%s\n' "${servers[@]}" | sort -u | wc -l)" -eq "$COUNT"

# run_all DST...: one unbound connection to each; sets ok, a_ok, b_ok,
# a_syn, b_syn.
run_all() {
    local a0 b0 out
    a0=$(lab_counter "$LAB" a syn)
    b0=$(lab_counter "$LAB" b syn)
    # shellcheck disable=SC2016 # expanded by the inner bash
    out=$(lab_exec "$LAB" host bash -c '
        connect=$1 port=$2
        shift 2
        for d in "$@"; do "$connect" -t 1000 "$d" "$port" || true; done' \
        _ "$M6_CONNECT" "$PORT" "$@")
    a_syn=$(($(lab_counter "$LAB" a syn) - a0))
    b_syn=$(($(lab_counter "$LAB" b syn) - b0))
    ok=$(grep -c "result=ok" <<<"$out" || true)
    a_ok=$(grep -c "result=ok src=2001:db8:a::10 " <<<"$out" || true)
    b_ok=$(grep -c "result=ok src=2001:db8:b::10 " <<<"$out" || true)
    echo "  ok=$ok of $#: with A's source $a_ok (SYNs via A $a_syn), with B's source $b_ok (SYNs via B $b_syn)"
}

it_log "1. baseline without multi6d"
run_all "${servers[@]}"
baseline_ok=$ok

it_log "2. with multi6d on its defaults"
it_daemon_start multi6d --log-level debug --config "$CONFIG"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
has_unbound_rule() { lab_exec "$LAB" host ip -6 rule show | grep -q '^6855:\s*from all lookup 6855'; }
it_assert "multi6d installed the unbound-lookups rule" it_poll 5000 has_unbound_rule
{ lab_exec "$LAB" host ip -6 route show table 6855 || true; } | sed "s/^/  table 6855: /"
run_all "${servers[@]}"
it_assert "all $COUNT unbound connections succeed (baseline $baseline_ok)" test "$ok" -eq "$COUNT"
it_assert "SYN counters agree with the sources (A $a_syn = $a_ok, B $b_syn = $b_ok)" \
    test "$a_syn" -eq "$a_ok" -a "$b_syn" -eq "$b_ok"
generic=a other=b
if ((b_ok == COUNT)); then generic=b other=a; fi
it_assert "one path carries every generic connection (A $a_ok, B $b_ok)" \
    test "$a_ok" -eq "$COUNT" -o "$b_ok" -eq "$COUNT"
rio=()
for ((i = 0; i < 10; i++)); do rio+=("$RIO_SERVER"); done
run_all "${rio[@]}"
it_assert "10 of 10 connections to the RIO destination via B with B's source" \
    test "$ok" -eq 10 -a "$b_ok" -eq 10 -a "$b_syn" -eq 10 -a "$a_syn" -eq 0
it_assert "the manager's default in main is untouched" test "$(manager_default)" = "$manager_before"
it_assert "accept_ra_defrtr is untouched ($defrtr_before)" \
    test "$(lab_exec "$LAB" host cat /proc/sys/net/ipv6/conf/eth0/accept_ra_defrtr)" = "$defrtr_before"

it_log "3. upstream of $generic cut"
t0=$(date +%s%N)
lab_cut "$LAB" "$generic"
uses() {
    local out
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n 1 -t 200 "${servers[0]}" "$PORT" || true)
    grep -q "result=ok src=2001:db8:$1::10 " <<<"$out"
}
it_assert "within 10 s new unbound connections succeed via $other" it_poll 10000 uses "$other"
echo "  moved after $((($(date +%s%N) - t0) / 1000000)) ms"
run_all "${servers[@]}"
it_assert "all $COUNT succeed after the cut" test "$ok" -eq "$COUNT"
it_assert "SYN counters agree after the cut (A $a_syn = $a_ok, B $b_syn = $b_ok)" \
    test "$a_syn" -eq "$a_ok" -a "$b_syn" -eq "$b_ok"
lab_restore "$LAB" "$generic"

it_log "4. [[uplink]] weights 1:1 over $RANGE"
cat >"$CONFIG" <<EOF
[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/64"]
weight = 1

[[uplink]]
name = "isp-b"
match_prefixes = ["2001:db8:b::/64"]
weight = 1

[balance]
prefixes = ["$RANGE"]
slice_bits = 3
EOF
kill -HUP "$M6D_PID"
slices() { [[ $(lab_exec "$LAB" host ip -6 route show table 6855 | grep -c '^2001:db8:[89a-f][0-9a-f]*::/36 ') -eq 8 ]]; }
it_assert "the unbound table holds a route per slice" it_poll 10000 slices
# Both paths up again (probes): every connection succeeds, both carry.
both() {
    run_all "${servers[@]}" >/dev/null
    ((ok == COUNT && a_ok > 0 && b_ok > 0))
}
it_assert "within 15 s all $COUNT succeed and both uplinks carry some" it_poll 15000 both
run_all "${servers[@]}"
it_assert "all $COUNT succeed with weights" test "$ok" -eq "$COUNT"
it_assert "SYN counters agree with weights (A $a_syn = $a_ok, B $b_syn = $b_ok)" \
    test "$a_syn" -eq "$a_ok" -a "$b_syn" -eq "$b_ok"
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"

it_log "5. SIGTERM"
kill "$MANAGER_PID" # from now on nothing would put the default back
it_daemon_stop TERM
it_assert "the manager-like default in main is intact" test "$(manager_default)" = "$manager_before"
owned_rules_left() { lab_exec "$LAB" host ip -6 rule show | grep -Eq "^6[6-8][0-9][0-9]:"; }
it_assert "no rule of multi6d's left" eval '! owned_rules_left'
it_assert "no route of multi6d's left" \
    test -z "$(lab_exec "$LAB" host ip -6 route show table all proto 196)"
