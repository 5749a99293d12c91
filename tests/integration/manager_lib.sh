# shellcheck shell=bash
# Helpers for the tests with a real network manager on the lab host
# (lab up --manager networkd|nm): many servers, connection timelines and
# the longest stretch of failing new connections in one.
#
#   source "$(dirname "$0")/manager_lib.sh"   # after lib.sh

MGR_PORT=8080
# 16 servers on inet's loopback: destinations that hash differently over a
# multipath default route.
MGR_SERVERS=()
for _i in $(seq 100 115); do MGR_SERVERS+=("2001:db8:ff::$_i"); done
unset _i

# mgr_servers_up: the addresses and one m6-serve on [::]:MGR_PORT.
mgr_servers_up() {
    local s
    for s in "${MGR_SERVERS[@]}"; do
        lab_exec "$LAB" inet ip addr add "$s/64" dev lo
    done
    lab_spawn "$LAB" inet serve "$M6_SERVE" "$MGR_PORT" >/dev/null
    lab_wait_listen "$LAB" inet "$MGR_PORT"
}

# mgr_connect_all [ATTEMPTS]: ATTEMPTS (default 2) unbound connections to
# every server, all from one command in the host node; prints "OK TOTAL".
mgr_connect_all() {
    local n=${1:-2} out
    # shellcheck disable=SC2016 # expanded by the inner shell
    out=$(lab_exec "$LAB" host bash -c 'c=$1 n=$2 p=$3; shift 3
        for s in "$@"; do "$c" -n "$n" -t 1000 "$s" "$p" || true; done' \
        _ "$M6_CONNECT" "$n" "$MGR_PORT" "${MGR_SERVERS[@]}")
    awk -v want=$((n * ${#MGR_SERVERS[@]})) \
        '/^connect: ok=/ { split($2, a, "="); ok += a[2] } END { print ok + 0, want }' <<<"$out"
}

# mgr_timeline_start NAME SECONDS: one new unbound connection every 100 ms
# (each with a 1 s timeout, overlapping) to the first server for SECONDS, in
# the background; its output goes to $LAB's run dir as NAME.out.
mgr_timeline_start() {
    local name=$1 secs=$2
    MGR_TIMELINE=/run/multi6d-lab/$LAB/$name.out
    lab_exec "$LAB" host "$M6_CONNECT" --clock --overlap -i 100 -t 1000 -n $((secs * 10)) \
        "${MGR_SERVERS[0]}" "$MGR_PORT" >"$MGR_TIMELINE" 2>&1 &
    MGR_TIMELINE_PID=$!
    it_poll 5000 grep -q '^start: ' "$MGR_TIMELINE" || it_fail "m6-connect did not start"
}

mgr_timeline_wait() {
    wait "$MGR_TIMELINE_PID" || true
    grep -q '^connect: ' "$MGR_TIMELINE" || it_fail "m6-connect did not finish: $(tail -3 "$MGR_TIMELINE")"
}

# mgr_now_rel: ms since the running timeline's t=0.
mgr_now_rel() {
    local start
    start=$(sed -n 's/^start: unix_us=//p' "$MGR_TIMELINE")
    echo $((($(date +%s%N) / 1000 - start) / 1000))
}

# mgr_at_rel MS: the running timeline is MS ms old (for it_poll).
mgr_at_rel() { (($(mgr_now_rel) >= $1)); }

# "t result" per attempt, in attempt order.
_mgr_attempts() {
    sed -n 's/^n=\([0-9]*\) t=\([0-9]*\) result=\([a-z]*\).*/\1 \2 \3/p' "$MGR_TIMELINE" | sort -n | cut -d' ' -f2,3
}

# mgr_longest_outage: the longest stretch of failing attempts, in ms from
# the start of the first failing attempt to the start of the next
# successful one (0 when none failed; to the end when none succeeded).
mgr_longest_outage() {
    _mgr_attempts | awk '
        $2 == "fail" { if (first == "") first = $1; last = $1; next }
        { if (first != "") { d = $1 - first; if (d > worst) worst = d; first = "" } }
        END { if (first != "") { d = last - first + 100; if (d > worst) worst = d }; print worst + 0 }'
}

# mgr_recovery_after MS: ms from MS (relative) until the first attempt
# started at or after it from which every later attempt succeeded; -1 if
# the timeline never recovers.
mgr_recovery_after() {
    _mgr_attempts | awk -v at="$1" '
        $1 < at { next }
        $2 == "ok" { if (good == "") good = $1; next }
        { good = "" }
        END { print (good == "" ? -1 : good - at) }'
}

# mgr_counts: "ok=N fail=M" of the timeline.
mgr_counts() { sed -n 's/^connect: //p' "$MGR_TIMELINE"; }

# mgr_disturbance WHAT COMMAND...: a 7 s timeline with COMMAND run at 1 s;
# prints the figures and fails if new connections failed for more than 3 s.
mgr_disturbance() {
    local what=$1 outage
    shift
    mgr_timeline_start "disturb-${what// /-}" 7
    it_poll 3000 mgr_at_rel 1000 || true
    "$@" || it_fail "$what: '$*' failed"
    mgr_timeline_wait
    outage=$(mgr_longest_outage)
    echo "  $what: longest stretch of failing new connections ${outage} ms ($(mgr_counts))"
    MGR_FIGURES+=("$what: ${outage} ms")
    it_assert "$what costs at most 3 s of failing new connections" test "$outage" -le 3000
}

# mgr_generic_router: the router letter of the path that carries generic
# destinations, from the source address an unbound connection gets.
mgr_generic_router() {
    local out src
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n 1 -t 1000 "${MGR_SERVERS[0]}" "$MGR_PORT" || true)
    src=$(sed -n 's/.* src=2001:db8:\([a-f]\)::10 .*/\1/p' <<<"$out" | head -1)
    [[ -n $src ]] || it_fail "no source address in: $out"
    echo "$src"
}

# mgr_ctl ARGS...: multi6ctl in the host node, on the lab's private bus.
mgr_ctl() { lab_exec "$LAB" host "$M6_CTL" "$@"; }
