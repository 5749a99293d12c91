# shellcheck shell=bash
# Helpers for the D-Bus tests: a private system-type dbus-daemon (never the
# machine's bus) with multi6d's own bus policy file, and the processes a test
# starts on it, all stopped by PID on every exit path.
#
#   source "$(dirname "$0")/dbus/dbus_lib.sh"
#   dbus_init                  # root check, tool paths
#   dbus_bus_start             # sets DBUS_DIR, exports DBUS_SYSTEM_BUS_ADDRESS
#                              # (= dbus_bus_prepare, then dbus_bus_launch)
#   dbus_bus_stop              # stops the bus (dbus_bus_launch starts a new one)
#   dbus_spawn NAME CMD...     # background process, log in $DBUS_DIR/NAME.log
#   dbus_wait_line NAME REGEX  # poll (10 s) for a line in NAME's log

# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

dbus_init() {
    [[ $EUID -eq 0 ]] || it_fail "the D-Bus tests must run as root (setpriv, unshare)"
    local here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    M6_SOURCE_DIR=${M6_SOURCE_DIR:-$(cd "$here/../../.." && pwd)}
    M6_BUILD_DIR=${M6_BUILD_DIR:-$M6_SOURCE_DIR/build}
    M6_DBUS_SERVER=${M6_DBUS_SERVER:-$M6_BUILD_DIR/tests/tools/m6-dbus-server}
    M6_FAKE_POLKIT=${M6_FAKE_POLKIT:-$M6_BUILD_DIR/tests/tools/m6-fake-polkit}
    M6_CTL=${M6_CTL:-$M6_BUILD_DIR/dbus/multi6ctl}
    M6_BUS_POLICY=$M6_SOURCE_DIR/dbus/org.multi6d1.conf
    local f
    for f in "$M6_DBUS_SERVER" "$M6_FAKE_POLKIT" "$M6_CTL"; do
        [[ -x $f ]] || it_fail "$f is missing or not executable (build first)"
    done
    for f in dbus-daemon busctl gdbus dbus-send setpriv jq unshare; do
        command -v "$f" >/dev/null || it_fail "$f is not installed"
    done
    DBUS_PIDS=()
}

# As nobody: uid/gid 65534, no supplementary groups.
as_nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$@"; }

_dbus_teardown() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${DBUS_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${DBUS_PIDS[@]}"; do
        it_poll 5000 eval '! it_pid_alive '"$pid" || kill -KILL "$pid" 2>/dev/null || true
    done
    if [[ -n ${DBUS_BUS_PID:-} ]]; then
        kill -TERM "$DBUS_BUS_PID" 2>/dev/null || true
    fi
    if [[ -n ${DBUS_DIR:-} ]]; then
        if ((status != 0)); then
            local log
            for log in "$DBUS_DIR"/*.log; do
                [[ -e $log ]] || continue
                echo "--- $log ---" >&2
                tail -n 40 "$log" >&2
            done
        fi
        rm -rf "$DBUS_DIR"
    fi
    exit "$status"
}

# For tests with a lab as well: on exit the lab goes first (with the
# processes it recorded, the daemon among them; its logs shown on failure),
# then what _dbus_teardown stops. Call after dbus_bus_prepare/start, with
# LAB set (lab_new).
dbus_trap_with_lab() {
    trap _dbus_lab_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
_dbus_lab_teardown() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    if [[ -n ${LAB:-} ]]; then
        if ((status != 0)); then
            echo "--- lab logs ($LAB) ---" >&2
            lab_logs "$LAB" >&2
        fi
        lab_down "$LAB" || echo "teardown of $LAB failed" >&2
    fi
    (exit "$status")
    _dbus_teardown
}

# The bus's directory, configuration and address (exported), without a bus.
dbus_bus_prepare() {
    DBUS_DIR=$(mktemp -d /tmp/m6-dbus-test.XXXXXX) || it_fail "mktemp"
    trap _dbus_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    chmod 755 "$DBUS_DIR" # nobody must reach the bus socket
    sed -e "s|@DIR@|$DBUS_DIR|g" -e "s|@POLICY@|$M6_BUS_POLICY|g" \
        "$M6_SOURCE_DIR/tests/integration/dbus/bus.conf.in" >"$DBUS_DIR/bus.conf"
    export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$DBUS_DIR/bus"
}

# A dbus-daemon on the prepared address; sets DBUS_BUS_PID.
dbus_bus_launch() {
    local out
    out=$(dbus-daemon --config-file="$DBUS_DIR/bus.conf" --fork --print-pid=1) ||
        it_fail "dbus-daemon did not start"
    DBUS_BUS_PID=$out
    it_log "private bus $DBUS_SYSTEM_BUS_ADDRESS (pid $DBUS_BUS_PID)"
}

dbus_bus_start() {
    dbus_bus_prepare
    dbus_bus_launch
}

# Stops the bus and waits until it is gone.
dbus_bus_stop() {
    kill -TERM "$DBUS_BUS_PID"
    it_poll 5000 eval '! it_pid_alive '"$DBUS_BUS_PID" || it_fail "dbus-daemon $DBUS_BUS_PID did not exit"
    DBUS_BUS_PID=""
}

# dbus_spawn NAME CMD...: sets DBUS_LAST_PID.
dbus_spawn() {
    local name=$1
    shift
    "$@" >"$DBUS_DIR/$name.log" 2>&1 &
    DBUS_LAST_PID=$!
    DBUS_PIDS+=("$DBUS_LAST_PID")
}

# dbus_stop PID: TERM, then wait (5 s) for it to exit.
dbus_stop() {
    kill -TERM "$1" 2>/dev/null || true
    it_poll 5000 eval '! it_pid_alive '"$1" || it_fail "process $1 did not exit on SIGTERM"
}

dbus_wait_line() {
    local name=$1 regex=$2
    it_poll 10000 grep -Eq -- "$regex" "$DBUS_DIR/$name.log" ||
        it_fail "no line matching '$regex' in $name.log within 10 s"
}

# dbus_name_owned NAME: the bus name has an owner.
dbus_name_owned() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q 'boolean true'
}

# dbus_server_isolated RESOLVER_TIMEOUT_S [SERVER ARGS...]: m6-dbus-server
# (the real adaptor over a fake backend) in a mount and network namespace of
# its own, with its own /etc/hosts and a name server that never answers, so
# RankHost's lookups are deterministic and a hung lookup can be made on
# purpose; nothing leaves the namespace. Sets SERVER_PID (the server) and
# SERVER_UNSHARE_PID; its log is $DBUS_DIR/server.log.
dbus_server_isolated() {
    local timeout=$1
    shift
    cat >"$DBUS_DIR/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost
2001:db8:ffff::1 dual.m6.test
2001:db8:a::7 dual.m6.test
198.51.100.7 dual.m6.test
EOF
    cat >"$DBUS_DIR/resolv.conf" <<EOF
# An address of the server's own network namespace whose port 53 drops
# every packet silently (nftables, input): no answer and no ICMP error, so
# a name not in hosts waits for the whole timeout and then fails.
nameserver 2001:db8:dead::53
options timeout:$timeout attempts:1
EOF
    printf 'hosts: files dns\n' >"$DBUS_DIR/nsswitch.conf"
    # shellcheck disable=SC2016 # expanded by the inner bash
    dbus_spawn server unshare --mount --net --fork --kill-child=TERM bash -c '
        set -e
        mount --bind "$1/hosts" /etc/hosts
        mount --bind "$1/resolv.conf" /etc/resolv.conf
        mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf
        ip link set lo up
        ip link add m6dead type bridge
        ip link set m6dead up
        ip -6 addr add 2001:db8:dead::1/64 dev m6dead nodad
        ip -6 addr add 2001:db8:dead::53/64 dev m6dead nodad
        nft -f - <<NFT
table inet m6dns {
    chain input {
        type filter hook input priority 0;
        udp dport 53 drop
        tcp dport 53 drop
    }
}
NFT
        echo "server pid $$"
        shift
        exec "$@"' _ "$DBUS_DIR" "$M6_DBUS_SERVER" --debug "$@"
    SERVER_UNSHARE_PID=$DBUS_LAST_PID
    dbus_wait_line server '^READY$'
    SERVER_PID=$(sed -n 's/^server pid \([0-9]*\)$/\1/p' "$DBUS_DIR/server.log")
    [[ -n $SERVER_PID ]] || it_fail "no server pid"
    # unshare --fork ignores SIGTERM while it waits: stop the server itself.
    DBUS_PIDS+=("$SERVER_PID")
}

# pairs_of_busctl JSON: "source>destination rule" per pair.
pairs_of_busctl() {
    jq -r '.data[0][] | "\(.[0])>\(.[1]) \(.[6])"' <<<"$1"
}

# pairs_of_gdbus OUTPUT: "source>destination rule" per pair, from GVariant
# text of a(sssstds) ("('SRC', 'DST', 'PATH', 'STATE', [uint64 ]RTT, LOSS, 'RULE')").
pairs_of_gdbus() {
    grep -oE "\('[^']*', '[^']*', '[^']*', '[^']*', [^,]*, [^,]*, '[^']*'\)" <<<"$1" |
        sed -E "s/^\('([^']*)', '([^']*)', .*, '([^']*)'\)$/\1>\2 \3/"
}
