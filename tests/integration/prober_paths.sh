#!/bin/bash
# The path prober (service/probe/prober.hpp) against the lab, driven by m6-probe in
# the host namespace: every probe leaves through the router of its path
# whatever the host's routing table says, replies are matched to their
# probe, losses are seen, and foreign echo replies are not taken for ours.
# Which router carried a probe is read from the routers' nft counters:
# out_ok counts packets forwarded upstream, spoofed those dropped by the
# BCP 38 filter (a source from the other router's prefix), cut those dropped
# by `lab cut`. The last step pins down the one known limit of sending with
# a packet socket (a firewall dropping conntrack-invalid packets) and the
# rule that lifts it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
M6_PROBE=${M6_PROBE:-$M6_BUILD_DIR/tests/tools/m6-probe}
[[ -x $M6_PROBE ]] || it_fail "$M6_PROBE is missing (build first)"

DNS=2001:db8:ff::53 # the RDNSS address both routers advertise, reachable through either
A=2001:db8:a::10
B=2001:db8:b::10
N=10

# Router b is preferred, so the host's routing table sends everything to b.
it_lab_up -n 2 --wait b.prf=high

# probe ARGS...: run m6-probe in the host; sets OUT and STATUS.
probe() {
    STATUS=0
    OUT=$(lab_exec "$LAB" host "$M6_PROBE" "$@") || STATUS=$?
    # shellcheck disable=SC2001 # indent every line
    sed 's/^/  /' <<<"$OUT"
}

# value PATTERN KEY: KEY's value on the one line of $OUT matching PATTERN.
value() {
    local lines
    lines=$(grep -E -- "$1" <<<"$OUT") || it_fail "no line matches '$1'"
    [[ $(wc -l <<<"$lines") -eq 1 ]] || it_fail "several lines match '$1'"
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$lines"
}

# expect ROUTER SOURCE TARGET REPLIES LOSSES: one probe line's outcome.
expect() {
    local line="router=$1 source=$2 target=$3 "
    it_assert "probes of $3 from $2 via $1: $4 replies, $5 losses" \
        test "$(value "$line" replies)/$(value "$line" losses)" = "$4/$5"
}

declare -A before
snapshot() {
    local r c
    for r in a b; do
        for c in out_ok spoofed cut; do
            before[$r.$c]=$(lab_counter "$LAB" "$r" "$c")
        done
    done
}
# delta ROUTER COUNTER: packets counted since the last snapshot.
delta() { echo $(($(lab_counter "$LAB" "$1" "$2") - before[$1.$2])); }

both_paths() {
    probe -n "$N" -i 20 -t 1000 \
        "eth0,fe80::a,$A,fe80::a,$DNS" "eth0,fe80::b,$B,fe80::b,$DNS"
    it_assert "m6-probe completed, every probe ended once" test "$STATUS" -eq 0
    expect fe80::a "$A" fe80::a "$N" 0
    expect fe80::a "$A" "$DNS" "$N" 0
    expect fe80::b "$B" fe80::b "$N" 0
    expect fe80::b "$B" "$DNS" "$N" 0
    it_assert "router a forwarded exactly the $N probes via a" test "$(delta a out_ok)" -eq "$N"
    it_assert "router b forwarded exactly the $N probes via b" test "$(delta b out_ok)" -eq "$N"
    it_assert "no probe reached the wrong router (spoofed a/b unchanged)" \
        test "$(delta a spoofed)/$(delta b spoofed)" = 0/0
    it_assert "probe cost: $((2 * N)) packets on path a" \
        test "$(value "path .* router=fe80::a " packets)" -eq $((2 * N))
}

it_log "1. the host's routes prefer router b; probes via a and via b"
route=$(lab_exec "$LAB" host ip -6 route get "$DNS" from "$A")
echo "  host route for $DNS from $A: $route"
it_assert "the routing table would send a's probe to b" grep -q "via fe80::b" <<<"$route"
snapshot
both_paths

it_log "2. no default route in the host's main table"
lab_exec "$LAB" host sysctl -qw net.ipv6.conf.eth0.accept_ra_defrtr=0
while lab_exec "$LAB" host ip -6 route del default 2>/dev/null; do :; done
it_assert "no route to $DNS any more" \
    eval '! lab_exec "$LAB" host ip -6 route get "$DNS" from "$A" >/dev/null 2>&1'
snapshot
both_paths

it_log "3. router a's link-layer address unknown: the probe waits for resolution"
# What router a sends with its link-layer address refills the host's cache
# (RFC 4861 §6.3.4, §7.2.3): keep its RAs out of the host during this step,
# and empty the router's own cache first, so that it has no entry for the
# host to re-verify with a Neighbor Solicitation.
lab_exec "$LAB" host nft add table ip6 m6probe
lab_exec "$LAB" host nft add chain ip6 m6probe in '{ type filter hook input priority 0; }'
lab_exec "$LAB" host nft add rule ip6 m6probe in icmpv6 type nd-router-advert drop
lab_exec "$LAB" a ip -6 neigh flush dev lan
lab_exec "$LAB" host ip -6 neigh flush dev eth0
it_assert "no neighbour entry for fe80::a" \
    test -z "$(lab_exec "$LAB" host ip -6 neigh show fe80::a dev eth0)"
snapshot
probe -n "$N" -i 20 -t 1000 "eth0,fe80::a,$A,$DNS"
it_assert "m6-probe completed" test "$STATUS" -eq 0
expect fe80::a "$A" "$DNS" "$N" 0
it_assert "the first probe waited for the router's address" \
    test "$(value "path .* router=fe80::a " neighbour_waits)" -ge 1
it_assert "all $N probes left through router a" test "$(delta a out_ok)" -eq "$N"
it_assert "the kernel resolved fe80::a meanwhile" \
    grep -q lladdr <<<"$(lab_exec "$LAB" host ip -6 neigh show fe80::a dev eth0)"
lab_exec "$LAB" host nft delete table ip6 m6probe

it_log "4. router a's upstream cut"
lab_cut "$LAB" a
snapshot
probe -n "$N" -i 20 -t 1000 "eth0,fe80::a,$A,fe80::a,$DNS" "eth0,fe80::b,$B,fe80::b,$DNS"
it_assert "m6-probe completed, every probe ended once" test "$STATUS" -eq 0
expect fe80::a "$A" fe80::a "$N" 0
expect fe80::a "$A" "$DNS" 0 "$N"
expect fe80::b "$B" fe80::b "$N" 0
expect fe80::b "$B" "$DNS" "$N" 0
it_assert "the lost probes were dropped at a's cut" test "$(delta a cut)" -ge "$N"
it_assert "router b forwarded exactly its $N probes" test "$(delta b out_ok)" -eq "$N"
it_assert "no probe reached the wrong router" test "$(delta a spoofed)/$(delta b spoofed)" = 0/0
lab_restore "$LAB" a

it_log "5. a Destination Unreachable ends a probe before its deadline"
probe -n 1 -t 3000 "eth0,fe80::a,$A,2001:db8:dead::1"
expect fe80::a "$A" 2001:db8:dead::1 0 1
it_assert "lost after $(value "target=2001:db8:dead::1 " loss_ms_min) ms, not 3000" \
    test "$(value "target=2001:db8:dead::1 " loss_ms_min)" -lt 1000

it_log "6. a foreign ping with our identifier, source, target and length"
# The prober probes from a's address through router b, which drops every
# probe as spoofed: no reply can come. Meanwhile `ping` sends from the same
# address through router a (the only default route) with the prober's
# identifier and an 8-byte payload, so its replies differ from the probes
# only in the nonce. The prober starts first and sends twice as fast, so
# ping's sequence numbers 1, 2, ... are outstanding probes of ours when its
# replies arrive.
lab_exec "$LAB" host ip -6 route add default via fe80::a dev eth0
ID=4242
PROBE_OUT=$(mktemp)
snapshot
lab_exec "$LAB" host "$M6_PROBE" -e "$ID" -n 40 -i 25 -t 1000 "eth0,fe80::b,$A,$DNS" >"$PROBE_OUT" &
probe_pid=$!
PING=$(lab_exec "$LAB" host ping -n -q -e "$ID" -s 8 -i 0.05 -c 20 -I "$A" "$DNS" 2>&1) || true
STATUS=0
wait "$probe_pid" || STATUS=$?
OUT=$(cat "$PROBE_OUT")
rm -f "$PROBE_OUT"
sed 's/^/  /' <<<"$OUT"
grep "received" <<<"$PING" | sed 's/^/  ping: /'
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$PING")
it_assert "m6-probe completed" test "$STATUS" -eq 0
it_assert "the prober used identifier $ID" test "$(sed -n 's/^identifier=\([0-9]*\).*/\1/p' <<<"$OUT")" -eq "$ID"
it_assert "ping got replies with our identifier (${received:-none})" test "${received:-0}" -ge 10
expect fe80::b "$A" "$DNS" 0 40
it_assert "all 40 probes went to router b (dropped there as spoofed)" test "$(delta b spoofed)" -eq 40

it_log "7. a stateful host firewall: the known limit of the packet socket, and its fix"
# Off-link probes bypass the host's netfilter OUTPUT hook, so conntrack has
# no entry for them and classifies their replies as invalid.
lab_exec "$LAB" host nft add table ip6 m6fw
lab_exec "$LAB" host nft add chain ip6 m6fw in '{ type filter hook input priority 0; }'
lab_exec "$LAB" host nft add rule ip6 m6fw in ct state invalid drop
probe -n 3 -i 20 -t 1000 "eth0,fe80::a,$A,fe80::a,$DNS"
expect fe80::a "$A" fe80::a 3 0
expect fe80::a "$A" "$DNS" 0 3
lab_exec "$LAB" host nft insert rule ip6 m6fw in icmpv6 type echo-reply accept
probe -n 3 -i 20 -t 1000 "eth0,fe80::a,$A,fe80::a,$DNS"
expect fe80::a "$A" "$DNS" 3 0
lab_exec "$LAB" host nft delete table ip6 m6fw

echo "PASS"
