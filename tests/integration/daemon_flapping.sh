#!/bin/bash
# A flapping upstream costs few policy changes (DESIGN §3.4, hysteresis in
# policy/path_quality.hpp): ISP A's upstream is cut and restored every
# 500 ms for 30 s (`lab cut`/`restore`: silent, router A keeps advertising).
#  1. The daemon's policy changes ("-> generic destinations" log lines) from
#     the first cut until A is back in use number at most 4, and A was seen
#     down or degraded at least once (the flapping did reach the daemon).
#  2. Once the toggling ends with A restored, generic destinations return to
#     A (log line and the kernel's 2000::/3 label), and new unbound
#     connections succeed from A's address.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

SERVER=2001:db8:ff::1
PORT=8080
PATH_A="path eth0/2001:db8:a::/64/fe80::a"
PATH_B="path eth0/2001:db8:b::/64/fe80::b"
ON_A="generic destinations: 2001:db8:a::/64 via fe80::a on eth0"
TOGGLE_MS=500
TOGGLES=60 # 30 s; an even number, so the last one is a restore
MAX_CHANGES=4

it_lab_up -n 2 --wait
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"
# Built-in defaults, whatever /etc/multi6d says on this machine.
it_daemon_start multi6d --config /dev/null --log-level debug
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
both_up() { grep -q "$PATH_A: up" "$M6D_LOG" && grep -q "$PATH_B: up" "$M6D_LOG"; }
it_assert "both paths are up" it_poll 10000 both_up
it_assert "generic destinations are on A before the flapping" grep -q "$ON_A" "$M6D_LOG"

# The daemon's log from the first cut on.
from=$(($(wc -l <"$M6D_LOG") + 1))
since_cut() { tail -n "+$from" "$M6D_LOG"; }

it_log "1. A's upstream toggled every $TOGGLE_MS ms, $TOGGLES times"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(now_ms)
for ((k = 0; k < TOGGLES; k++)); do
    # The toggle schedule is the experiment, not a synchronisation.
    wait_ms=$((t0 + k * TOGGLE_MS - $(now_ms)))
    ((wait_ms <= 0)) || sleep "$((wait_ms / 1000)).$(printf "%03d" $((wait_ms % 1000)))"
    if ((k % 2 == 0)); then lab_cut "$LAB" a; else lab_restore "$LAB" a; fi
done
it_log "toggling ended after $(($(now_ms) - t0)) ms, A restored"
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
# Down (3 losses in a row) or degraded (loss over the window): which one
# depends on how the 500 ms toggles fall between the 250 ms probes; either
# moves new connections off A.
it_assert "A was seen down or degraded during the flapping" grep -qE "$PATH_A: (down|degraded)" <(since_cut)

it_log "2. recovery"
# Back on A: the latest policy line names A (down_after and up_after_ms 3 s:
# ~3.5 s after the last restore).
back_on_a() { [[ $(since_cut | grep "generic destinations: " | tail -n 1) == *"$ON_A"* ]]; }
t1=$(now_ms)
# From degraded, recovery needs the loss window (40 probes, ~10 s) to clear.
it_assert "generic destinations back on A within 25 s of the last restore" it_poll 25000 back_on_a
echo "  back on A $(($(now_ms) - t1)) ms after the last restore"
since_cut | grep -E "generic destinations|$PATH_A|$PATH_B" | sed 's/^<[0-9]>/  log: /'
changes=$(since_cut | grep -c -- "-> generic destinations" || true)
echo "  policy changes from the first cut to recovery: $changes"
it_assert "at most $MAX_CHANGES policy changes for 30 s of flapping (found $changes)" test "$changes" -le "$MAX_CHANGES"

label_of() { lab_exec "$LAB" host ip addrlabel list | awk -v p="$1" '$1 == "prefix" && $2 == p { print $4 }'; }
generic=$(label_of 2000::/3)
a_label=$(label_of 2001:db8:a::/64)
it_assert "the kernel's 2000::/3 label ($generic) is A's ($a_label)" test -n "$generic" -a "$generic" = "$a_label"
out=$(lab_exec "$LAB" host "$M6_CONNECT" -n 20 -t 1000 "$SERVER" "$PORT" || true)
from_a=$(grep -c "result=ok src=2001:db8:a::10 " <<<"$out" || true)
it_assert "20 of 20 new unbound connections succeed from A's address (found $from_a)" test "$from_a" -eq 20
it_daemon_stop TERM
