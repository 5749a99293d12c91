# shellcheck shell=bash
# A real network manager (systemd-networkd or NetworkManager) managing the
# lab host's eth0, inside the lab only:
#
#   - the host's network namespace, plus a private mount namespace held by a
#     process of its own (host-mounts.sh): /run is a tmpfs, /etc/systemd/network,
#     /etc/NetworkManager, /var/lib/NetworkManager, /var/lib/systemd and
#     /etc/resolv.conf are bind mounts of directories in the lab's run dir
#     (<rundir>/manager/), /sys is a fresh read-only sysfs of the namespace (so
#     neither manager waits for udev);
#   - a private dbus-daemon (bus.conf.in beside this file: the managers' and
#     multi6d's bus policies) whose socket is <rundir>/bus, given to every
#     process of the host node as DBUS_SYSTEM_BUS_ADDRESS.
#
# With a manager, `lab exec/spawn ID host` enter that mount namespace too (so
# multi6d sees the manager's /run state) with the private bus in the
# environment. Everything is recorded by PID and stopped by `lab down`.

LAB_MANAGERS=(networkd nm)
LAB_NETWORKD_BIN=${LAB_NETWORKD_BIN:-/lib/systemd/systemd-networkd}
LAB_NM_BIN=${LAB_NM_BIN:-/usr/sbin/NetworkManager}

_lab_mgr_dir() { echo "$(_lab_dir "$1")/manager"; }

# The lab's manager kind, or nothing for a kernel-managed host.
_lab_manager_kind() {
    local f
    f="$(_lab_mgr_dir "$1")/kind"
    [[ -f $f ]] && cat "$f"
    return 0
}

_lab_check_manager_kind() {
    local k
    for k in "${LAB_MANAGERS[@]}"; do [[ $1 == "$k" ]] && return 0; done
    _lab_die "--manager '$1': use one of ${LAB_MANAGERS[*]}"
}

_lab_bus_address() { echo "unix:path=$(_lab_dir "$1")/bus"; }

# The PID holding the host's private mount namespace (nothing if none).
_lab_mntns_pid() { _lab_recorded_pid "$(_lab_dir "$1")/pids/host-mounts"; }

# Run CMD in the host node: the host netns and, with a manager, its private
# mount namespace and bus. `exec`s.
_lab_host_exec() {
    local id=$1 pid
    shift
    if [[ -n $(_lab_manager_kind "$id") ]]; then
        pid=$(_lab_mntns_pid "$id")
        [[ -n $pid ]] || _lab_die "lab $id: the host's mount namespace holder is gone"
        DBUS_SYSTEM_BUS_ADDRESS=$(_lab_bus_address "$id") exec nsenter --target "$pid" --mount --net -- "$@"
    fi
    exec ip netns exec "$(_lab_ns "$id" host)" "$@"
}

# The manager's configuration for eth0: IPv6 by router advertisements only,
# SLAAC with the lab's token ::10 (so addresses are 2001:db8:x::10 as
# without a manager), nothing written outside the private directories
# (NetworkManager: no resolv.conf, no hostname, no polkit, no audit).
_lab_mgr_write_config() {
    local kind=$1 m=$2
    mkdir -p "$m"/etc-systemd-network "$m"/etc-NetworkManager/conf.d \
        "$m"/etc-NetworkManager/system-connections "$m"/var-lib-NetworkManager \
        "$m"/var-lib-systemd "$m"/networkd.conf.d
    cp /etc/resolv.conf "$m/resolv.conf" 2>/dev/null || : >"$m/resolv.conf"
    case $kind in
        networkd)
            cat >"$m/etc-systemd-network/50-lab-eth0.network" <<'EOF'
[Match]
Name=eth0

[Network]
DHCP=no
LinkLocalAddressing=ipv6
IPv6AcceptRA=yes

[IPv6AcceptRA]
Token=static:::10
EOF
            ;;
        nm)
            cat >"$m/etc-NetworkManager/NetworkManager.conf" <<'EOF'
[main]
plugins=keyfile
dns=none
rc-manager=unmanaged
hostname-mode=none
auth-polkit=false
no-auto-default=*

[logging]
level=INFO
audit=false

[keyfile]
unmanaged-devices=except:interface-name:eth0
EOF
            cat >"$m/etc-NetworkManager/system-connections/lab-eth0.nmconnection" <<'EOF'
[connection]
id=lab-eth0
type=ethernet
interface-name=eth0
autoconnect=true

[ethernet]

[ipv4]
method=disabled

[ipv6]
method=auto
addr-gen-mode=eui64
token=::10
EOF
            chmod 600 "$m/etc-NetworkManager/system-connections/lab-eth0.nmconnection"
            ;;
    esac
}

# Start the holder of the host's mount namespace and the private bus.
_lab_mgr_setup() {
    local id=$1 kind=$2 m dir pid conf
    dir=$(_lab_dir "$id")
    m=$(_lab_mgr_dir "$id")
    _lab_mgr_write_config "$kind" "$m"
    echo "$kind" >"$m/kind"
    ip netns exec "$(_lab_ns "$id" host)" setsid unshare --mount --propagation private -- \
        bash "$_LAB_HOME/lib/host-mounts.sh" "$dir" </dev/null >>"$dir/host-mounts.log" 2>&1 &
    pid=$!
    _lab_record_pid "$id" host-mounts "$pid"
    _lab_poll 5000 test -e "$m/mounted" || _lab_die "the host's private mounts were not ready in 5 s ($(cat "$dir/host-mounts.log"))"

    conf=$m/bus.conf
    sed -e "s|@DIR@|$dir|g" -e "s|@POLICY@|$_LAB_HOME/../../dbus/org.multi6d1.conf|g" \
        "$_LAB_HOME/lib/bus.conf.in" >"$conf"
    nsenter --target "$pid" --mount --net -- setsid dbus-daemon --config-file="$conf" --nofork \
        </dev/null >>"$dir/dbus.log" 2>&1 &
    _lab_record_pid "$id" dbus "$!"
    _lab_poll 5000 test -S "$dir/bus" || _lab_die "the lab's dbus-daemon did not create $dir/bus in 5 s"
}

# Start the manager itself (again after manager-stop).
_lab_mgr_start() {
    local id=$1 kind dir
    kind=$(_lab_manager_kind "$id")
    dir=$(_lab_dir "$id")
    [[ -n $kind ]] || _lab_die "lab $id has no manager"
    [[ -z $(_lab_recorded_pid "$dir/pids/manager") ]] || _lab_die "lab $id: the $kind is already running"
    local -a cmd
    case $kind in
        networkd) cmd=(env SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL="${LAB_MANAGER_LOG_LEVEL:-info}" "$LAB_NETWORKD_BIN") ;;
        nm) cmd=("$LAB_NM_BIN" --no-daemon --debug --log-level="${LAB_MANAGER_LOG_LEVEL:-INFO}") ;;
    esac
    (_lab_host_exec "$id" setsid "${cmd[@]}") </dev/null >>"$dir/manager.log" 2>&1 &
    _lab_record_pid "$id" manager "$!"
    _lab_log "$id: $kind started (pid $!, log $dir/manager.log)"
}

# Stop the manager by its PID: SIGTERM, wait up to 10 s.
_lab_mgr_stop() {
    local id=$1 dir pid
    dir=$(_lab_dir "$id")
    pid=$(_lab_recorded_pid "$dir/pids/manager")
    [[ -n $pid ]] || _lab_die "lab $id: no manager is running"
    kill -TERM "$pid"
    _lab_poll 10000 _lab_all_gone "$pid" || _lab_die "lab $id: manager $pid did not exit in 10 s"
    rm -f "$dir/pids/manager"
}

_lab_cmd_manager() {
    local usage="usage: lab manager ID [kind|start|stop|restart|bus|dir]"
    local id=${1:?$usage} what=${2:-kind}
    _lab_need_up "$id"
    [[ -n $(_lab_manager_kind "$id") ]] || _lab_die "lab $id has no manager (lab up --manager ...)"
    case $what in
        kind) _lab_manager_kind "$id" ;;
        start) _lab_mgr_start "$id" ;;
        stop) _lab_mgr_stop "$id" ;;
        restart) _lab_mgr_stop "$id" && _lab_mgr_start "$id" ;;
        bus) _lab_bus_address "$id" ;;
        dir) _lab_mgr_dir "$id" ;;
        *) _lab_die "$usage" ;;
    esac
}
