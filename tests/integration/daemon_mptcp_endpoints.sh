#!/bin/bash
# multi6d's MPTCP endpoints follow path state (DESIGN.md §3.6): every managed
# global address is a `subflow` endpoint; after a silent cut of ISP A and
# the daemon's "down" line, A's endpoint is `subflow backup` (B's is not);
# after `restore` and the daemon's "up" line, the backup flag is gone. After
# SIGTERM none of multi6d's endpoints remain, an endpoint someone else added
# is untouched, and the path manager's limits are what they were before.
# Everything is read with `ip mptcp endpoint show` in the host namespace.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

ADDR_A=2001:db8:a::10
ADDR_B=2001:db8:b::10
PATH_A="path eth0/2001:db8:a::/64/fe80::a"
# Someone else's endpoint (an address the host does not hold; the kernel
# does not check): multi6d must neither change nor delete it.
FOREIGN="2001:db8:c::10 id 7 signal"

it_lab_up -n 2 --wait

endpoints() { lab_exec "$LAB" host ip mptcp endpoint show; }
limits() { lab_exec "$LAB" host ip mptcp limits show | sed 's/ *$//'; }
# flags ADDR: the flag words of ADDR's endpoint, e.g. "subflow backup".
flags() {
    endpoints | awk -v a="$1" '$1 == a { $1 = $2 = $3 = ""; sub(/ dev .*/, ""); gsub(/^ +| +$/, ""); print }'
}
flags_are() { [[ $(flags "$1") == "$2" ]]; }
# log_after LINE PATTERN: the daemon logged PATTERN after line LINE.
log_after() { tail -n "+$(($1 + 1))" "$M6D_LOG" | grep -qF "$2"; }
log_lines() { wc -l <"$M6D_LOG"; }
# expect MS DESCRIPTION COMMAND...: COMMAND succeeds within MS milliseconds;
# on failure the message shows the endpoints as they are then.
expect() {
    local ms=$1 what=$2
    shift 2
    it_poll "$ms" "$@" || it_fail "$what (within $ms ms); endpoints now: $(endpoints | tr '\n' ';')"
    echo "ok: $what"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# shellcheck disable=SC2086 # FOREIGN is split into ip's arguments on purpose
lab_exec "$LAB" host ip mptcp endpoint add $FOREIGN
limits_before=$(limits)
it_log "before multi6d: limits '$limits_before'"

config=/run/multi6d-lab/$LAB/mptcp.toml
printf '[mptcp]\nenabled = true\nsubflows = 5\n' >"$config"
it_daemon_start multi6d --config "$config"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

it_log "1. both addresses are subflow endpoints"
both_subflow() { flags_are "$ADDR_A" subflow && flags_are "$ADDR_B" subflow; }
expect 5000 "A and B are 'subflow' endpoints" both_subflow
ids=$(endpoints | awk -v a="$ADDR_A" -v b="$ADDR_B" '$1 == a || $1 == b { print $3 }' | tr '\n' ' ')
for id in $ids; do
    it_assert "endpoint id $id is in multi6d's range 200..255" test "$id" -ge 200 -a "$id" -le 255
done
it_assert "the foreign endpoint is untouched" grep -qF "$FOREIGN" <<<"$(endpoints)"
limits_set() { [[ $(limits) == *"subflows 5" ]]; }
it_assert "limits set from [mptcp] subflows = 5" limits_set

it_log "2. cut ISP A: A's endpoint turns backup with the daemon's down line"
mark=$(log_lines)
start=$(now_ms)
lab_cut "$LAB" a
it_poll 5000 log_after "$mark" "$PATH_A: down (" || it_fail "no '$PATH_A: down' line within 5 s"
down_ms=$(($(now_ms) - start))
expect 1000 "A is 'subflow backup' once the down line is logged" flags_are "$ADDR_A" "subflow backup"
expect 0 "B stays 'subflow'" flags_are "$ADDR_B" subflow
echo "  down line and backup flag ${down_ms} ms after the cut"

it_log "3. restore ISP A: backup is cleared with the daemon's up line"
mark=$(log_lines)
start=$(now_ms)
lab_restore "$LAB" a
it_poll 15000 log_after "$mark" "$PATH_A: up (" || it_fail "no '$PATH_A: up' line within 15 s"
up_ms=$(($(now_ms) - start))
expect 1000 "A is 'subflow' again once the up line is logged" flags_are "$ADDR_A" subflow
expect 0 "B is still 'subflow'" flags_are "$ADDR_B" subflow
echo "  up line and cleared flag ${up_ms} ms after the restore"

it_log "4. SIGTERM: multi6d's endpoints removed, limits restored"
it_daemon_stop TERM
only_foreign() { [[ $(endpoints | sed 's/ *$//') == "$FOREIGN" ]]; }
expect 0 "only the foreign endpoint remains" only_foreign
limits_after=$(limits)
it_assert "limits restored to '$limits_before' (now '$limits_after')" test "$limits_after" == "$limits_before"
it_assert "the daemon logged the removal" grep -q "MPTCP: deleted MPTCP endpoint $ADDR_A" "$M6D_LOG"
