#!/bin/bash
# Issue 16, finding 4: any local user could starve RankHost for everyone (two
# worker threads and 16 pending slots shared by all callers: with uid 65534
# holding 20 lookups of a name whose DNS never answers, a RankHost of an
# address literal waited 9.5 s, other callers got LimitsExceeded and then
# NoReply at 60 s). Finding 7's RankHost/Rank consistency is checked too.
#
# m6-dbus-server runs the real adaptor in namespaces of its own with its own
# /etc/hosts and a name server that drops every query (dbus_server_isolated;
# nothing leaves the machine). Checks, with the times printed:
#  1. uid 65534 starts 20 lookups of names that never resolve: 4 are taken,
#     16 refused at once with LimitsExceeded (the per-user limit).
#  2. Meanwhile root's RankHost of a literal answers within 300 ms, and
#     uid 1000's RankHost of a name in /etc/hosts within 1 s.
#  3. uid 65534's clients are killed: their places are free at once (a new
#     lookup of theirs is taken, not refused).
#  4. A lookup that never ends fails with ResolveFailed after 10 s, its host
#     quoted cut to 80 characters.
#  5. '::' and '::1' are refused alike by Rank and RankHost.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"

dbus_init
dbus_bus_start
# Queries wait 60 s for a name server that never answers: longer than the
# daemon's own 10 s timeout, so lookups stay hung for the whole test.
dbus_server_isolated 60

DEST=org.multi6d1
OBJ=/org/multi6d1
IFACE=org.multi6d.Manager1
rank_host() { busctl --system --timeout=30 call "$DEST" "$OBJ" "$IFACE" RankHost 'sa{sv}' "$1" 0; }
as_user_1000() { setpriv --reuid 1000 --regid 1000 --clear-groups "$@"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
resolving() { grep -c "RankHost from .*resolving '$1" "$DBUS_DIR/server.log" || true; }

it_log "1. uid 65534 starts 20 lookups that never resolve"
HUNG_PIDS=()
for i in $(seq 1 20); do
    # shellcheck disable=SC2016
    dbus_spawn "hung$i" setpriv --reuid 65534 --regid 65534 --clear-groups \
        busctl --system --timeout=60 call "$DEST" "$OBJ" "$IFACE" RankHost 'sa{sv}' "hung$i.m6.test" 0
    HUNG_PIDS+=("$DBUS_LAST_PID")
done
settled() { # every call either ended (refused) or is being resolved
    local ended=0 pid
    for pid in "${HUNG_PIDS[@]}"; do
        it_pid_alive "$pid" || ended=$((ended + 1))
    done
    ((ended + $(resolving hung) >= 20))
}
it_assert "the 20 calls settle within 5 s" it_poll 5000 settled
refused=$(grep -l 'too many name lookups' "$DBUS_DIR"/hung*.log | wc -l || true)
echo "  refused at once: $refused; being resolved: $(resolving hung)"
it_assert "4 lookups of uid 65534 are taken, 16 refused with LimitsExceeded" \
    test "$(resolving hung)" -eq 4 -a "$refused" -eq 16

it_log "2. other callers meanwhile"
# busctl's own cost (process start, connecting, a round trip) dominates on a
# busy machine, so each call is timed against a Peer.Ping by busctl just
# before it: the difference is what the server added.
ping_ms() {
    local t0
    t0=$(date +%s%N)
    busctl --system call "$DEST" "$OBJ" org.freedesktop.DBus.Peer Ping >/dev/null
    ms_since "$t0"
}
ping1=$(ping_ms)
t0=$(date +%s%N)
out=$(rank_host 2001:db8:ffff::1)
literal_ms=$(ms_since "$t0")
echo "  RankHost of a literal (root): $literal_ms ms (busctl Ping just before: $ping1 ms): $(head -c 100 <<<"$out")"
it_assert "root's RankHost of a literal answers with pairs" grep -q '2001:db8:b::100' <<<"$out"
ping2=$(ping_ms)
t0=$(date +%s%N)
out=$(as_user_1000 busctl --system --timeout=30 call "$DEST" "$OBJ" "$IFACE" RankHost 'sa{sv}' dual.m6.test 0)
hosts_ms=$(ms_since "$t0")
echo "  RankHost of a name in /etc/hosts (uid 1000): $hosts_ms ms (busctl Ping just before: $ping2 ms): $(head -c 100 <<<"$out")"
it_assert "uid 1000's RankHost of dual.m6.test answers with pairs" grep -q '2001:db8:a::7' <<<"$out"
echo "FIGURE: while uid 65534 holds hung lookups: RankHost literal ${literal_ms} ms (Ping ${ping1} ms, bar 300 over it), /etc/hosts name ${hosts_ms} ms (Ping ${ping2} ms, bar 1000 over it)"
it_assert "the literal within 300 ms (more than a Ping)" test "$literal_ms" -lt $((ping1 + 300))
it_assert "the /etc/hosts name within 1 s (more than a Ping)" test "$hosts_ms" -lt $((ping2 + 1000))

it_log "3. uid 65534's clients go away"
for pid in "${HUNG_PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
done
# The bus tells the server they are gone (NameOwnerChanged); poll until a
# new lookup of theirs is taken rather than refused.
taken_again() {
    set +e
    as_nobody busctl --system --timeout=1 call "$DEST" "$OBJ" "$IFACE" RankHost 'sa{sv}' \
        "again.m6.test" 0 >"$DBUS_DIR/again.out" 2>&1
    set -e
    ! grep -q "too many name lookups" "$DBUS_DIR/again.out"
}
t0=$(date +%s%N)
it_assert "within 2 s a new lookup of uid 65534 is taken" it_poll 2000 taken_again
echo "  taken again after $(ms_since "$t0") ms"

it_log "4. a lookup that never ends"
long_host="$(printf 'x%.0s' $(seq 1 60)).$(printf 'y%.0s' $(seq 1 60)).$(printf 'z%.0s' $(seq 1 60)).never.m6.test"
t0=$(date +%s%N)
set +e
out=$(rank_host "$long_host" 2>&1)
set -e
echo "  after $(ms_since "$t0") ms: $out"
it_assert "it fails with ResolveFailed after the daemon's 10 s" grep -q "): no answer within 10 s$" <<<"$out"
it_assert "its host is cut to 80 characters in the message" \
    grep -qF "'${long_host:0:80}...' (${#long_host} characters)" <<<"$out"

it_log "5. Rank and RankHost refuse the same destinations"
for d in :: ::1 fe80::1 ff02::1 0.0.0.0; do
    set +e
    a=$(busctl --system call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' 1 "$d" 0 2>&1)
    b=$(rank_host "$d" 2>&1)
    set -e
    it_assert "Rank('$d') is refused: $a" grep -q "invalid destination address '$d'" <<<"$a"
    it_assert "RankHost('$d') is refused alike" test "$a" = "$b"
done

it_assert "the server is still running" it_pid_alive "$SERVER_PID"
echo "PASS: hostile_rankhost_starvation"
