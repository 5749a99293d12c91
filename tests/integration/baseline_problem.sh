#!/bin/bash
# Baseline: the problem multi6d exists to solve, measured without it.
# Two ISPs, each with BCP 38 ingress filtering on its first-hop router. A
# packet whose source belongs to ISP B but that leaves through router A is
# dropped by A (DESIGN.md §1 "Wrong exit"). This test asserts the lab really
# behaves that way -- it fails if the routers stop filtering or stop
# forwarding -- and prints how many unbound connections survive plain Linux.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init

SERVER=2001:db8:ff::1
PORT=8080
UNBOUND=20

it_lab_up -n 2 --wait
lab_spawn "$LAB" inet serve "$M6_SERVE" "$PORT" >/dev/null
lab_wait_listen "$LAB" inet "$PORT"

# connect ARGS...: run m6-connect in the host; sets OUT and STATUS.
connect() {
    STATUS=0
    OUT=$(lab_exec "$LAB" host "$M6_CONNECT" "$@" "$SERVER" "$PORT") || STATUS=$?
    # shellcheck disable=SC2001 # indent every line
    sed 's/^/  /' <<<"$OUT"
}

# via ROUTER: force the server's route through one router (a /128 beats the
# RA default routes), so the exit no longer depends on the kernel's choice.
via() { lab_exec "$LAB" host ip -6 route replace "$SERVER/128" via "fe80::$1" dev eth0; }

it_log "1. ISP B's source forced out through router A"
via a
spoofed0=$(lab_counter "$LAB" a spoofed)
connect -n 1 -b 2001:db8:b::10
it_assert "B-sourced connection through A fails (exit 1)" test "$STATUS" -eq 1
it_assert "it failed by timeout (silent drop), not an error" grep -q "result=fail .* err=timeout" <<<"$OUT"
spoofed1=$(lab_counter "$LAB" a spoofed)
it_assert "router A's spoofed counter rose ($spoofed0 -> $spoofed1)" test "$spoofed1" -gt "$spoofed0"

it_log "2. ISP A's source through router A"
out0=$(lab_counter "$LAB" a out_ok)
connect -n 1 -b 2001:db8:a::10
it_assert "A-sourced connection through A succeeds" test "$STATUS" -eq 0
it_assert "router A forwarded it (out_ok rose)" test "$(lab_counter "$LAB" a out_ok)" -gt "$out0"
it_assert "router A dropped nothing more" test "$(lab_counter "$LAB" a spoofed)" -eq "$spoofed1"

it_log "3. ISP B's source through router B"
via b
out0=$(lab_counter "$LAB" b out_ok)
in0=$(lab_counter "$LAB" b in)
connect -n 1 -b 2001:db8:b::10
it_assert "B-sourced connection through B succeeds" test "$STATUS" -eq 0
it_assert "router B forwarded it out (out_ok rose)" test "$(lab_counter "$LAB" b out_ok)" -gt "$out0"
it_assert "router B forwarded the reply in (in rose)" test "$(lab_counter "$LAB" b in)" -gt "$in0"
it_assert "router B's filter dropped nothing" test "$(lab_counter "$LAB" b spoofed)" -eq 0

it_log "4. $UNBOUND unbound connections, both default routers, no multi6d"
lab_exec "$LAB" host ip -6 route del "$SERVER/128"
lab_exec "$LAB" host ip -6 route show default | sed 's/^/  host route: /'
declare -A syn0 spf0
for r in a b; do
    syn0[$r]=$(lab_counter "$LAB" "$r" syn)
    spf0[$r]=$(lab_counter "$LAB" "$r" spoofed)
done
connect -n "$UNBOUND"
ok=$(sed -n 's/^connect: ok=\([0-9]*\) fail=.*/\1/p' <<<"$OUT")
fail=$(sed -n 's/^connect: ok=[0-9]* fail=\([0-9]*\)$/\1/p' <<<"$OUT")
it_assert "m6-connect reported all $UNBOUND attempts" test "$((ok + fail))" -eq "$UNBOUND"
spoofed_total=0
for r in a b; do
    syn=$(($(lab_counter "$LAB" "$r" syn) - syn0[$r]))
    spf=$(($(lab_counter "$LAB" "$r" spoofed) - spf0[$r]))
    spoofed_total=$((spoofed_total + spf))
    echo "  router $r: $syn SYNs left through it, $spf packets dropped as spoofed"
done
grep -o 'src=[^ ]*' <<<"$OUT" | sort | uniq -c | sed 's/^/  source chosen: /'
# Every failure must be explained by the ingress filter: at least one
# dropped SYN per failed attempt.
it_assert "each of the $fail failures was an ingress-filter drop" test "$spoofed_total" -ge "$fail"
echo "RESULT: unbound connections succeeding without multi6d: $ok/$UNBOUND ($((100 * ok / UNBOUND))%)"
