# shellcheck shell=bash
# Helpers for integration tests (bash, root, one lab per test).
#
#   source "$(dirname "$0")/lib.sh"
#   it_init                      # root check, tool paths, lab library
#   it_lab_up -n 2 --wait        # sets $LAB; torn down on every exit path
#   it_assert "what must hold" test "$x" -gt 0
#
# Run by ctest, the paths come from the environment (see CMakeLists.txt);
# run by hand, they default to the source tree and ./build.

it_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

it_log() { echo "# $*"; }

# it_assert DESCRIPTION COMMAND...: COMMAND must succeed.
it_assert() {
    local what=$1
    shift
    if "$@"; then
        echo "ok: $what"
    else
        it_fail "$what (check: $*)"
    fi
}

it_init() {
    # Integration tests need root for namespaces: without it they fail,
    # never skip, so a CI that lost root cannot go green by accident.
    [[ $EUID -eq 0 ]] || it_fail "integration tests must run as root (namespaces, nftables, radvd)"
    local here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    M6_SOURCE_DIR=${M6_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
    M6_BUILD_DIR=${M6_BUILD_DIR:-$M6_SOURCE_DIR/build}
    M6_SERVE=${M6_SERVE:-$M6_BUILD_DIR/tests/tools/m6-serve}
    M6_CONNECT=${M6_CONNECT:-$M6_BUILD_DIR/tests/tools/m6-connect}
    M6_LAB=${M6_LAB:-$M6_SOURCE_DIR/tests/lab/lab}
    M6_LAB_SH=${M6_LAB_SH:-$M6_SOURCE_DIR/tests/lab/lab.sh}
    local f
    for f in "$M6_SERVE" "$M6_CONNECT" "$M6_LAB"; do
        [[ -x $f ]] || it_fail "$f is missing or not executable (build first)"
    done
    # shellcheck source-path=SCRIPTDIR source=../lab/lab.sh
    source "$M6_LAB_SH"
}

_it_teardown() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n ${LAB:-} ]]; then
        if ((status != 0)); then
            echo "--- lab logs ($LAB) ---" >&2
            lab_logs "$LAB" >&2 || true
        fi
        lab_down "$LAB" || echo "teardown of $LAB failed" >&2
    fi
    exit "$status"
}

# it_lab_up [lab up arguments]: reserve an id first so the trap knows it even
# if `up` is interrupted half way.
it_lab_up() {
    LAB=$(lab_new) || it_fail "cannot reserve a lab"
    trap _it_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    lab_up --id "$LAB" "$@" >/dev/null || it_fail "lab up $*"
    it_log "lab $LAB up: $*"
}

# ---- the daemon under test ----

# it_need_daemon: M6_DAEMON must be built (ctest passes it; by hand it
# defaults to the build tree).
it_need_daemon() {
    M6_DAEMON=${M6_DAEMON:-$M6_BUILD_DIR/service/multi6d}
    [[ -x $M6_DAEMON ]] || it_fail "$M6_DAEMON is missing (build first)"
}

# it_pid_alive PID: the process exists and is not a zombie (this sandbox's
# PID 1 may take a while to reap, and kill -0 succeeds on zombies).
it_pid_alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

# it_poll TIMEOUT_MS COMMAND...: run COMMAND every 20 ms until it succeeds;
# fails after TIMEOUT_MS. Prints nothing.
it_poll() {
    local deadline=$(($(date +%s%N) / 1000000 + $1))
    shift
    until "$@"; do
        (($(date +%s%N) / 1000000 < deadline)) || return 1
        sleep 0.02
    done
}

# it_daemon_start NAME [ARGS...]: run multi6d in the host namespace with a
# runtime directory inside the lab's run directory; sets M6D_PID and
# M6D_LOG. Stopped by the lab teardown if the test does not stop it.
it_daemon_start() {
    local name=$1
    shift
    M6D_RUNTIME="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/multi6d-state"
    M6D_LOG="${LAB_RUN_ROOT:-/run/multi6d-lab}/$LAB/$name.log"
    M6D_PID=$(lab_spawn "$LAB" host "$name" "$M6_DAEMON" --runtime-dir "$M6D_RUNTIME" "$@")
    it_log "multi6d started (pid $M6D_PID, log $M6D_LOG)"
}

# it_daemon_stop [SIGNAL]: signal the daemon (default TERM) and wait up to
# 10 s for it to exit.
it_daemon_stop() {
    kill "-${1:-TERM}" "$M6D_PID"
    it_poll 10000 eval '! it_pid_alive "$M6D_PID"' || it_fail "multi6d (pid $M6D_PID) did not exit"
}

# it_source_rules: multi6d's `from PREFIX` rules in the host, one per line.
it_source_rules() {
    lab_exec "$LAB" host ip -6 rule show | sed -n 's/^\([0-9]*\):\s*from \(2001:db8:[^ ]*\) lookup \([0-9]*\).*/\2 \3/p'
}

# it_daemon_wait_paths PREFIX... : poll (10 s) until multi6d has a source
# rule for each PREFIX and a generic-destination label row (2000::/3).
it_daemon_has_paths() {
    local rules p
    rules=$(it_source_rules)
    for p in "$@"; do
        grep -q "^$p " <<<"$rules" || return 1
    done
    lab_exec "$LAB" host ip addrlabel list | grep -q "^prefix 2000::/3 "
}
it_daemon_wait_paths() {
    it_poll 10000 it_daemon_has_paths "$@" ||
        it_fail "multi6d did not install paths for $* within 10 s; rules: $(it_source_rules | tr '\n' ';')"
}

# it_connect_ok OUTPUT: number of successful attempts in m6-connect output.
it_connect_ok() { sed -n 's/^connect: ok=\([0-9]*\) fail=.*/\1/p' <<<"$1"; }

# ---- what the host's connections do (routers a and b of the lab) ----

it_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# it_measure DST PORT N [m6-connect options...]: N new connections to
# DST:PORT from the host; prints "OK SOURCES A_SYN B_SYN": how many
# succeeded, the sources used ("src=..." words, sorted, space-separated) and
# the TCP SYNs that reached routers a and b meanwhile (which exit the host
# chose).
it_measure() {
    local dst=$1 port=$2 n=$3 a0 b0 out
    shift 3
    a0=$(lab_counter "$LAB" a syn)
    b0=$(lab_counter "$LAB" b syn)
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n "$n" -t 1000 "$@" "$dst" "$port" || true)
    echo "$(it_connect_ok "$out") $(grep -o 'src=[^ ]*' <<<"$out" | sort -u | tr '\n' ' ')$(($(lab_counter "$LAB" a syn) - a0)) $(($(lab_counter "$LAB" b syn) - b0))"
}

# it_uses SRC DST PORT: one new unbound connection to DST:PORT succeeds
# (within 200 ms) from SRC.
it_uses() {
    local out
    out=$(lab_exec "$LAB" host "$M6_CONNECT" -n 1 -t 200 "$2" "$3" || true)
    grep -q "result=ok src=$1 " <<<"$out"
}

# it_route_via DST SRC ROUTER: the host's route to DST from SRC goes via
# ROUTER (`ip -6 route get DST from SRC`).
it_route_via() {
    grep -q "via $3 " <<<"$(lab_exec "$LAB" host ip -6 route get "$1" from "$2" 2>&1)"
}

# it_neighbour_state ROUTER: the host's kernel neighbour state of ROUTER on
# eth0 (REACHABLE, STALE, FAILED, ...; "none" without an entry).
it_neighbour_state() {
    local state
    state=$(lab_exec "$LAB" host ip -6 neigh show "$1" dev eth0 2>/dev/null | awk '{ print $NF }')
    echo "${state:-none}"
}
