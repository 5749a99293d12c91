#!/bin/bash
# [[uplink]] weights with the real daemon in the lab: two equal-cost primary
# uplinks with weights 3 (isp-b) and 1 (isp-a) share new connections to 200
# distinct destinations about 75/25; the test accepts 60-90% / 10-40%, all
# 200 must succeed, and each uplink must carry at least one.
#
# Why the test can fail:
# - multi6d shares destinations by address (policy/load_balance.hpp): each
#   [balance] range is cut into 2^slice_bits slices, each slice gets a label
#   row for one uplink. Every lab destination lies in 2001:db8::/32, one
#   slice of the default range 2000::/3, so the range here is
#   2001:db8:8000::/33 (16 slices of /37), and the inet node answers on all
#   of it (an AnyIP route: `local 2001:db8:8000::/33 dev lo`).
# - The 200 destinations are spread evenly over the 16 slices (12 or 13
#   per slice, the rest of each address from a fixed seed), so isp-b's
#   expected share is exactly what its 12 of 16 slices hold (72-78%).
# - Weights ignored: one uplink gets every destination (the tie-break
#   picks isp-a, so isp-b would get 0%); the range ignored: all 200 fall in
#   one slice of 2000::/3 and one uplink gets 100%. Weights reversed: isp-b
#   gets ~25%. Each of these fails the bounds.
# Which uplink carried a connection is read twice: the source address it got
# and the router its SYN left through (the routers' SYN counters).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

PORT=8080
RANGE=2001:db8:8000::/33
SLICE_BITS=4
COUNT=200
SEED=6724

it_lab_up -n 2 --wait
lab_exec "$LAB" inet ip -6 route add local "$RANGE" dev lo
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
RUN_DIR="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB"

cat >"$RUN_DIR/weights.toml" <<EOF
[[uplink]]
name = "isp-a"
match_prefixes = ["2001:db8:a::/64"]
weight = 1

[[uplink]]
name = "isp-b"
match_prefixes = ["2001:db8:b::/64"]
weight = 3

[balance]
prefixes = ["$RANGE"]
slice_bits = $SLICE_BITS
EOF

# Destination i lies in slice i mod 16 of 2001:db8:8000::/33: the third
# group is 1 (the /33 bit), 4 slice bits, then 11 bits from the seed; the
# last group is i + 1, so all 200 are distinct.
RANDOM=$SEED
destinations=()
for ((i = 0; i < COUNT; i++)); do
    destinations+=("$(printf '2001:db8:%x:%x:%x:%x:%x:%x' \
        $((0x8000 | (i % 16) << 11 | RANDOM % 2048)) \
        $((RANDOM)) $((RANDOM)) $((RANDOM)) $((RANDOM)) $((i + 1)))")
done
it_assert "$COUNT distinct destinations" \
    test "$(printf '%s\n' "${destinations[@]}" | sort -u | wc -l)" -eq "$COUNT"

it_daemon_start multi6d --log-level debug --config "$RUN_DIR/weights.toml"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
slice_rows() { lab_exec "$LAB" host ip addrlabel list | grep -c "^prefix 2001:db8:[89a-f][0-9a-f]*::/37 " || true; }
has_slices() { [[ $(slice_rows) -eq $((1 << SLICE_BITS)) ]]; }
it_assert "multi6d installed one label row per slice ($((1 << SLICE_BITS)))" it_poll 5000 has_slices
lab_exec "$LAB" host ip addrlabel list | sed 's/^/  /'

it_log "$COUNT connections, one to each destination"
a0=$(lab_counter "$LAB" a syn)
b0=$(lab_counter "$LAB" b syn)
# One process in the host namespace runs them all (one `ip netns exec`
# per connection would dominate the run time).
# shellcheck disable=SC2016 # expanded by the inner bash
out=$(lab_exec "$LAB" host bash -c '
    connect=$1 port=$2
    shift 2
    for d in "$@"; do "$connect" -t 1000 "$d" "$port" || true; done' \
    _ "$M6_CONNECT" "$PORT" "${destinations[@]}")
a_syn=$(($(lab_counter "$LAB" a syn) - a0))
b_syn=$(($(lab_counter "$LAB" b syn) - b0))
ok=$(grep -c "result=ok" <<<"$out" || true)
a_ok=$(grep -c "result=ok src=2001:db8:a::10 " <<<"$out" || true)
b_ok=$(grep -c "result=ok src=2001:db8:b::10 " <<<"$out" || true)
a_pct=$((100 * a_ok / COUNT))
b_pct=$((100 * b_ok / COUNT))
echo "  ok=$ok of $COUNT; isp-a (weight 1): $a_ok ($a_pct%), SYNs via A=$a_syn;" \
    "isp-b (weight 3): $b_ok ($b_pct%), SYNs via B=$b_syn"
if ((ok != COUNT)); then
    grep -v "result=ok" <<<"$out" | head -n 5 | sed 's/^/  /' >&2
fi
it_assert "all $COUNT connections succeed" test "$ok" -eq "$COUNT"
it_assert "every one used A's or B's source" test $((a_ok + b_ok)) -eq "$COUNT"
it_assert "A's SYN counter matches the connections with A's source ($a_syn = $a_ok)" \
    test "$a_syn" -eq "$a_ok"
it_assert "B's SYN counter matches the connections with B's source ($b_syn = $b_ok)" \
    test "$b_syn" -eq "$b_ok"
# Exact bounds: 100 * n against PERCENT * COUNT, no rounding.
it_assert "isp-b (weight 3) carries 60-90% ($b_pct%)" \
    test $((100 * b_ok)) -ge $((60 * COUNT)) -a $((100 * b_ok)) -le $((90 * COUNT))
it_assert "isp-a (weight 1) carries 10-40% ($a_pct%)" \
    test $((100 * a_ok)) -ge $((10 * COUNT)) -a $((100 * a_ok)) -le $((40 * COUNT))
it_assert "isp-a (weight 1) carries some ($a_ok)" test "$a_ok" -gt 0
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
it_daemon_stop TERM
