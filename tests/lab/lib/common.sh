# shellcheck shell=bash
# Common helpers of the multihoming lab: ids, paths, namespaces, validation.
# Sourced by lab.sh; every function here assumes `set -euo pipefail`.

LAB_RUN_ROOT=${LAB_RUN_ROOT:-/run/multi6d-lab}
# shellcheck disable=SC2034 # used by topology.sh
LAB_ROUTER_LETTERS=(a b c d e f)
LAB_ID_RE='^m6-[0-9a-f]{6}$'

_lab_die() {
    echo "lab: $*" >&2
    exit 1
}

_lab_log() {
    [[ -n ${LAB_QUIET:-} ]] || echo "lab: $*" >&2
}

_lab_check_id() {
    [[ $1 =~ $LAB_ID_RE ]] || _lab_die "invalid lab id '$1' (expected m6-xxxxxx, see 'lab list')"
}

_lab_dir() { echo "$LAB_RUN_ROOT/$1"; }

# Namespace of a node: "<id>-<node>" (e.g. m6-3fa2c1-host). Kept short so that
# `ip netns list` stays readable; interface names live inside the namespaces
# and therefore cannot collide between labs.
_lab_ns() { echo "$1-$2"; }

# The routers of a lab, one letter per word ("a b").
_lab_routers() {
    local env
    env="$(_lab_dir "$1")/lab.env"
    [[ -f $env ]] || _lab_die "lab '$1' is not up (no $env)"
    sed -n 's/^ROUTERS=//p' "$env"
}

_lab_check_node() {
    local id=$1 node=$2 r
    case $node in
        host | lan | inet) return 0 ;;
    esac
    for r in $(_lab_routers "$id"); do
        [[ $node == "$r" ]] && return 0
    done
    _lab_die "lab $id has no node '$node' (nodes: host lan inet $(_lab_routers "$id"))"
}

_lab_check_router() {
    local id=$1 r=$2 x
    for x in $(_lab_routers "$id"); do
        [[ $r == "$x" ]] && return 0
    done
    _lab_die "lab $id has no router '$r' (routers: $(_lab_routers "$id"))"
}

# Run a command inside a node's namespace.
_lab_in() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@"
}

# Process start time (jiffies since boot, field 22 of /proc/PID/stat): with the
# PID it identifies a process even after the PID is reused.
_lab_proc_start() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    # After "pid (comm) " the remaining fields start at field 3.
    # shellcheck disable=SC2086
    set -- $stat
    echo "${20}"
}

# Record a process so that `down` stops it: pids/<name> holds "PID STARTTIME".
_lab_record_pid() {
    local id=$1 name=$2 pid=$3 start
    start=$(_lab_proc_start "$pid") || _lab_die "process $pid ($name) exited right after start"
    mkdir -p "$(_lab_dir "$id")/pids"
    echo "$pid $start" >"$(_lab_dir "$id")/pids/$name"
}

# PID of a recorded process if it is still the same process, else nothing.
_lab_recorded_pid() {
    local file=$1 pid start now
    [[ -f $file ]] || return 0
    read -r pid start <"$file" || return 0
    now=$(_lab_proc_start "$pid") || return 0
    [[ $now == "$start" ]] && echo "$pid"
    return 0
}

# Poll every 50 ms until COMMAND succeeds; give up after MS milliseconds
# (returns 1). COMMAND runs in a condition, so it must report failure by its
# status, not rely on errexit.
_lab_poll() {
    local ms=$1
    shift
    local end=$(($(date +%s%N) / 1000000 + ms))
    until "$@"; do
        (($(date +%s%N) / 1000000 < end)) || return 1
        sleep 0.05
    done
}
