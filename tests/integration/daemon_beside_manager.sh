#!/bin/bash
# multi6d on its defaults beside a real network manager that manages the lab
# host's eth0 (usage: daemon_beside_manager.sh networkd|nm; lab up --manager,
# tests/lab/README.md): the manager does RA in userspace (accept_ra=0) and
# adds one multipath `proto ra` default in main. Both ISPs filter ingress.
#  1. multi6d names the manager (log, multi6ctl status --json, ListPaths).
#  2. 100% of new unbound connections to 16 servers succeed (baseline printed).
#  3. A silent upstream cut of the generic path: new connections work again
#     within 1.5 s.
#  4. Each disturbance of the manager costs at most 3 s of failing new
#     connections: networkd `networkctl reconfigure`, `networkctl reload`,
#     restart, a second link configured; NetworkManager `nmcli device
#     reapply`, `nmcli connection up`, restart.
#     With NetworkManager, its MPTCP endpoints' backup flag follows the cut,
#     also after `nmcli device reapply` re-created them under new ids.
#  5. SIGTERM: the manager's default route is intact and, with the ingress
#     filters off, connections to every server work within 5 s (with them on
#     the host is plain Linux again: printed beside the baseline);
#     NetworkManager's endpoints have their own flags back.
# Figures are printed at the end.
set -euo pipefail
MANAGER=${1:?usage: daemon_beside_manager.sh networkd|nm}
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=manager_lib.sh
source "$(dirname "$0")/manager_lib.sh"
it_init
it_need_daemon
M6_CTL=${M6_CTL:-$M6_BUILD_DIR/dbus/multi6ctl}
[[ -x $M6_CTL ]] || it_fail "$M6_CTL is missing (build first)"
MGR_FIGURES=()

case $MANAGER in
    networkd)
        NAME=systemd-networkd
        # What the package ships (service/networkd.conf.d/multi6d.conf, see
        # multi6d(8) COEXISTENCE), read by networkd at its start.
        it_lab_up -n 2 --wait --manager networkd \
            --manager-conf "${M6_NETWORKD_CONF:-$M6_SOURCE_DIR/service/networkd.conf.d/multi6d.conf}"
        ;;
    nm)
        NAME=NetworkManager
        it_lab_up -n 2 --wait --manager nm
        ;;
    *) it_fail "unknown manager '$MANAGER'" ;;
esac
MDIR=$(lab_manager "$LAB" dir)

endpoints() { lab_exec "$LAB" host ip mptcp endpoint show; }
endpoint_ids() { endpoints | awk '{ print $3 }' | sort -n | tr '\n' ' '; }
# endpoint_flags_are ADDR FLAGS: ADDR's endpoint has exactly these flag words.
endpoint_flags_are() {
    [[ $(endpoints | awk -v a="$1" '$1 == a { $1 = $2 = $3 = ""; sub(/ dev .*/, ""); gsub(/^ +| +$/, ""); print }') == "$2" ]]
}
mgr_servers_up

# The manager's own default route in main (what the host falls back to).
manager_default() { lab_exec "$LAB" host ip -6 route show default proto ra; }
has_manager_default() {
    local r
    r=$(manager_default)
    grep -q "via fe80::a dev eth0" <<<"$r" && grep -q "via fe80::b dev eth0" <<<"$r"
}
it_assert "the $NAME default route via both routers is in main" has_manager_default

if [[ $MANAGER == networkd ]]; then
    # A second link for networkd to configure later (step 4): its .network
    # file is read now, the link comes later.
    cat >"$MDIR/etc-systemd-network/60-lab-eth1.network" <<'NET'
[Match]
Name=eth1

[Network]
LinkLocalAddressing=no
IPv6AcceptRA=no
Address=fd00:99::1/64
NET
    lab_exec "$LAB" host networkctl reload
fi

it_log "baseline without multi6d"
read -r base_ok base_total < <(mgr_connect_all 2)
echo "  baseline: $base_ok of $base_total unbound connections to ${#MGR_SERVERS[@]} servers succeeded"

it_log "1. multi6d names the manager"
it_daemon_start multi6d
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "start-up log names $NAME on eth0 with what multi6d does" \
    it_poll 5000 grep -q "eth0: RAs processed by $NAME; multi6d works beside it" "$M6D_LOG"
links_of_status() { mgr_ctl --json status | jq -r '.links[] | "\(.interface) \(.manager)"'; }
status_names_manager() { [[ $(links_of_status) == "eth0 $NAME" ]]; }
it_assert "multi6ctl status --json: eth0 $NAME" it_poll 5000 status_names_manager
it_assert "multi6ctl status: a Link line" grep -q "^Link: *eth0: RAs processed by $NAME" <<<"$(mgr_ctl status)"
paths_json=$(mgr_ctl --json paths)
it_assert "ListPaths: every path has link_manager $NAME" \
    test "$(jq -r '[.[] | .link_manager] | unique | join(",")' <<<"$paths_json")" == "$NAME"
it_assert "State is running" test "$(mgr_ctl --json status | jq -r .state)" == running

it_log "2. correct exit to ${#MGR_SERVERS[@]} servers"
read -r ok total < <(mgr_connect_all 4)
echo "  with multi6d: $ok of $total unbound connections succeeded (baseline $base_ok of $base_total)"
MGR_FIGURES+=("unbound connections: $ok/$total with multi6d, $base_ok/$base_total without")
it_assert "100% of unbound connections succeed" test "$ok" -eq "$total"

it_log "3. silent cut of the generic path's upstream"
generic=$(mgr_generic_router)
mgr_timeline_start cut 6
it_poll 3000 mgr_at_rel 1000 || true
cut_at=$(mgr_now_rel)
lab_cut "$LAB" "$generic"
mgr_timeline_wait
recovery=$(mgr_recovery_after "$cut_at")
echo "  cut of $generic at ${cut_at} ms: new connections work again after ${recovery} ms ($(mgr_counts))"
MGR_FIGURES+=("failover after a cut of $generic: ${recovery} ms")
it_assert "new connections recover within 1.5 s of the cut" test "$recovery" -ge 0 -a "$recovery" -le 1500
if [[ $MANAGER == nm ]]; then
    it_log "3b. NetworkManager's MPTCP endpoints follow the failover"
    cut_addr=2001:db8:$generic::10
    it_assert "NetworkManager's endpoint of $cut_addr is 'subflow backup' after the cut" \
        it_poll 5000 endpoint_flags_are "$cut_addr" "subflow backup"
    # NetworkManager 1.42 on reapply either re-creates its endpoints under
    # new ids or resets their flags (both seen): either way multi6d must
    # set backup again, which its log shows as a new "set" line.
    ids_before=$(endpoint_ids)
    sets_before=$(grep -c "set MPTCP endpoint $cut_addr .* backup .*(another party's)" "$M6D_LOG" || true)
    lab_exec "$LAB" host nmcli device reapply eth0 >/dev/null
    t0=$(date +%s%N)
    set_again() {
        local sets
        sets=$(grep -c "set MPTCP endpoint $cut_addr .* backup .*(another party's)" "$M6D_LOG" || true)
        ((sets > sets_before)) && endpoint_flags_are "$cut_addr" "subflow backup"
    }
    it_assert "after nmcli device reapply reset NetworkManager's endpoint, $cut_addr is backup again within 3 s" \
        it_poll 3000 set_again
    echo "  endpoint of $cut_addr backup again $((($(date +%s%N) - t0) / 1000000)) ms after the reapply (ids $ids_before-> $(endpoint_ids))"
fi
lab_restore "$LAB" "$generic"
back_on() { [[ $(mgr_generic_router) == "$generic" ]]; }
it_poll 20000 back_on || it_log "generic path did not move back to $generic within 20 s"

it_log "4. disturbances of $NAME"
case $MANAGER in
    networkd)
        mgr_disturbance "networkctl reconfigure eth0" lab_exec "$LAB" host networkctl reconfigure eth0
        mgr_disturbance "networkctl reload" lab_exec "$LAB" host networkctl reload
        mgr_disturbance "networkd restart" lab_manager "$LAB" restart
        second_link() {
            lab_exec "$LAB" host ip link add eth1 type veth peer name eth1p &&
                lab_exec "$LAB" host ip link set eth1p up
        }
        mgr_disturbance "a second link configured" second_link
        eth1_configured() { lab_exec "$LAB" host ip -6 addr show dev eth1 | grep -q 'fd00:99::1/64'; }
        it_assert "networkd configured the second link" it_poll 5000 eth1_configured
        ;;
    nm)
        mgr_disturbance "nmcli device reapply eth0" lab_exec "$LAB" host nmcli device reapply eth0
        mgr_disturbance "nmcli connection up" lab_exec "$LAB" host nmcli connection up lab-eth0
        mgr_disturbance "NetworkManager restart" lab_manager "$LAB" restart
        ;;
esac
read -r ok total < <(mgr_connect_all 2)
it_assert "after the disturbances: $ok of $total unbound connections succeed" test "$ok" -eq "$total"
it_assert "the daemon is still running" it_pid_alive "$M6D_PID"

it_log "5. SIGTERM: the host keeps IPv6 through $NAME's routes"
# Without multi6d the manager's multipath default picks the exit by hash, so
# with ingress filtering only some connections can work (the baseline);
# that they work at all through the manager's routes is checked with the
# filters off: every server must be reachable within 5 s.
for r in a b; do lab_set "$LAB" "$r" filter=off; done
t0=$(date +%s%N)
it_daemon_stop TERM
exit_ms=$((($(date +%s%N) - t0) / 1000000))
works_again() {
    has_manager_default || return 1
    read -r ok total < <(mgr_connect_all 1)
    ((ok == total))
}
it_poll $((5000 - exit_ms)) works_again || it_fail "no working IPv6 through $NAME's routes within 5 s of SIGTERM ($ok/$total; $(manager_default | tr '\n' ' '))"
stop_ms=$((($(date +%s%N) - t0) / 1000000))
echo "  all ${#MGR_SERVERS[@]} servers reachable through $NAME's default ${stop_ms} ms after SIGTERM (multi6d exited after ${exit_ms} ms)"
MGR_FIGURES+=("after SIGTERM: IPv6 through the manager's routes in ${stop_ms} ms")
for r in a b; do lab_set "$LAB" "$r" filter=on; done
read -r ok total < <(mgr_connect_all 2)
echo "  with the filters on again, as plain $NAME: $ok of $total (baseline before multi6d: $base_ok of $base_total)"
left=$(lab_exec "$LAB" host ip -6 rule show | grep -cv -E '^(0|32766|32767):' || true)
it_assert "no rule of multi6d is left ($left)" test "$left" -eq 0
if [[ $MANAGER == nm ]]; then
    nm_flags_back() {
        local e
        e=$(endpoints)
        [[ -n $e ]] && ! grep -q backup <<<"$e" && ! awk '$3 >= 200 { bad = 1 } END { exit !bad }' <<<"$e"
    }
    it_assert "NetworkManager's endpoints have their own flags back, none of multi6d's is left" nm_flags_back
    grep -q "MPTCP: set MPTCP endpoint .*(another party's, its flags restored)" "$M6D_LOG" ||
        it_log "(no flag to restore at stop: no path was degraded then)"
fi

repairs=$(grep -c "by someone else" "$M6D_LOG" || true)
MGR_FIGURES+=("owned objects others removed and multi6d put back: $repairs")
grep "by someone else\|conflict" "$M6D_LOG" | sed 's/^/  daemon: /' | head -20 || true
echo "figures ($NAME):"
printf '  %s\n' "${MGR_FIGURES[@]}"
