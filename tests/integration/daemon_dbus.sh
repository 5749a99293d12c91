#!/bin/bash
# The D-Bus interface of the real daemon in the lab, on a private system-type
# dbus-daemon with multi6d's own bus policy (tests/integration/dbus/).
# Routers a and b; b also advertises a Route Information Option for the
# second server subnet 2001:db8:fe::/64 (RFC 4191).
#  1. Rank through busctl and gdbus for 2001:db8:ff::1 (generic) and
#     2001:db8:fe::1 (RIO): for each destination the first pair's source is
#     the one the kernel gives an unbound connection (m6-connect's src=, the
#     SYNs leave through that source's router), the other source follows,
#     and every pair's details (path, router, state, uplink) are those
#     ListPaths reports for the path that holds the source. dbus-send reads
#     ListPaths and the State and Version properties.
#  2. nobody (uid 65534) may Rank and ListPaths but not Reload
#     (org.multi6d.Error.NotAuthorized, without polkit and with a polkit
#     that says no). root's Reload applies a new configuration (renamed
#     uplinks show up in Rank); a Reload of a configuration with an error is
#     refused with org.multi6d.Error.ReloadFailed naming FILE:LINE, and the
#     running policy stays (rules, routes and labels unchanged, Rank
#     answers as before).
#  3. `lab cut a`: busctl monitor (its own realtime timestamps) and gdbus
#     monitor (timestamped as read) see PathStateChanged(path a, "down")
#     within 100 ms of the daemon's log line for it (timestamped as read
#     from its stderr, same clock). Then Rank's best pair is B's source,
#     which is what the kernel uses.
#  4. Router B sends lifetime 0 but keeps its RIO: Rank gives the generic
#     destination no pair (A is down, B no default router) and still gives
#     the RIO destination B's source, as the kernel does.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=dbus/dbus_lib.sh
source "$(dirname "$0")/dbus/dbus_lib.sh"

dbus_init
it_init
it_need_daemon

DEST=org.multi6d1
OBJ=/org/multi6d1
IFACE=org.multi6d.Manager1
VERSION=$(sed -n 's/^project(multi6d VERSION \([0-9.]*\).*/\1/p' "$M6_SOURCE_DIR/CMakeLists.txt")
GENERIC=2001:db8:ff::1
RIO_NET=2001:db8:fe::/64
RIO_SERVER=2001:db8:fe::1
PORT=8080
N=10
MAX_DELAY_US=100000

# The private bus and the lab, both torn down on every exit path.
dbus_bus_start
LAB=$(lab_new) || it_fail "cannot reserve a lab"
dbus_trap_with_lab
lab_up --id "$LAB" -n 2 --wait "b.rio=$RIO_NET@medium" >/dev/null || it_fail "lab up"
it_log "lab $LAB up: routers a, b; b.rio=$RIO_NET"
RUN_DIR="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB"
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

# Prefixes each line read from stdin with the time it was read (µs since
# the epoch, the clock busctl's timestamp-realtime uses).
# shellcheck disable=SC2016 # expanded by the inner bash
STAMP='LC_ALL=C; while IFS= read -r l; do printf "%s %s\n" "${EPOCHREALTIME/./}" "$l"; done'

# ---- the daemon, on the private bus (it inherits DBUS_SYSTEM_BUS_ADDRESS) ----

CONF=$RUN_DIR/multi6d.toml
# write_config FILE NAME_A NAME_B [EXTRA_LINE]
write_config() {
    cat >"$1" <<EOF
[[uplink]]
name = "$2"
match_prefixes = ["2001:db8:a::/64"]

[[uplink]]
name = "$3"
match_prefixes = ["2001:db8:b::/64"]
${4:-}
EOF
}
write_config "$CONF" isp-a isp-b
M6D_LOG=$RUN_DIR/multi6d.log
# exec: the recorded PID is the daemon's; its stderr goes through $STAMP.
# shellcheck disable=SC2016 # expanded by the inner bash
M6D_PID=$(lab_spawn "$LAB" host multi6d bash -c 'stamp=$1; shift; exec "$@" 2> >(bash -c "$stamp")' _ \
    "$STAMP" "$M6_DAEMON" --runtime-dir "$RUN_DIR/multi6d-state" --log-level debug --config "$CONF")
it_log "multi6d started (pid $M6D_PID, log $M6D_LOG)"
it_poll 10000 dbus_name_owned "$DEST" || it_fail "multi6d did not take $DEST within 10 s"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64

# The monitors run from here to the end. busctl stamps each message itself
# (timestamp-realtime, when it received it); gdbus's lines go through $STAMP.
dbus_spawn busctl_monitor busctl --system --json=short monitor "$DEST"
BUSCTL_MONITOR_PID=$DBUS_LAST_PID
# shellcheck disable=SC2016 # expanded by the inner bash
dbus_spawn gdbus_monitor bash -c 'stamp=$1; shift; exec "$@" > >(bash -c "$stamp")' _ \
    "$STAMP" gdbus monitor --system --dest "$DEST"
GDBUS_MONITOR_PID=$DBUS_LAST_PID
dbus_wait_line busctl_monitor '^Monitoring bus message stream'
dbus_wait_line gdbus_monitor "The name $DEST is owned by"

busctl_rank() { busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' "$@"; }
gdbus_rank() { gdbus call --system --dest "$DEST" --object-path "$OBJ" --method "$IFACE.Rank" "$@"; }
send() { dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$@"; }
indent() { sed 's/^/    /'; }
# log_since LINE: the daemon's log after its first LINE lines.
log_since() { tail -n "+$(($1 + 1))" "$M6D_LOG"; }

# rank_busctl JSON / rank_gdbus TEXT: one line per pair, in reply order:
# "SOURCE DESTINATION PATH ROUTER STATE UPLINK RULE". A pair (a(sssstds))
# names its path; ROUTER and UPLINK are that path's in ListPaths ("?" if
# ListPaths does not list it, which check_details fails on).
with_path_names() { # LINES of "SOURCE DESTINATION PATH STATE RULE"
    awk 'NR == FNR { router[$1] = $2; uplink[$1] = $4; next }
        NF == 0 { next }
        { r = ($3 in router) ? router[$3] : "?"; u = ($3 in uplink) ? uplink[$3] : "?"
          print $1, $2, $3, r, $4, u, $5 }' <(list_paths) - <<<"$1"
}
rank_busctl() {
    with_path_names "$(jq -r '.data[0][] | [.[0], .[1], .[2], .[3], .[6]] | join(" ")' <<<"$1")"
}
rank_gdbus() {
    with_path_names "$(grep -oE "\('[^']*', '[^']*', '[^']*', '[^']*', [^,]*, [^,]*, '[^']*'\)" <<<"$1" |
        sed -E "s/^\('([^']*)', '([^']*)', '([^']*)', '([^']*)', .*, '([^']*)'\)$/\\1 \\2 \\3 \\4 \\5/")"
}
# by_destination PAIRS: "DESTINATION SOURCE PATH ROUTER STATE UPLINK" per
# pair, grouped by destination (each destination's sources in reply order).
# The order of the destinations themselves follows the measured RTTs
# (RFC 6724 §6 Rule 9 replaced by path performance), so it is not compared.
by_destination() { awk '{print $2, $1, $3, $4, $5, $6}' <<<"$1" | sort -s -k1,1; }
# first_rules PAIRS: "DESTINATION RULE" of each destination's first pair.
first_rules() { awk '!seen[$2]++ {print $2, $7}' <<<"$1" | sort; }

# list_paths [as_nobody]: "PATH ROUTER STATE UPLINK ADDRESSES" per path,
# from busctl's ListPaths.
list_paths() {
    "$@" busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" ListPaths |
        jq -r '.data[0][] | [.[0], .[1].router.data, .[1].state.data, .[1].uplink.data,
            (.[1].addresses.data | join(","))] | join(" ")'
}
path_state() { list_paths | awk -v p="$1" '$1 == p {print $3}'; }
path_is() { [[ $(path_state "$1") == "$2" ]]; }

# kernel_source DST R_EXPECTED: N unbound connections to DST; prints the one
# source they all used. All must succeed, and their SYNs must leave through
# the router of that source's prefix only (so it is the path, not just an
# address, that the kernel uses).
kernel_source() {
    local dst=$1 a0 b0 out ok src r da db
    a0=$(lab_counter "$LAB" a syn)
    b0=$(lab_counter "$LAB" b syn)
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n "$N" -t 1000 "$dst" "$PORT" || true)
    ok=$(it_connect_ok "$out")
    src=$(grep -o 'src=[^ ]*' <<<"$out" | sort -u | sed 's/^src=//' | paste -sd, -)
    da=$(($(lab_counter "$LAB" a syn) - a0))
    db=$(($(lab_counter "$LAB" b syn) - b0))
    echo "  kernel to $dst: ok=$ok src=$src SYNs via A=$da via B=$db" >&2
    [[ $ok == "$N" ]] || it_fail "$N of $N connections to $dst must succeed (ok=$ok)"
    [[ $src =~ ^2001:db8:([ab])::10$ ]] || it_fail "connections to $dst used one lab source each time (got '$src')"
    r=${BASH_REMATCH[1]}
    if [[ $r == a ]]; then
        ((da >= N && db == 0)) || it_fail "SYNs to $dst with A's source left via A only (A=$da B=$db)"
    else
        ((db >= N && da == 0)) || it_fail "SYNs to $dst with B's source left via B only (A=$da B=$db)"
    fi
    echo "$src"
}

# expected_pairs NAME_A NAME_B STATE_A STATE_B DST=KERNEL_SOURCE...: the
# by_destination lines the lab's state implies: for each destination the
# kernel's source first, then the other router's source unless its path is
# down; each with its path (lab layout: eth0, 2001:db8:x::/64 from fe80::x).
expected_pairs() {
    local name_a=$1 name_b=$2 state_a=$3 state_b=$4 item dst first other x name state
    shift 4
    for item in "$@"; do
        dst=${item%%=*}
        [[ ${item#*=} =~ ^2001:db8:([ab])::10$ ]] || it_fail "expected_pairs: bad source in '$item'"
        first=${BASH_REMATCH[1]}
        other=a
        [[ $first == a ]] && other=b
        for x in "$first" "$other"; do
            name=$name_a state=$state_a
            [[ $x == b ]] && name=$name_b state=$state_b
            [[ $state == down ]] && continue
            echo "$dst 2001:db8:$x::10 eth0/2001:db8:$x::/64/fe80::$x fe80::$x $state $name"
        done
    done | sort -s -k1,1
}

# check_details PAIRS WHO: every pair's details are ListPaths' for its path,
# and the pair's source is one of that path's addresses.
check_details() {
    local pairs=$1 who=$2 paths src dst path router state uplink lp
    paths=$(list_paths)
    while read -r src dst path router state uplink _; do
        lp=$(awk -v p="$path" '$1 == p' <<<"$paths")
        [[ -n $lp ]] || it_fail "$who: pair $src>$dst names path $path, which ListPaths does not list"
        it_assert "$who: $src>$dst: details ($path $router $state $uplink) are ListPaths' ($lp)" \
            test "$path $router $state $uplink" = "$(awk '{print $1, $2, $3, $4}' <<<"$lp")"
        it_assert "$who: $src is one of $path's addresses" grep -Eq "(^| |,)$src(,|$)" <<<"$lp"
    done <<<"$pairs"
}

A_PATH=eth0/2001:db8:a::/64/fe80::a
B_PATH=eth0/2001:db8:b::/64/fe80::b

# The paths start Unknown; wait until the prober has seen both work, so the
# cut below is a real up -> down transition.
it_assert "ListPaths reports both paths up within 15 s" \
    it_poll 15000 eval "path_is $A_PATH up && path_is $B_PATH up"

# ---- 1. Rank, ListPaths, properties; against the kernel's choice ----

it_log "1. Rank through busctl and gdbus, against the kernel"
k_generic=$(kernel_source "$GENERIC")
k_rio=$(kernel_source "$RIO_SERVER")
expected=$(expected_pairs isp-a isp-b up up "$GENERIC=$k_generic" "$RIO_SERVER=$k_rio")
echo "  expected (destination, sources in order):"
indent <<<"$expected"

check_rank() { # WHO PAIRS EXPECTED
    local who=$1 pairs=$2 want=$3
    echo "  $who Rank:"
    indent <<<"$pairs"
    it_assert "$who Rank: each destination's sources, in order, with details, as the lab implies" \
        test "$(by_destination "$pairs")" = "$want"
    it_assert "$who Rank: each destination's best source wins on its policy-table label (source-6)" \
        test "$(first_rules "$pairs" | awk '{print $2}' | sort -u)" = "source-6"
    check_details "$pairs" "$who"
}
b_pairs=$(rank_busctl "$(busctl_rank 2 "$GENERIC" "$RIO_SERVER" 0)")
check_rank busctl "$b_pairs" "$expected"
it_assert "busctl Rank: the best pair for $GENERIC has the kernel's source $k_generic" \
    test "$(awk -v d="$GENERIC" '$2 == d {print $1; exit}' <<<"$b_pairs")" = "$k_generic"
it_assert "busctl Rank: the best pair for $RIO_SERVER has the kernel's source $k_rio" \
    test "$(awk -v d="$RIO_SERVER" '$2 == d {print $1; exit}' <<<"$b_pairs")" = "$k_rio"
it_assert "the RIO destination goes another way than the generic one (B's source, $k_rio)" \
    test "$k_rio" != "$k_generic"
g_pairs=$(rank_gdbus "$(gdbus_rank "['$GENERIC', '$RIO_SERVER']" "{}")")
check_rank gdbus "$g_pairs" "$expected"

out=$(send "$IFACE.ListPaths")
for p in "$A_PATH" "$B_PATH"; do
    it_assert "dbus-send ListPaths lists $p" grep -q "string \"$p\"" <<<"$out"
done
it_assert "dbus-send ListPaths: two paths, both up" test "$(grep -c 'string "up"' <<<"$out")" -eq 2
out=$(send org.freedesktop.DBus.Properties.Get "string:$IFACE" string:State)
it_assert "dbus-send reads State (running)" grep -q 'variant *string "running"' <<<"$out"
out=$(send org.freedesktop.DBus.Properties.Get "string:$IFACE" string:Version)
it_assert "dbus-send reads Version ($VERSION)" grep -q "variant *string \"$VERSION\"" <<<"$out"

# ---- 2. who may do what; Reload ----

it_log "2. an unprivileged caller; Reload"
expect_error() { # WHAT ERROR_REGEX COMMAND...
    local what=$1 regex=$2 err status
    shift 2
    set +e
    err=$("$@" 2>&1)
    status=$?
    set -e
    it_assert "$what: fails" test "$status" -ne 0
    it_assert "$what: $err" grep -Eq -- "$regex" <<<"$err"
}
n_pairs=$(rank_busctl "$(as_nobody busctl --system --json=short call "$DEST" "$OBJ" "$IFACE" Rank 'asa{sv}' \
    2 "$GENERIC" "$RIO_SERVER" 0)")
it_assert "nobody: busctl Rank answers as for root" \
    test "$(by_destination "$n_pairs")" = "$expected"
it_assert "nobody: busctl ListPaths answers as for root" test "$(list_paths as_nobody)" = "$(list_paths)"
out=$(as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$IFACE.ListPaths")
it_assert "nobody: dbus-send ListPaths works" grep -q "string \"$A_PATH\"" <<<"$out"
expect_error "nobody: Reload without polkit on the bus" \
    "org\.multi6d\.Error\.NotAuthorized: .*polkit is not available" \
    as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$IFACE.Reload"
dbus_spawn polkit "$M6_FAKE_POLKIT" 4242
POLKIT_PID=$DBUS_LAST_PID
dbus_wait_line polkit '^READY$'
expect_error "nobody: Reload when polkit says no" \
    "org\.multi6d\.Error\.NotAuthorized: .*polkit denies org\.multi6d\.reload" \
    as_nobody dbus-send --system --print-reply --dest="$DEST" "$OBJ" "$IFACE.Reload"
it_assert "polkit was asked about nobody" grep -q '^check 65534 org.multi6d.reload no$' "$DBUS_DIR/polkit.log"
dbus_stop "$POLKIT_PID"
no_reload_logged() { ! grep -q 'reload:' "$M6D_LOG"; }
it_assert "the refused Reloads did not reach the daemon's reload (nothing logged)" no_reload_logged

# root: a new configuration (the uplinks renamed) takes effect.
write_config "$CONF" uplink-a uplink-b
out=$(send "$IFACE.Reload")
it_assert "root: Reload succeeds" grep -q '^method return' <<<"$out"
# The log reaches $M6D_LOG through the timestamper, after the reply: poll.
reload_logged() { grep -q 'reload: configuration reloaded' "$M6D_LOG"; }
it_assert "the daemon logs the reload" it_poll 2000 reload_logged
dbus_wait_line busctl_monitor '"member":"PolicyChanged","payload":\{"type":"s","data":\["reload"\]\}'
dbus_wait_line gdbus_monitor "PolicyChanged \('reload',\)"
renamed=$(expected_pairs uplink-a uplink-b up up "$GENERIC=$k_generic" "$RIO_SERVER=$k_rio")
rank_now() { by_destination "$(rank_busctl "$(busctl_rank 2 "$GENERIC" "$RIO_SERVER" 0)")"; }
rank_is_renamed() { [[ $(rank_now) == "$renamed" ]]; }
it_assert "after the reload Rank names the new uplinks (within 2 s)" it_poll 2000 rank_is_renamed

# a configuration with an error: refused, the running policy kept.
kernel_state() {
    lab_exec "$LAB" host ip -6 rule show
    lab_exec "$LAB" host ip -6 addrlabel list
    # (without the countdown of RA-learnt routes' lifetimes)
    lab_exec "$LAB" host ip -6 route show table all | sed -E 's/ expires [0-9]+sec//'
}
before=$(kernel_state)
write_config "$CONF" isp-a isp-b 'colour = "blue"'
bad_line=$(grep -n '^colour = ' "$CONF" | cut -d: -f1)
logged=$(wc -l <"$M6D_LOG")
b_mark=$(wc -l <"$DBUS_DIR/busctl_monitor.log")
expect_error "root: Reload of a configuration with an error" \
    "org\.multi6d\.Error\.ReloadFailed: ${CONF//./\\.}:$bad_line:[0-9]+: .*colour.*unknown key" \
    send "$IFACE.Reload"
kept_logged() { log_since "$logged" | grep -q 'keeping the running configuration'; }
applied_logged() { log_since "$logged" | grep -q 'configuration reloaded'; }
policy_signalled() { tail -n "+$((b_mark + 1))" "$DBUS_DIR/busctl_monitor.log" | grep -q '"member":"PolicyChanged"'; }
it_assert "the daemon logs that it keeps the running configuration" it_poll 2000 kept_logged
it_assert "... and that it did not reload" eval '! applied_logged'
it_assert "no PolicyChanged since the refused Reload" eval '! policy_signalled'
it_assert "rules, labels and routes are unchanged" test "$(kernel_state)" = "$before"
it_assert "Rank still answers, with the running configuration's uplinks" test "$(rank_now)" = "$renamed"
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"
write_config "$CONF" uplink-a uplink-b # valid again, as the daemon runs it

# ---- 3. failover: the signal follows the daemon's own log line ----

it_log "3. lab cut a"
A_LOG="path uplink-a ($A_PATH): down"
logged=$(wc -l <"$M6D_LOG")
b_mark=$(wc -l <"$DBUS_DIR/busctl_monitor.log")
g_mark=$(wc -l <"$DBUS_DIR/gdbus_monitor.log")
t_cut=$(LC_ALL=C; echo "${EPOCHREALTIME/./}")
lab_cut "$LAB" a
a_down_logged() { log_since "$logged" | grep -qF -- "$A_LOG"; }
it_assert "multi6d logs path a down within 10 s of the cut" it_poll 10000 a_down_logged
busctl_down() {
    tail -n "+$((b_mark + 1))" "$DBUS_DIR/busctl_monitor.log" | grep '^{' |
        jq -r --arg p "$A_PATH" 'select(.member == "PathStateChanged" and .payload.data[0] == $p
            and .payload.data[1] == "down") | ."timestamp-realtime"' | head -n1
}
gdbus_down() {
    tail -n "+$((g_mark + 1))" "$DBUS_DIR/gdbus_monitor.log" |
        grep -F "PathStateChanged ('$A_PATH', 'down'," | head -n1 | cut -d' ' -f1
}
busctl_saw() { [[ -n $(busctl_down) ]]; }
gdbus_saw() { [[ -n $(gdbus_down) ]]; }
it_assert "busctl monitor sees PathStateChanged($A_PATH, down)" it_poll 2000 busctl_saw
it_assert "gdbus monitor sees PathStateChanged($A_PATH, down)" it_poll 2000 gdbus_saw
log_line=$(log_since "$logged" | grep -F -- "$A_LOG" | head -n1)
t_log=${log_line%% *}
t_busctl=$(busctl_down)
t_gdbus=$(gdbus_down)
for t in "$t_log" "$t_busctl" "$t_gdbus"; do
    [[ $t =~ ^[0-9]{16}$ ]] || it_fail "not a µs timestamp: '$t'"
done
d_busctl=$((t_busctl - t_log))
d_gdbus=$((t_gdbus - t_log))
us_ms() { # µs as signed milliseconds with three decimals
    local sign=
    (($1 < 0)) && sign=-
    printf '%s%d.%03d' "$sign" $((${1#-} / 1000)) $((${1#-} % 1000))
}
echo "  log line (read at +$(us_ms $((t_log - t_cut))) ms after the cut): ${log_line#* }"
echo "  PathStateChanged after the log line: busctl monitor $(us_ms "$d_busctl") ms," \
    "gdbus monitor $(us_ms "$d_gdbus") ms"
it_assert "busctl monitor: the signal within 100 ms of the log line ($d_busctl µs)" \
    test "${d_busctl#-}" -le "$MAX_DELAY_US"
it_assert "gdbus monitor: the signal within 100 ms of the log line ($d_gdbus µs)" \
    test "${d_gdbus#-}" -le "$MAX_DELAY_US"

it_log "after the failover"
it_assert "ListPaths reports path a down" path_is "$A_PATH" down
k_generic=$(kernel_source "$GENERIC")
k_rio=$(kernel_source "$RIO_SERVER")
it_assert "the kernel now uses B's source for $GENERIC" test "$k_generic" = 2001:db8:b::10
expected=$(expected_pairs uplink-a uplink-b down up "$GENERIC=$k_generic" "$RIO_SERVER=$k_rio")
b_pairs=$(rank_busctl "$(busctl_rank 2 "$GENERIC" "$RIO_SERVER" 0)")
echo "  busctl Rank:"
indent <<<"$b_pairs"
it_assert "busctl Rank: only B's source, for both destinations, as the kernel does" \
    test "$(by_destination "$b_pairs")" = "$expected"
it_assert "busctl Rank: the best pair for $GENERIC is now B's source" \
    test "$(awk -v d="$GENERIC" '$2 == d {print $1; exit}' <<<"$b_pairs")" = "$k_generic"
check_details "$b_pairs" "busctl (after the cut)"
g_pairs=$(rank_gdbus "$(gdbus_rank "['$GENERIC']" "{}")")
it_assert "gdbus Rank: $GENERIC's best (and only) pair is B's source" \
    test "$(awk '{print $1}' <<<"$g_pairs")" = "$k_generic"
out=$(send org.freedesktop.DBus.Properties.Get "string:$IFACE" string:State)
it_assert "State stays running (path b is up)" grep -q 'variant *string "running"' <<<"$out"
it_log "router B: lifetime 0 (no longer a default router), its RIO kept"
lab_set "$LAB" b lifetime=0
# rank_lines DST...: Rank's pairs for DST... (one line each, see rank_busctl).
rank_lines() { rank_busctl "$(busctl_rank "$#" "$@" 0)"; }
no_generic_pair() { [[ -z $(rank_lines "$GENERIC") ]]; }
it_assert "within 2 s Rank gives $GENERIC no pair (A is down, B has no default route)" \
    it_poll 2000 no_generic_pair
rio_pairs=$(rank_lines "$RIO_SERVER")
echo "  busctl Rank $RIO_SERVER:"
indent <<<"$rio_pairs"
it_assert "Rank: $RIO_SERVER still gets B's source through B's path (its specific route)" \
    test "$(awk '{print $1, $3}' <<<"$rio_pairs")" = "2001:db8:b::10 $B_PATH"
it_assert "the kernel agrees: B's source reaches $RIO_SERVER" \
    test "$(kernel_source "$RIO_SERVER")" = 2001:db8:b::10
it_assert "busctl monitor is still running" it_pid_alive "$BUSCTL_MONITOR_PID"
it_assert "gdbus monitor is still running" it_pid_alive "$GDBUS_MONITOR_PID"
echo "PASS: daemon_dbus"
