#!/bin/bash
# The D-Bus interface end to end, on a private dbus-daemon with multi6d's own
# bus policy (dbus/org.multi6d1.conf): m6-dbus-server runs the real adaptor
# on an sd-event loop over a fake backend with three fixed paths
# (tests/tools/m6_dbus_server.cpp):
#   isp-a  2001:db8:a::100  up    20 ms  0%  cost 10
#   isp-b  2001:db8:b::100  up     5 ms  2%  cost 100
#   isp-c  2001:db8:c::100  down
# The server runs in a mount and network namespace of its own, with its own
# /etc/hosts and a name server that never answers, so RankHost's lookups are
# deterministic and a slow lookup can be made on purpose.
#
# Checks: busctl and gdbus get the right Rank pairs; dbus-send reads
# ListPaths and properties; nobody may read but not Reload
# (org.multi6d.Error.NotAuthorized) and may not own org.multi6d1; root may
# Reload without polkit; polkit decides for others; bad arguments get
# org.multi6d.Error.InvalidArgument naming the value; RankHost resolves
# without blocking Rank; multi6ctl's commands, JSON and exit codes; monitor
# follows the signals.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"

dbus_init
dbus_bus_start

DEST=org.multi6d1
OBJ=/org/multi6d1
IFACE=org.multi6d.Manager1
VERSION=$(sed -n 's/^project(multi6d VERSION \([0-9.]*\).*/\1/p' "$M6_SOURCE_DIR/CMakeLists.txt")

busctl_rank() { busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' "$@"; }
gdbus_call() { gdbus call --system --dest "$DEST" --object-path "$OBJ" --method "$@"; }
send() { dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$@"; }

# ---- the server, in namespaces of its own ----

start_server() { dbus_server_isolated 2; }

# ---- bus policy: only root owns org.multi6d1 ----

set +e
owner_err=$(as_nobody "$M6_DBUS_SERVER" 2>&1 </dev/null)
owner_status=$?
set -e
it_assert "nobody cannot own $DEST (exit $owner_status)" test "$owner_status" -eq 1
it_assert "the refusal is the bus policy's: $owner_err" grep -q AccessDenied <<<"$owner_err"
it_assert "$DEST has no owner after the refused attempt" eval '! dbus_name_owned '"$DEST"

start_server
it_assert "root owns $DEST" dbus_name_owned "$DEST"

# ---- introspection: the generated glue, Rank included, as the XML says ----

intro=$(busctl --system introspect "$DEST" "$OBJ" "$IFACE")
for member in '.Rank +method +asa\{sv\} +a\(sssstds\)' '.RankHost +method +sa\{sv\} +a\(sssstds\)' \
    '.ListPaths +method' '.Reload +method' '.PathStateChanged +signal +ssa\{sv\}' \
    '.PolicyChanged +signal +s' '.Version +property +s' '.State +property +s' \
    '.Counters +property +a\{sv\}' '.Applications +property +a\(sa\{sv\}\)'; do
    it_assert "introspection lists $member" grep -Eq "^\\$member" <<<"$intro"
done

# ---- Rank through busctl (JSON) ----

out=$(busctl_rank 1 2001:db8:ffff::1 0)
it_assert "busctl Rank, latency: isp-b (5 ms) first by source rule 8, isp-a next, isp-c (down) absent" \
    test "$(pairs_of_busctl "$out" | tr '\n' ';')" = \
    "2001:db8:b::100>2001:db8:ffff::1 source-8;2001:db8:a::100>2001:db8:ffff::1 none;"
first=$(jq -c '.data[0][0] | {path: .[2], state: .[3], rtt: .[4], loss: .[5]}' <<<"$out")
it_assert "busctl Rank: the first pair's fields ($first)" test "$first" = \
    '{"path":"eth1/2001:db8:b::/64/fe80::b","state":"up","rtt":5000,"loss":0.02}'

out=$(busctl_rank 1 2001:db8:ffff::1 1 preference s cost)
it_assert "busctl Rank, cost: isp-a (cost 10) first" \
    test "$(pairs_of_busctl "$out" | head -1)" = "2001:db8:a::100>2001:db8:ffff::1 source-8"

# ---- Rank through gdbus (GVariant text) ----

out=$(gdbus_call "$IFACE.Rank" "['2001:db8:ffff::1', '2001:db8:a::7', '198.51.100.7']" "{}")
it_assert "gdbus Rank: 2001:db8:a::7 first (destination rule 9: longer common prefix), each destination with both live paths, none for IPv4" \
    test "$(pairs_of_gdbus "$out" | tr '\n' ';')" = \
    "2001:db8:b::100>2001:db8:a::7 source-8;2001:db8:a::100>2001:db8:a::7 destination-9;2001:db8:b::100>2001:db8:ffff::1 source-8;2001:db8:a::100>2001:db8:ffff::1 none;"
out=$(gdbus_call "$IFACE.Rank" "['2001:db8:ffff::1']" "{'preference': <'stability'>}")
it_assert "gdbus Rank, stability: isp-a (0% loss) first" \
    test "$(pairs_of_gdbus "$out" | head -1)" = "2001:db8:a::100>2001:db8:ffff::1 source-8"

# ---- ListPaths and properties through dbus-send (no a{sv} arguments needed) ----

out=$(send "$IFACE.ListPaths")
for id in eth0/2001:db8:a::/64/fe80::a eth1/2001:db8:b::/64/fe80::b eth2/2001:db8:c::/64/fe80::c; do
    it_assert "dbus-send ListPaths lists $id" grep -q "string \"$id\"" <<<"$out"
done
out=$(send org.freedesktop.DBus.Properties.Get "string:$IFACE" string:Version)
it_assert "dbus-send reads Version ($VERSION)" grep -q "string \"$VERSION\"" <<<"$out"
out=$(send org.freedesktop.DBus.Properties.Get "string:$IFACE" string:State)
it_assert "dbus-send reads State (running)" grep -q 'string "running"' <<<"$out"

# ---- counters: the Counters property, ListPaths' per-path keys, the calls counted ----

out=$(busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" ListPaths)
it_assert "ListPaths: isp-a's probe counters (the server's fixed ones)" test \
    "$(jq -c '.data[0][0][1] | [.probes_sent.data, .probes_lost.data, .state_changes.data]' <<<"$out")" = '[102,7,2]'
out=$(busctl --system --json=short get-property "$DEST" "$OBJ" "$IFACE" Counters)
it_assert "busctl reads Counters" test \
    "$(jq -c '.data | [.policy_changes.data, .failovers.data, .repairs.data, .router_advertisements_received.data, .router_advertisements_rejected.data]' <<<"$out")" = '[3,1,2,10,1]'
# Two ListPaths so far (dbus-send's, busctl's); Rank's errors: the bad destinations below.
it_assert "Counters: the ListPaths calls so far" test "$(jq -c '.data.dbus_calls.data.ListPaths' <<<"$out")" = 2
out=$(gdbus_call org.freedesktop.DBus.Properties.Get "$IFACE" Counters)
it_assert "gdbus reads Counters: $out" grep -q "'failovers': <uint64 1>" <<<"$out"

# ---- arguments are checked, and errors name the value ----

expect_error() { # WHAT ERROR_REGEX COMMAND...
    local what=$1 regex=$2
    shift 2
    local err status
    set +e
    err=$("$@" 2>&1)
    status=$?
    set -e
    it_assert "$what: fails" test "$status" -ne 0
    it_assert "$what: $err" grep -Eq -- "$regex" <<<"$err"
}
expect_error "Rank with a bad address" \
    "org\.multi6d\.Error\.InvalidArgument: invalid destination address 'not-an-ip'" \
    gdbus_call "$IFACE.Rank" "['2001:db8::1', 'not-an-ip']" "{}"
expect_error "Rank with an unknown option" \
    "org\.multi6d\.Error\.InvalidArgument: unknown option 'colour'" \
    gdbus_call "$IFACE.Rank" "['2001:db8::1']" "{'colour': <'blue'>}"
expect_error "Rank with a bad preference" \
    "org\.multi6d\.Error\.InvalidArgument: invalid value 'fastest' for option 'preference'" \
    gdbus_call "$IFACE.Rank" "['2001:db8::1']" "{'preference': <'fastest'>}"
expect_error "Rank with no destination" "org\.multi6d\.Error\.InvalidArgument: no destination" \
    gdbus_call "$IFACE.Rank" "@as []" "{}"
expect_error "RankHost with a bad name" \
    "org\.multi6d\.Error\.InvalidArgument: invalid host name 'a b'" \
    gdbus_call "$IFACE.RankHost" "a b" "{}"

# ---- an unprivileged caller reads, but may not Reload ----

out=$(as_nobody busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' 1 2001:db8:ffff::1 0)
it_assert "nobody: busctl Rank works" \
    test "$(pairs_of_busctl "$out" | head -1)" = "2001:db8:b::100>2001:db8:ffff::1 source-8"
out=$(as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$IFACE.ListPaths")
it_assert "nobody: dbus-send ListPaths works" grep -q 'string "eth0/2001:db8:a::/64/fe80::a"' <<<"$out"
expect_error "nobody: Reload without polkit" \
    "Error org\.multi6d\.Error\.NotAuthorized: Reload needs root or polkit authorization for org\.multi6d\.reload: polkit is not available" \
    as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$IFACE.Reload"
expect_error "nobody: Properties.Set is not allowed by the bus policy" "AccessDenied" \
    as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" \
    org.freedesktop.DBus.Properties.Set "string:$IFACE" string:State variant:string:x

# ---- Reload: root without polkit; others as polkit says ----

dbus_spawn monitor "$M6_CTL" --json monitor
MONITOR_PID=$DBUS_LAST_PID
dbus_wait_line monitor '^\{"event":"state","state":"running"\}$'

out=$(send "$IFACE.Reload")
it_assert "root: Reload succeeds (polkit is not even running)" grep -q '^method return' <<<"$out"
dbus_wait_line monitor '^\{"event":"policy-changed","reason":"reload"\}$'

dbus_spawn polkit "$M6_FAKE_POLKIT" 65534
POLKIT_PID=$DBUS_LAST_PID
dbus_wait_line polkit '^READY$'
out=$(as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$IFACE.Reload")
it_assert "nobody: Reload succeeds when polkit authorizes" grep -q '^method return' <<<"$out"
it_assert "polkit was asked about nobody and org.multi6d.reload" \
    grep -q '^check 65534 org.multi6d.reload yes$' "$DBUS_DIR/polkit.log"
send "$IFACE.Reload" >/dev/null
it_assert "root's Reload never asks polkit" test "$(grep -c '^check ' "$DBUS_DIR/polkit.log")" -eq 1
dbus_stop "$POLKIT_PID"
it_poll 5000 eval '! dbus_name_owned org.freedesktop.PolicyKit1' || it_fail "fake polkit still owns its name"

dbus_spawn polkit2 "$M6_FAKE_POLKIT" 4242
dbus_wait_line polkit2 '^READY$'
expect_error "nobody: Reload when polkit says no" \
    "Error org\.multi6d\.Error\.NotAuthorized: .*polkit denies org\.multi6d\.reload" \
    as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$IFACE.Reload"

# ---- RankHost: resolution in the server's namespace, never blocking ----

rank_json=$(busctl_rank 1 2001:db8:ffff::1 0 | jq -S .)
host_json=$(busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" RankHost 'sa{sv}' 2001:db8:ffff::1 0 | jq -S .)
it_assert "RankHost of an address literal replies exactly as Rank of it" test "$rank_json" = "$host_json"
out=$(gdbus_call "$IFACE.RankHost" dual.m6.test "{}")
it_assert "RankHost dual.m6.test (hosts: two IPv6, one IPv4) ranks like Rank of its addresses" \
    test "$(pairs_of_gdbus "$out" | tr '\n' ';')" = \
    "2001:db8:b::100>2001:db8:a::7 source-8;2001:db8:a::100>2001:db8:a::7 destination-9;2001:db8:b::100>2001:db8:ffff::1 source-8;2001:db8:a::100>2001:db8:ffff::1 none;"

dbus_spawn slow gdbus call --system --dest "$DEST" --object-path "$OBJ" --method "$IFACE.RankHost" slow.m6.test "{}"
SLOW_PID=$DBUS_LAST_PID
dbus_wait_line server "RankHost from .*: resolving 'slow\.m6\.test'"
out=$(busctl_rank 1 2001:db8:ffff::1 0)
it_assert "Rank answers while a lookup is in progress" \
    test "$(pairs_of_busctl "$out" | head -1)" = "2001:db8:b::100>2001:db8:ffff::1 source-8"
it_assert "... and the lookup was still in progress then" it_pid_alive "$SLOW_PID"
it_poll 10000 eval '! it_pid_alive '"$SLOW_PID" || it_fail "RankHost slow.m6.test did not finish within 10 s"
it_assert "the unanswered lookup ends in org.multi6d.Error.ResolveFailed" \
    grep -q "org.multi6d.Error.ResolveFailed: cannot resolve 'slow.m6.test'" "$DBUS_DIR/slow.log"

# ---- multi6ctl ----

ctl_status() { # EXPECTED_STATUS COMMAND...: runs multi6ctl, checks its exit status, prints stdout
    local expected=$1 status
    shift
    set +e
    CTL_OUT=$("$M6_CTL" "$@" 2>"$DBUS_DIR/ctl.err")
    status=$?
    set -e
    it_assert "multi6ctl $* exits $expected (got $status: $(head -c 300 "$DBUS_DIR/ctl.err"))" \
        test "$status" -eq "$expected"
}
ctl_status 0 status
it_assert "status: version, state and path counts" test "$CTL_OUT" = \
    "$(printf 'Version: %s\nState:   running\nPaths:   3 (2 up, 0 unknown, 0 degraded, 1 down)' "$VERSION")"
ctl_status 0 --json status
it_assert "status --json" test "$(jq -c '[.state, .paths, .paths_by_state.down]' <<<"$CTL_OUT")" = '["running",3,1]'
ctl_status 0 paths
it_assert "paths: a header and three paths" test "$(wc -l <<<"$CTL_OUT")" -eq 4
it_assert "paths: isp-b's line" grep -Eq '^eth1/2001:db8:b::/64/fe80::b +isp-b +up +5\.0ms +2\.0% +100 +2001:db8:b::100 +-$' <<<"$CTL_OUT"
ctl_status 0 paths --json
it_assert "paths --json" test "$(jq -c '[.[].uplink]' <<<"$CTL_OUT")" = '["isp-a","isp-b","isp-c"]'
ctl_status 0 rank 2001:db8:ffff::1
it_assert "rank: best pair first" grep -Eq '^2001:db8:b::100 +2001:db8:ffff::1 +isp-b +fe80::b +up +5\.0ms +2\.0% +source-8$' <<<"$(sed -n 2p <<<"$CTL_OUT")"
ctl_status 0 --json rank -p cost 2001:db8:ffff::1
it_assert "rank --json -p cost" test "$(jq -c '[.[] | .source]' <<<"$CTL_OUT")" = '["2001:db8:a::100","2001:db8:b::100"]'
ctl_status 0 --json rank --host dual.m6.test
it_assert "rank --host" test "$(jq -c 'length' <<<"$CTL_OUT")" = 4
ctl_status 5 rank not-an-ip
it_assert "rank with a bad address: the daemon's message" grep -q "invalid destination address 'not-an-ip'" "$DBUS_DIR/ctl.err"
ctl_status 1 rank --host slow.m6.test
ctl_status 0 metrics
it_assert "metrics: the counters" grep -qx 'multi6d_failovers_total 1' <<<"$CTL_OUT"
it_assert "metrics: isp-b's RTT in seconds" grep -qx 'multi6d_path_rtt_seconds{path="eth1/2001:db8:b::/64/fe80::b",link="eth1",prefix="2001:db8:b::/64",router="fe80::b",uplink="isp-b"} 0.005' <<<"$CTL_OUT"
it_assert "metrics: Rank's error replies counted" grep -Eqx 'multi6d_dbus_errors_total\{method="Rank"\} [1-9][0-9]*' <<<"$CTL_OUT"
it_assert "metrics pass promtool check metrics" promtool check metrics <<<"$CTL_OUT"
families=$(grep -c '^# TYPE' <<<"$CTL_OUT")
ctl_status 0 metrics -o "$DBUS_DIR/multi6d.prom"
it_assert "metrics -o prints nothing" test -z "$CTL_OUT"
it_assert "metrics -o writes the same $families families" test "$(grep -c '^# TYPE' "$DBUS_DIR/multi6d.prom")" = "$families"
ctl_status 1 metrics -o "$DBUS_DIR/absent/multi6d.prom"
it_assert "metrics -o into a missing directory says so" grep -q "cannot write $DBUS_DIR/absent/multi6d.prom" "$DBUS_DIR/ctl.err"
ctl_status 2 --json metrics
ctl_status 2 paths -o "$DBUS_DIR/x"
ctl_status 2 rank
ctl_status 2 frobnicate
ctl_status 2 --json reload
ctl_status 0 reload
set +e
as_nobody "$M6_CTL" reload 2>/dev/null
nobody_status=$?
set -e
it_assert "multi6ctl reload as nobody (polkit says no) exits 4 (got $nobody_status)" test "$nobody_status" -eq 4

# ---- monitor follows the signals; Rank follows the paths ----

kill -USR1 "$SERVER_PID" # isp-b goes down
dbus_wait_line monitor '^\{"event":"path-state","path":"eth1/2001:db8:b::/64/fe80::b","state":"down","details":\{.*"uplink":"isp-b".*\}\}$'
dbus_wait_line monitor '^\{"event":"policy-changed","reason":"paths"\}$'
out=$(busctl_rank 1 2001:db8:ffff::1 0)
it_assert "with isp-b down, Rank offers isp-a only" \
    test "$(pairs_of_busctl "$out" | tr '\n' ';')" = "2001:db8:a::100>2001:db8:ffff::1 none;"
kill -USR1 "$SERVER_PID" # and comes back
dbus_wait_line monitor '"path":"eth1/2001:db8:b::/64/fe80::b","state":"up"'
out=$(busctl_rank 1 2001:db8:ffff::1 0)
it_assert "with isp-b back, Rank offers it first again" \
    test "$(pairs_of_busctl "$out" | head -1)" = "2001:db8:b::100>2001:db8:ffff::1 source-8"

dbus_spawn monitor_text "$M6_CTL" monitor
dbus_wait_line monitor_text '^state running$'

dbus_stop "$SERVER_PID"
it_poll 5000 eval '! it_pid_alive '"$SERVER_UNSHARE_PID" || it_fail "unshare did not exit with the server"
it_poll 5000 eval '! dbus_name_owned '"$DEST" || it_fail "$DEST still owned after the server stopped"
dbus_wait_line monitor '^\{"event":"daemon","running":false\}$'
dbus_wait_line monitor_text '^daemon stopped$'
ctl_status 3 status
it_assert "multi6ctl says the daemon is not running" grep -q "multi6d is not running" "$DBUS_DIR/ctl.err"

dbus_stop "$MONITOR_PID"

# ---- a configuration with errors: Reload refused, the reason passed on ----

dbus_spawn server_bad "$M6_DBUS_SERVER" --fail-reload
dbus_wait_line server_bad '^READY$'
expect_error "Reload of a bad configuration" \
    "Error org\.multi6d\.Error\.ReloadFailed: test\.toml:1:1: unknown key 'bogus'" \
    send "$IFACE.Reload"
ctl_status 1 reload
it_assert "multi6ctl reload passes the reason on" grep -q "unknown key 'bogus'" "$DBUS_DIR/ctl.err"

# ---- bash completion ----

complete_words() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _multi6ctl
             echo "${COMPREPLY[*]}"' _ "$M6_SOURCE_DIR/dbus/multi6ctl/multi6ctl.bash-completion" "$@"
}
it_assert "completion: commands" test "$(complete_words multi6ctl r)" = "rank reload"
it_assert "completion: metrics" test "$(complete_words multi6ctl m)" = "monitor metrics"
it_assert "completion: metrics options" test "$(complete_words multi6ctl metrics -)" = "--output -o"
it_assert "completion: preferences" test "$(complete_words multi6ctl rank -p '')" = "latency cost stability"
it_assert "completion: rank options" test "$(complete_words multi6ctl rank --)" = "--host --preference --application --json"
echo "PASS: dbus_api"
