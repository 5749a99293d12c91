#!/bin/bash
# The D-Bus quality bar (DESIGN.md §6, issue 12): Rank's p50 is at most
# 1.15 × Peer.Ping's, or within 5 % of Properties.Get(Version)'s (the
# cheapest call through the daemon's own D-Bus layer; Ping is answered
# inside sd-bus), measured side by side on one connection. Starts a private
# dbus-daemon (never the machine's bus) with multi6d's bus policy and a
# server owning org.multi6d1, runs m6-bench-dbus three times and judges the
# median p50 ratios. Exit 0 when either is within its bar, 1 when not.
#
#   tests/bench/dbus/run.sh [--build DIR] [--runs N] [--server CMD]
#                           [-- m6-bench-dbus arguments]
# --server: what owns org.multi6d1 (default: DIR/tests/tools/m6-dbus-server,
# the real adaptor over a fake backend); it must print READY when it does.
# With the default server each round also calls its reference method (Rank's
# request and reply without parsing or ranking, m6-bench-dbus --reference),
# and the medians of reference/Ping and Rank/reference are printed too: what
# the reply costs, and what Rank's own work costs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
build=$src/build
runs=3
server=""
bar=1.15
get_bar=1.05
while (($#)); do
    case $1 in
        --build) build=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --server) server=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "usage: $0 [--build DIR] [--runs N] [--server CMD] [-- bench args]" >&2; exit 2 ;;
    esac
done
reference=()
if [[ -z $server ]]; then
    server=$build/tests/tools/m6-dbus-server
    reference=(--reference)
fi
bench=$build/tests/bench/dbus/m6-bench-dbus
[[ -x $bench ]] || { echo "$bench is missing (build first)" >&2; exit 2; }

dir=$(mktemp -d /tmp/m6-dbus-bench.XXXXXX)
bus_pid=""
server_pid=""
cleanup() {
    [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [[ -n $bus_pid ]] && kill -TERM "$bus_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
chmod 755 "$dir"
sed -e "s|@DIR@|$dir|g" -e "s|@POLICY@|$src/dbus/org.multi6d1.conf|g" \
    "$src/tests/integration/dbus/bus.conf.in" >"$dir/bus.conf"
bus_pid=$(dbus-daemon --config-file="$dir/bus.conf" --fork --print-pid=1)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus"
# shellcheck disable=SC2086 # --server may carry arguments
$server >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 500); do
    grep -q '^READY' "$dir/server.log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    sleep 0.02
done
grep -q '^READY' "$dir/server.log" || { echo "server not ready" >&2; exit 1; }

ratios=()
get_ratios=()
reply_ratios=()
work_ratios=()
for ((i = 1; i <= runs; i++)); do
    out=$("$bench" "${reference[@]}" "$@")
    echo "--- run $i"
    echo "$out"
    ratios+=("$(sed -n 's/^ratio p50 \([0-9.]*\) .*/\1/p' <<<"$out")")
    get_ratios+=("$(sed -n 's|^Rank/Get p50 \([0-9.]*\) .*|\1|p' <<<"$out")")
    reply_ratios+=("$(sed -n 's|^reference/Ping p50 \([0-9.]*\) .*|\1|p' <<<"$out")")
    work_ratios+=("$(sed -n 's|^Rank/reference p50 \([0-9.]*\) .*|\1|p' <<<"$out")")
done
median_of() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
median=$(median_of "${ratios[@]}")
if ((${#reference[@]})); then
    echo "median p50 reference/Ping (Rank's reply and glue alone): $(median_of "${reply_ratios[@]}")"
    echo "median p50 Rank/reference (validation and ranking): $(median_of "${work_ratios[@]}")"
fi
get_median=$(median_of "${get_ratios[@]}")
echo "median p50 Rank/Get(Version) over $runs runs: $get_median (bar: $get_bar)"
echo "median p50 ratio over $runs runs: $median (bar: $bar)"
awk -v m="$median" -v b="$bar" -v g="$get_median" -v gb="$get_bar" \
    'BEGIN {exit !(m <= b || g <= gb)}'
