#!/bin/bash
# [[uplink]] roles with the real daemon in the lab: a primary uplink carries
# every new connection while it works, the backup only while the primary is
# down, and the primary takes over again once it has recovered.
#
# The primary is isp-b on purpose: with equal settings multi6d's tie-break
# (lowest prefix, policy/routing_decision.hpp) picks 2001:db8:a::/64, so a
# daemon that ignored `role` would send everything via A and fail step 1.
# Step 0 checks that premise in this lab, with the same uplinks minus roles.
#  0. control: both uplinks primary -> generic destinations via A.
#  1. isp-b primary, isp-a backup: connections leave via B with B's source.
#  2. `lab cut b` (B's upstream drops everything; B keeps advertising): the
#     prober finds isp-b down, the daemon logs it, and new connections leave
#     via A with A's source.
#  3. `lab restore b`: once the daemon logs isp-b up again, new connections
#     leave via B again.
# Where connections went is read from the routers' SYN counters and from
# the source address each connection got.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

SERVER=2001:db8:ff::1
PORT=8080
N=20
B_PATH="isp-b (eth0/2001:db8:b::/64/fe80::b)"

it_lab_up -n 2 --wait
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
RUN_DIR="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB"

# write_config FILE ROLE_A ROLE_B
write_config() {
    cat >"$1" <<EOF
[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/64"]
role = "$2"

[[uplink]]
name = "isp-b"
match_prefixes = ["2001:db8:b::/64"]
role = "$3"
EOF
}

# measure N: N unbound connections to the server; prints
# "ok sources a_syn b_syn" (sources: the distinct src= words, comma-joined).
measure() {
    local n=$1 a0 b0 out src
    a0=$(lab_counter "$LAB" a syn)
    b0=$(lab_counter "$LAB" b syn)
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n "$n" -t 1000 "$SERVER" "$PORT" || true)
    src=$(grep -o 'src=[^ ]*' <<<"$out" | sort -u | paste -sd, -)
    echo "$(it_connect_ok "$out") ${src:-none} $(($(lab_counter "$LAB" a syn) - a0)) $(($(lab_counter "$LAB" b syn) - b0))"
}

# expect_via R WHEN: N connections all succeed, all with R's source, and
# their SYNs leave through router R only.
expect_via() {
    local r=$1 when=$2 ok src a_syn b_syn mine other
    read -r ok src a_syn b_syn <<<"$(measure "$N")"
    echo "  $when: ok=$ok $src SYNs via A=$a_syn via B=$b_syn"
    if [[ $r == a ]]; then mine=$a_syn other=$b_syn; else mine=$b_syn other=$a_syn; fi
    it_assert "$when: $N of $N connections succeed" test "$ok" -eq "$N"
    it_assert "$when: all of them used $r's source" test "$src" = "src=2001:db8:$r::10"
    it_assert "$when: their SYNs left via router $r only (A=$a_syn, B=$b_syn)" \
        test "$mine" -ge "$N" -a "$other" -eq 0
}

# log_has_since LINE TEXT: TEXT occurs in the daemon log after line LINE.
log_has_since() { tail -n "+$(($1 + 1))" "$M6D_LOG" | grep -qF -- "$2"; }
log_lines() { wc -l <"$M6D_LOG"; }

it_log "0. control: both uplinks primary, the tie-break picks A"
write_config "$RUN_DIR/control.toml" primary primary
it_daemon_start control --log-level debug --config "$RUN_DIR/control.toml"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
expect_via a "no roles"
it_daemon_stop TERM

it_log "1. isp-b primary, isp-a backup"
write_config "$RUN_DIR/roles.toml" backup primary
it_daemon_start multi6d --log-level debug --config "$RUN_DIR/roles.toml"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
# The paths start Unknown (usable); wait until the prober has seen B work,
# so that step 2 measures a real up -> down transition.
mark=0
b_up() { log_has_since "$mark" "path $B_PATH: up"; }
it_assert "the prober finds isp-b up within 15 s" it_poll 15000 b_up
expect_via b "primary up"

it_log "2. cut the primary's upstream"
mark=$(log_lines)
t0=$(date +%s%N)
lab_cut "$LAB" b
b_down() { log_has_since "$mark" "path $B_PATH: down"; }
it_assert "multi6d logs isp-b down within 5 s of the cut" it_poll 5000 b_down
echo "  down after $((($(date +%s%N) - t0) / 1000000)) ms: $(tail -n "+$((mark + 1))" "$M6D_LOG" | grep -F "path $B_PATH: down" | head -n1)"
expect_via a "primary cut"

it_log "3. restore the primary's upstream"
mark=$(log_lines)
t0=$(date +%s%N)
lab_restore "$LAB" b
it_assert "multi6d logs isp-b up again within 20 s of the restore" it_poll 20000 b_up
echo "  up after $((($(date +%s%N) - t0) / 1000000)) ms: $(tail -n "+$((mark + 1))" "$M6D_LOG" | grep -F "path $B_PATH: up" | head -n1)"
expect_via b "primary restored"
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
it_daemon_stop TERM
