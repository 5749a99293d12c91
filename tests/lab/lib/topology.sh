# shellcheck shell=bash
# Building and tearing down the lab topology.
#
#   host ns        lan ns: bridge br0       router ns x (a..f)       inet ns
#   eth0 ---------- host
#                   rtr-x ------------------ lan            up ------- isp-x
#                                            fe80::x        fd00:0:0:x::2/64
#                                            2001:db8:x::1  (default route)
#                                                                      fd00:0:0:x::1/64
#   SLAAC: 2001:db8:x::10 (token ::10)                                 lo: 2001:db8:ff::1
#                                                                          2001:db8:ff::53
#                                                                          2001:db8:fe::1

# Sysctls are written inside the namespace (never the machine's own).
_lab_sysctl() {
    local ns=$1
    shift
    ip netns exec "$ns" sysctl -q -w "$@" >/dev/null
}

# Reserve a fresh id: the run directory is created atomically, so two labs
# started at once cannot pick the same id.
_lab_new_id() {
    local id _
    mkdir -p "$LAB_RUN_ROOT"
    for _ in 1 2 3 4 5 6 7 8; do
        id="m6-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
        if ip netns list | grep -q "^$id-"; then continue; fi
        if mkdir "$LAB_RUN_ROOT/$id" 2>/dev/null; then
            echo "$id"
            return 0
        fi
    done
    _lab_die "could not reserve a lab id in $LAB_RUN_ROOT"
}

_lab_make_ns() {
    ip netns add "$1"
    ip -n "$1" link set lo up
}

_lab_build() {
    local id=$1 manager=$2
    shift 2
    local routers=("$@") r host lan inet rns
    host=$(_lab_ns "$id" host)
    lan=$(_lab_ns "$id" lan)
    inet=$(_lab_ns "$id" inet)

    for ns in "$lan" "$host" "$inet"; do _lab_make_ns "$ns"; done
    for r in "${routers[@]}"; do _lab_make_ns "$(_lab_ns "$id" "$r")"; done

    # Defaults first, so that interfaces created afterwards inherit them.
    # The bridge namespace is a pure switch: no IPv6 of its own.
    _lab_sysctl "$lan" net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    # DAD off for speed (addresses usable at once); the host accepts RAs and
    # uses no temporary addresses so its addresses are deterministic.
    _lab_sysctl "$host" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.forwarding=0 net.ipv6.conf.default.accept_ra=1 \
        net.ipv6.conf.default.use_tempaddr=0
    _lab_sysctl "$inet" net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.forwarding=1
    for r in "${routers[@]}"; do
        _lab_sysctl "$(_lab_ns "$id" "$r")" net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.forwarding=1
    done

    # The LAN: a bridge without STP delay or multicast snooping (RA/RS/NS
    # are multicast; snooping without a querier only adds uncertainty).
    ip -n "$lan" link add name br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    ip -n "$host" link add name eth0 type veth peer name host netns "$lan"
    ip -n "$lan" link set dev host master br0 up

    # Servers on inet's loopback (this kernel has no dummy driver).
    ip -n "$inet" -b - <<IP
addr add 2001:db8:ff::1/64 dev lo
addr add 2001:db8:ff::53/64 dev lo
addr add 2001:db8:fe::1/64 dev lo
IP

    for r in "${routers[@]}"; do
        rns=$(_lab_ns "$id" "$r")
        ip -n "$rns" link add name lan type veth peer name "rtr-$r" netns "$lan"
        # "up" is also an `ip link` keyword: always say "name up"/"dev up".
        ip -n "$rns" link add name up type veth peer name "isp-$r" netns "$inet"
        ip -n "$lan" link set dev "rtr-$r" master br0 up
        # Fixed link-local fe80::x: no generated one (addrgenmode none).
        ip -n "$rns" -b - <<IP
link set dev lan addrgenmode none
addr add fe80::$r/64 dev lan
addr add 2001:db8:$r::1/64 dev lan
addr add 2001:db8:$r:1::1/64 dev lan
link set dev lan up
addr add fd00:0:0:$r::2/64 dev up
link set dev up up
route add default via fd00:0:0:$r::1 dev up
IP
        ip -n "$inet" -b - <<IP
addr add fd00:0:0:$r::1/64 dev isp-$r
link set dev isp-$r up
route add 2001:db8:$r::/56 via fd00:0:0:$r::2 dev isp-$r
IP
        _lab_filter_load "$id" "$r"
    done
    ip -n "$lan" link set dev br0 up

    for r in "${routers[@]}"; do _lab_radvd_start "$id" "$r"; done

    # Host last: its first RS then finds every radvd running. The token makes
    # SLAAC addresses 2001:db8:x::10 (the token needs accept_ra on, set above).
    if [[ -z $manager ]]; then
        ip -n "$host" token set ::10 dev eth0
        ip -n "$host" link set dev eth0 up
        return 0
    fi
    # A manager brings eth0 up itself, with its own RA client and the same
    # token in its configuration (manager.sh).
    _lab_mgr_setup "$id" "$manager"
    _lab_mgr_start "$id"
}

# up [-n N] [--id ID] [--wait] [ROUTER.KEY=VALUE | all.KEY=VALUE]...
_lab_cmd_up() {
    local n=2 id="" wait=0 timeout=30 arg r manager=""
    local -a kvs=() mconfs=()
    while (($#)); do
        case $1 in
            -n | --routers) n=${2:?}; shift 2 ;;
            --id) id=${2:?}; shift 2 ;;
            --wait) wait=1; shift ;;
            --timeout) timeout=${2:?}; shift 2 ;;
            --manager) manager=${2:?}; shift 2 ;;
            --manager-conf) mconfs+=("${2:?}"); shift 2 ;;
            *.*=*) kvs+=("$1"); shift ;;
            *) _lab_die "up: unknown argument '$1' (see 'lab help')" ;;
        esac
    done
    { _lab_is_uint "$n" && ((n >= 1 && n <= ${#LAB_ROUTER_LETTERS[@]})); } ||
        _lab_die "up: number of routers must be 1..${#LAB_ROUTER_LETTERS[@]}, got '$n'"
    local routers=("${LAB_ROUTER_LETTERS[@]:0:n}")
    [[ -z $manager ]] || _lab_check_manager_kind "$manager"
    for arg in "${mconfs[@]}"; do
        [[ -n $manager ]] || _lab_die "up: --manager-conf needs --manager"
        [[ -f $arg && $arg == *.conf ]] || _lab_die "up: --manager-conf '$arg' is not a readable *.conf file"
    done

    if [[ -n $id ]]; then
        _lab_check_id "$id"
        [[ -d $(_lab_dir "$id") ]] || _lab_die "up: id $id was not reserved with 'lab new'"
        [[ ! -e $(_lab_dir "$id")/lab.env ]] || _lab_die "up: lab $id is already up"
    else
        id=$(_lab_new_id)
    fi
    local dir
    dir=$(_lab_dir "$id")
    # From here on, any failure or interruption removes what was built.
    _LAB_UP_ID=$id
    trap '_lab_cmd_down "$_LAB_UP_ID" >/dev/null 2>&1 || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    # Settings per router; all validated before anything is created.
    for r in "${routers[@]}"; do
        declare -A "set_$r"
        _lab_settings_defaults "set_$r"
        local -a mine=()
        for arg in "${kvs[@]}"; do
            case ${arg%%.*} in
                all | "$r") mine+=("${arg#*.}") ;;
            esac
        done
        _lab_settings_apply "$r" "set_$r" "${mine[@]}"
    done
    for arg in "${kvs[@]}"; do
        r=${arg%%.*}
        [[ $r == all || " ${routers[*]} " == *" $r "* ]] ||
            _lab_die "up: '$arg' names router '$r', but the lab has routers ${routers[*]}"
    done

    for r in "${routers[@]}"; do _lab_settings_save "$id" "$r" "set_$r"; done
    local t0
    t0=$(date +%s%N)
    if ((${#mconfs[@]})); then
        # networkd reads networkd.conf.d at start only; NetworkManager its conf.d.
        local cdir
        cdir=$(_lab_mgr_dir "$id")/networkd.conf.d
        [[ $manager == nm ]] && cdir=$(_lab_mgr_dir "$id")/etc-NetworkManager/conf.d
        mkdir -p "$cdir"
        cp "${mconfs[@]}" "$cdir/"
    fi
    _lab_build "$id" "$manager" "${routers[@]}"
    # lab.env last: its presence means "fully up".
    {
        echo "ROUTERS=${routers[*]}"
        echo "MANAGER=$manager"
        echo "CREATED=$(date -u +%FT%TZ)"
    } >"$dir/lab.env"
    _lab_log "$id up with routers ${routers[*]} in $((($(date +%s%N) - t0) / 1000000)) ms"
    if ((wait)); then
        _lab_cmd_wait_ready "$id" --timeout "$timeout"
    fi
    trap - EXIT INT TERM
    echo "$id"
}

# Stop every process of the lab (recorded ones and any process still inside
# one of its namespaces), delete its namespaces, /etc/netns dirs and run dir.
# Works on half-built labs and on ids that no longer exist.
_lab_cmd_down() {
    local id=${1:?usage: lab down ID} dir f pid ns
    _lab_check_id "$id"
    dir=$(_lab_dir "$id")
    local -a pids=() nss=()
    mapfile -t nss < <(ip netns list | awk -v p="$id-" 'index($1, p) == 1 { print $1 }')
    if [[ -d $dir/pids ]]; then
        for f in "$dir"/pids/*; do
            [[ -e $f ]] || continue
            pid=$(_lab_recorded_pid "$f")
            [[ -n $pid ]] || continue
            pids+=("$pid")
        done
    fi
    for ns in "${nss[@]}"; do
        mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
    done
    if ((${#pids[@]})); then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        if ! _lab_poll 3000 _lab_all_gone "${pids[@]}"; then
            kill -KILL "${pids[@]}" 2>/dev/null || true
            _lab_poll 2000 _lab_all_gone "${pids[@]}" || echo "lab: processes survive SIGKILL: ${pids[*]}" >&2
        fi
    fi
    for ns in "${nss[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
        if [[ -d /etc/netns/$ns ]]; then rm -rf "/etc/netns/$ns"; fi
    done
    rmdir /etc/netns 2>/dev/null || true
    rm -rf "$dir"
}

# True when none of the PIDs runs any more. A zombie counts as gone: it has
# released everything, and its reaping is up to its parent (often PID 1,
# which in some sandboxes reaps only every second or two).
_lab_all_gone() {
    local pid stat
    for pid in "$@"; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        stat=${stat##*) }
        [[ ${stat:0:1} == Z ]] || return 1
    done
    return 0
}

# Ready = the host has a non-tentative 2001:db8:x::10 from every router (an
# on-link route for 2001:db8:x::/64 instead where the PIO has A=0) and, for
# every router advertising a non-zero lifetime, a default route via fe80::x.
_lab_ready() {
    local id=$1 host addrs routes onlink r
    host=$(_lab_ns "$id" host)
    addrs=$(ip -n "$host" -6 -o addr show dev eth0 scope global 2>/dev/null) || return 1
    routes=$(ip -n "$host" -6 route show default 2>/dev/null) || return 1
    onlink=$(ip -n "$host" -6 route show dev eth0 2>/dev/null) || return 1
    _lab_missing=()
    for r in $(_lab_routers "$id"); do
        declare -A s
        _lab_settings_load "$id" "$r" s
        if [[ ${s[autonomous]} == off ]]; then
            grep -q "^2001:db8:$r::/64 .*expires" <<<"$onlink" || _lab_missing+=("on-link route 2001:db8:$r::/64")
        else
            grep -q "inet6 2001:db8:$r::10/64 " <<<"$addrs" || { _lab_missing+=("address 2001:db8:$r::10"); continue; }
            grep "inet6 2001:db8:$r::10/64 " <<<"$addrs" | grep -q tentative && _lab_missing+=("2001:db8:$r::10 (tentative)")
        fi
        if ((s[lifetime] > 0)) && ! grep -q "via fe80::$r dev eth0" <<<"$routes"; then
            _lab_missing+=("default route via fe80::$r")
        fi
    done
    ((${#_lab_missing[@]} == 0))
}

_lab_cmd_wait_ready() {
    local id=${1:?usage: lab wait-ready ID [--timeout SECONDS]} timeout=30 t0
    shift
    [[ ${1:-} == --timeout ]] && timeout=${2:?}
    _lab_check_id "$id"
    _lab_is_uint "$timeout" || _lab_die "wait-ready: --timeout wants whole seconds"
    _lab_missing=()
    t0=$(date +%s%N)
    if ! _lab_poll $((timeout * 1000)) _lab_ready "$id"; then
        _lab_die "wait-ready: lab $id not ready after ${timeout}s; missing: ${_lab_missing[*]}"
    fi
    _lab_log "$id ready in $((($(date +%s%N) - t0) / 1000000)) ms"
}
