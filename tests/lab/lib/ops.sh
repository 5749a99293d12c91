# shellcheck shell=bash
# Operations on a running lab: path failures, RA changes, running commands,
# counters, listing.

_lab_need_up() {
    _lab_check_id "$1"
    [[ -f $(_lab_dir "$1")/lab.env ]] || _lab_die "lab '$1' is not up (see 'lab list')"
}

_lab_cmd_new() { _lab_new_id; }

_lab_cmd_cut() {
    local id=${1:?usage: lab cut ID ROUTER} r=${2:?usage: lab cut ID ROUTER}
    _lab_need_up "$id"
    _lab_check_router "$id" "$r"
    _lab_cut "$id" "$r"
}

_lab_cmd_restore() {
    local id=${1:?usage: lab restore ID ROUTER} r=${2:?usage: lab restore ID ROUTER}
    _lab_need_up "$id"
    _lab_check_router "$id" "$r"
    _lab_restore "$id" "$r"
}

_lab_cmd_loss() {
    local usage="usage: lab loss ID ROUTER PERCENT"
    local id=${1:?$usage} r=${2:?$usage} pct=${3:?$usage}
    _lab_need_up "$id"
    _lab_check_router "$id" "$r"
    _lab_loss "$id" "$r" "$pct"
}

# set ID ROUTER key=value...: new RA contents (radvd re-reads its config on
# SIGHUP) and/or ingress filter on/off.
_lab_cmd_set() {
    local usage="usage: lab set ID ROUTER KEY=VALUE..."
    local id=${1:?$usage} r=${2:?$usage}
    shift 2
    (($#)) || _lab_die "$usage"
    _lab_need_up "$id"
    _lab_check_router "$id" "$r"
    declare -A s
    _lab_settings_load "$id" "$r" s
    _lab_settings_apply "$r" s "$@"
    _lab_settings_save "$id" "$r" s
    _lab_filter_apply "$id" "$r"
    _lab_radvd_reload "$id" "$r"
}

# get ID ROUTER [KEY]: current settings as key=value lines.
_lab_cmd_get() {
    local id=${1:?usage: lab get ID ROUTER [KEY]} r=${2:?usage: lab get ID ROUTER [KEY]} k
    _lab_need_up "$id"
    _lab_check_router "$id" "$r"
    declare -A s
    _lab_settings_load "$id" "$r" s
    for k in "${LAB_ROUTER_KEYS[@]}"; do
        if [[ -z ${3:-} ]]; then
            echo "$k=${s[$k]}"
        elif [[ $3 == "$k" ]]; then
            echo "${s[$k]}"
        fi
    done
}

_lab_cmd_ns() {
    local id=${1:?usage: lab ns ID NODE} node=${2:?usage: lab ns ID NODE}
    _lab_need_up "$id"
    _lab_check_node "$id" "$node"
    _lab_ns "$id" "$node"
}

_lab_cmd_exec() {
    local id=${1:?usage: lab exec ID NODE CMD...} node=${2:?usage: lab exec ID NODE CMD...}
    shift 2
    (($#)) || _lab_die "usage: lab exec ID NODE CMD..."
    _lab_need_up "$id"
    _lab_check_node "$id" "$node"
    [[ $node != host ]] || _lab_host_exec "$id" "$@"
    exec ip netns exec "$(_lab_ns "$id" "$node")" "$@"
}

# spawn ID NODE NAME CMD...: start CMD in the background in NODE's namespace
# (own session, output to <rundir>/NAME.log), record it so `down` stops it,
# print its PID.
_lab_cmd_spawn() {
    local usage="usage: lab spawn ID NODE NAME CMD..."
    local id=${1:?$usage} node=${2:?$usage} name=${3:?$usage} dir pid
    shift 3
    (($#)) || _lab_die "$usage"
    _lab_need_up "$id"
    _lab_check_node "$id" "$node"
    [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || _lab_die "spawn: NAME '$name' must be [A-Za-z0-9_.-]+"
    dir=$(_lab_dir "$id")
    [[ ! -e $dir/pids/$name ]] || _lab_die "spawn: a process named '$name' is already recorded"
    if [[ $node == host ]]; then
        (_lab_host_exec "$id" setsid "$@") </dev/null >>"$dir/$name.log" 2>&1 &
    else
        ip netns exec "$(_lab_ns "$id" "$node")" setsid "$@" </dev/null >>"$dir/$name.log" 2>&1 &
    fi
    pid=$!
    _lab_record_pid "$id" "$name" "$pid"
    echo "$pid"
}

_lab_listening() {
    [[ -n $(ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null) ]]
}

# wait-listen ID NODE PORT [--timeout S]: poll until a TCP socket listens on PORT.
_lab_cmd_wait_listen() {
    local usage="usage: lab wait-listen ID NODE PORT [--timeout SECONDS]"
    local id=${1:?$usage} node=${2:?$usage} port=${3:?$usage} timeout=10
    [[ ${4:-} == --timeout ]] && timeout=${5:?$usage}
    _lab_need_up "$id"
    _lab_check_node "$id" "$node"
    _lab_poll $((timeout * 1000)) _lab_listening "$(_lab_ns "$id" "$node")" "$port" ||
        _lab_die "wait-listen: nothing listens on port $port in $node after ${timeout}s"
}

_lab_cmd_counters() {
    local id=${1:?usage: lab counters ID ROUTER} r=${2:?usage: lab counters ID ROUTER}
    _lab_need_up "$id"
    _lab_check_router "$id" "$r"
    _lab_counters "$id" "$r"
}

_lab_cmd_list() {
    local d id state
    [[ -d $LAB_RUN_ROOT ]] || return 0
    for d in "$LAB_RUN_ROOT"/m6-*; do
        [[ -d $d ]] || continue
        id=${d##*/}
        if [[ -f $d/lab.env ]]; then
            state="up routers=$(sed -n 's/^ROUTERS=//p' "$d/lab.env" | tr ' ' ',')"
        else
            state="reserved"
        fi
        echo "$id $state namespaces=$(ip netns list | grep -c "^$id-" || true)"
    done
}

# logs ID: every log of the lab (radvd, spawned processes) with a header each.
_lab_cmd_logs() {
    local id=${1:?usage: lab logs ID} f
    _lab_check_id "$id"
    for f in "$(_lab_dir "$id")"/*.log "$(_lab_dir "$id")"/*/radvd.log "$(_lab_dir "$id")"/*/radvd.out; do
        [[ -s $f ]] || continue
        echo "==> $f <=="
        cat "$f"
    done
}

# etc-dir ID NODE: create and print /etc/netns/<ns>; files put there replace
# the same /etc file for commands started with `ip netns exec` (and thus
# `lab exec`/`lab spawn`) in that node, e.g. gai.conf. `down` removes it.
_lab_cmd_etc_dir() {
    local id=${1:?usage: lab etc-dir ID NODE} node=${2:?usage: lab etc-dir ID NODE} d
    _lab_need_up "$id"
    _lab_check_node "$id" "$node"
    d=/etc/netns/$(_lab_ns "$id" "$node")
    mkdir -p "$d"
    echo "$d"
}
