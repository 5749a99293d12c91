# shellcheck shell=bash
# nftables on each first-hop router: BCP 38 ingress filtering (RFC 2827,
# RFC 3704 §2.1 "ingress access lists") plus counters that show which router
# a connection used, and the knobs for an upstream failure (cut, loss).
#
# Everything lives in table "ip6 lab" inside the router's namespace:
#   forward hook:   syn      TCP SYNs (no ACK) arriving from lan, counted
#                            before the filter: "the host chose this exit"
#                   spoofed  forwarded from lan with a source outside the
#                            router's prefix: dropped (chain ingress_filter)
#                   out_ok   forwarded lan -> up that passed the filter
#                   in       forwarded up -> lan
#   prerouting (iif up) and postrouting (oif up) jump to chain "path":
#                   cut      everything on the upstream, both directions,
#                            dropped silently while `cut` is in force
#                   lost     dropped at random by `loss` (per packet, each
#                            direction, nft numgen random)
#   input hook (iif lan), chain "self": what the router itself answers
#                   echo_dropped  ICMPv6 echo requests to the router, dropped
#                            while echo=off (a router that ignores ping)
#                   ns_dropped    neighbour solicitations to the router,
#                            dropped while nd=off (a router that stopped
#                            answering NS: the host's NUD fails)
#   output hook (oif lan), chain "self_out":
#                   ra_dropped    RAs the router sends, dropped while
#                            ra=off (radvd keeps running; the host hears
#                            nothing until ra=on)
# The router's LAN side is never touched: it keeps advertising and answers
# ping from the host while its upstream is cut.

# shellcheck disable=SC2034 # used by lab.sh
LAB_COUNTERS=(syn spoofed out_ok in cut lost echo_dropped ns_dropped ra_dropped)

_lab_nft_ruleset() {
    local r=$1
    cat <<NFT
table ip6 lab {
    counter syn { }
    counter spoofed { }
    counter out_ok { }
    counter in { }
    counter cut { }
    counter lost { }
    counter echo_dropped { }
    counter ns_dropped { }
    counter ra_dropped { }

    chain ingress_filter {
        ip6 saddr != 2001:db8:$r::/64 counter name "spoofed" drop
    }
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "lan" tcp flags & (syn | ack) == syn counter name "syn"
        iifname "lan" jump ingress_filter
        iifname "lan" oifname "up" counter name "out_ok"
        iifname "up" oifname "lan" counter name "in"
    }
    chain self { }
    chain input {
        type filter hook input priority filter; policy accept;
        iifname "lan" jump self
    }
    chain self_out { }
    chain output {
        type filter hook output priority filter; policy accept;
        oifname "lan" jump self_out
    }
    chain cut { }
    chain loss { }
    chain path {
        jump cut
        jump loss
    }
    chain pre {
        type filter hook prerouting priority raw; policy accept;
        iifname "up" jump path
    }
    chain post {
        type filter hook postrouting priority filter; policy accept;
        oifname "up" jump path
    }
}
NFT
}

_lab_nft() {
    local id=$1 r=$2
    shift 2
    ip netns exec "$(_lab_ns "$id" "$r")" nft "$@"
}

_lab_filter_load() {
    local id=$1 r=$2
    _lab_nft_ruleset "$r" | _lab_nft "$id" "$r" -f -
    _lab_filter_apply "$id" "$r"
}

# Make the ingress_filter chain match the router's "filter" setting and
# the self chains its "echo", "nd" and "ra" settings, in one nft transaction: a
# `set` must not open a window in which, say, an echo request gets through
# to a router that never answers echo.
_lab_filter_apply() {
    local id=$1 r=$2 allowed
    declare -A s
    _lab_settings_load "$id" "$r" s
    {
        echo "flush chain ip6 lab self"
        [[ ${s[echo]} == off ]] &&
            echo "add rule ip6 lab self icmpv6 type echo-request counter name echo_dropped drop"
        [[ ${s[nd]} == off ]] &&
            echo "add rule ip6 lab self icmpv6 type nd-neighbor-solicit counter name ns_dropped drop"
        echo "flush chain ip6 lab self_out"
        [[ ${s[ra]} == off ]] &&
            echo "add rule ip6 lab self_out icmpv6 type nd-router-advert counter name ra_dropped drop"
        echo "flush chain ip6 lab ingress_filter"
        if [[ ${s[filter]} == on ]]; then
            allowed="2001:db8:$r::/64"
            [[ ${s[pio2]} == on ]] && allowed+=", 2001:db8:$r:1::/64"
            echo "add rule ip6 lab ingress_filter ip6 saddr != { $allowed } counter name spoofed drop"
        fi
    } | _lab_nft "$id" "$r" -f -
}

_lab_cut() {
    local id=$1 r=$2
    _lab_nft "$id" "$r" flush chain ip6 lab cut
    _lab_nft "$id" "$r" add rule ip6 lab cut counter name cut drop
}

_lab_restore() {
    _lab_nft "$1" "$2" flush chain ip6 lab cut
}

_lab_loss() {
    local id=$1 r=$2 pct=$3
    { _lab_is_uint "$pct" && ((pct <= 100)); } || _lab_die "loss: percent must be 0..100, got '$pct'"
    _lab_nft "$id" "$r" flush chain ip6 lab loss
    if ((pct > 0)); then
        _lab_nft "$id" "$r" add rule ip6 lab loss numgen random mod 100 "<" "$pct" counter name lost drop
    fi
}

# "name packets bytes" per counter, in LAB_COUNTERS order.
_lab_counters() {
    local id=$1 r=$2
    _lab_nft "$id" "$r" list counters table ip6 lab | awk '
        $1 == "counter" { name = $2 }
        $1 == "packets" && name != "" { print name, $2, $4; name = "" }'
}
