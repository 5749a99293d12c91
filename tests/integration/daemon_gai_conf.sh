#!/bin/bash
# The daemon keeps its block in gai.conf ([gai] enabled) and glibc follows
# it (DESIGN §3.5): a round trip with the real daemon, a real gai.conf and
# getaddrinfo() in new processes (getent ahosts).
#
# Isolation: the machine's /etc is never written. A holder process in the
# lab's host namespace runs in a private mount namespace (unshare -m
# --propagation private) that has a tmpfs directory bind-mounted over /etc:
# symlinks into a read-only bind of the real /etc, except for our own
# hosts, nsswitch.conf ("hosts: files") and gai.conf (the administrator's
# lines below). The daemon and every getent run in that namespace (nsenter).
# /etc/gai.conf is a plain file in a directory of its own, so the daemon's
# write-and-rename works (a file bind-mounted over it would fail with EBUSY).
#
# The ordering (glibc 2.36 sorts by RFC 3484/6724 rules, its own label
# table, Source(D) from the kernel): router A advertises a Route Information
# Option for fd00:99::/48, so multi6d labels it like A's prefix in the
# kernel, whose source choice for fd00:99::1 is then A's address. The name
# has two ULA addresses, fd00:98::1 listed first. glibc's built-in labels
# give every ULA destination label 6 and the host's global sources label 1:
# both destinations fail Rule 5 (matching label), tie on everything after,
# and keep the file's order. With multi6d's block glibc's labels are the
# kernel's: fd00:99::1 matches its source's label and sorts first, while
# fd00:98::1 (no multi6d row: label 13) still does not.
#  1. Before the daemon: fd00:98::1 first; gai.conf is the administrator's.
#  2. With the daemon: the block is in gai.conf after the administrator's
#     lines, which are kept; a new process puts fd00:99::1 first.
#  3. SIGTERM: gai.conf is the administrator's again, byte for byte, and the
#     order is back to (1). The real /etc/gai.conf is unchanged throughout.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
it_init
it_need_daemon

NAME=m6gai.test
ADMIN_TEXT='# Administrator'"'"'s gai.conf (daemon_gai_conf.sh)
scopev4 ::ffff:169.254.0.0/112  2
#precedence ::ffff:0:0/96  100

# trailing comment,	with a tab
'
real_before=$(sha256sum /etc/gai.conf 2>/dev/null || echo "no /etc/gai.conf")

it_lab_up -n 2 --wait a.rio=fd00:99::/48
RUN=$LAB_RUN_ROOT/$LAB
WORK=$RUN/private-etc
mkdir -p "$WORK"
printf '%s' "$ADMIN_TEXT" >"$RUN/admin-gai.conf"

# The holder: sets up the private /etc, then waits to be stopped (by PID,
# or by the lab teardown). Its mounts vanish with its mount namespace.
# shellcheck disable=SC2016 # expanded by the holder's shell
SETUP='set -eu
w=$1 run=$2 name=$3
mount -t tmpfs -o mode=0755 m6-private-etc "$w"
mkdir "$w/real" "$w/etc"
mount --bind /etc "$w/real"
mount -o remount,bind,ro "$w/real"
for f in /etc/* /etc/.[!.]*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    ln -s "$w/real/${f#/etc/}" "$w/etc/${f#/etc/}"
done
rm -f "$w/etc/hosts" "$w/etc/nsswitch.conf" "$w/etc/gai.conf"
printf "fd00:98::1 %s\nfd00:99::1 %s\n" "$name" "$name" >"$w/etc/hosts"
printf "hosts: files\n" >"$w/etc/nsswitch.conf"
cp "$run/admin-gai.conf" "$w/etc/gai.conf"
mount --bind "$w/etc" /etc
touch "$run/private-etc.ready"
exec sleep 3600'
HOLDER=$(lab_spawn "$LAB" host private-etc unshare -m --propagation private sh -c "$SETUP" holder "$WORK" "$RUN" "$NAME")
it_assert "the private /etc is set up" it_poll 5000 test -e "$RUN/private-etc.ready"
inside() { nsenter -t "$HOLDER" -m -n "$@"; }
it_assert "the private /etc/gai.conf is not the machine's" test "$(inside cat /etc/gai.conf)" = "$(printf '%s' "$ADMIN_TEXT")"

# Distinct addresses of NAME in the order a new process's getaddrinfo() gives.
order() { inside getent ahosts "$NAME" | awk '!seen[$1]++ { printf "%s%s", sep, $1; sep = " " }'; }

it_log "1. without multi6d"
base=$(order)
echo "  getent ahosts $NAME: $base"
it_assert "fd00:98::1 first without the block (both fail Rule 5, file order)" test "$base" = "fd00:98::1 fd00:99::1"

it_log "2. with multi6d ([gai] enabled)"
printf '[gai]\nenabled = true\nfile = "/etc/gai.conf"\n' >"$RUN/gai.toml"
M6D_LOG=$RUN/multi6d.log
M6D_PID=$(lab_spawn "$LAB" host multi6d nsenter -t "$HOLDER" -m -n \
    "$M6_DAEMON" --config "$RUN/gai.toml" --runtime-dir "$RUN/multi6d-state")
it_log "multi6d started in the private mount namespace (pid $M6D_PID, log $M6D_LOG)"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
has_rio_row() { inside grep -q "^label fd00:99::/48 " /etc/gai.conf; }
it_assert "the block with the RIO destination's row is in gai.conf within 5 s" it_poll 5000 has_rio_row
conf=$(inside cat /etc/gai.conf)
sed -n '/BEGIN multi6d/,/END multi6d/p' <<<"$conf" | sed 's/^/  block: /'
a_label=$(lab_exec "$LAB" host ip addrlabel list | awk '$2 == "2001:db8:a::/64" { print $4 }')
it_assert "the block labels fd00:99::/48 like A's prefix in the kernel ($a_label)" \
    grep -q "^label fd00:99::/48 $a_label\$" <<<"$conf"
it_assert "the administrator's lines come first, unchanged" \
    test "${conf:0:${#ADMIN_TEXT}}" = "$ADMIN_TEXT"
with=$(order)
echo "  getent ahosts $NAME: $with"
it_assert "fd00:99::1 first with the block" test "$with" = "fd00:99::1 fd00:98::1"

it_log "3. SIGTERM"
it_daemon_stop TERM
grep -q "removed multi6d's block from /etc/gai.conf" "$M6D_LOG" || it_fail "no removal message in the daemon log"
echo "ok: the daemon logged the block's removal"
inside cat /etc/gai.conf >"$RUN/gai.after"
it_assert "gai.conf is the administrator's file again, byte for byte" cmp -s "$RUN/gai.after" "$RUN/admin-gai.conf"
after=$(order)
echo "  getent ahosts $NAME: $after"
it_assert "the order is back to the one without the block" test "$after" = "$base"
kill "$HOLDER"
it_assert "the machine's /etc/gai.conf is unchanged" test "$(sha256sum /etc/gai.conf 2>/dev/null || echo "no /etc/gai.conf")" = "$real_before"
