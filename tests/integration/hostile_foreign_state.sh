#!/bin/bash
# Issue 16, finding 7: at start multi6d deleted a foreign rule at priority
# 6700 and a foreign label 6700 that carried none of its marks, calling them
# "left by an earlier run". Now only what carries its marks is removed: a
# rule with priority in 6600-6855 AND protocol 196, a label row in the range
# that its runtime directory records as written by it.
#  1. Before start: a foreign rule at 6700 (no protocol), a foreign label row
#     6700, and a leftover rule at 6701 with protocol 196 (multi6d's marks).
#  2. multi6d starts: the leftover is removed, the foreign rule and label
#     stay; after a clean stop they are still there.
#  3. A crash (SIGKILL) leaves multi6d's labels: the next start removes them
#     (recorded), still leaving the foreign row alone.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

it_init
it_need_daemon
it_lab_up -n 2 --wait

host() { lab_exec "$LAB" host "$@"; }
# Whole outputs first: grep -q ending a pipe early fails it (pipefail).
rules() { host ip -6 rule show; }
labels() { host ip addrlabel list; }
foreign_rule() { grep -q '^6700:\s*from 2001:db8:99::/64 lookup 6700' <<<"$(rules)"; }
foreign_label() { grep -q '^prefix 2001:db8:99::/64 label 6700' <<<"$(labels)"; }
marked_rule() { grep -q '^6701:' <<<"$(rules)"; }
# Label rows in multi6d's range other than the foreign one.
own_labels() { grep -v 'label 6700' <<<"$(labels)" | grep -c 'label 6[6-8][0-9][0-9]' || true; }

it_log "1. foreign state and a leftover of multi6d's"
host ip -6 rule add priority 6700 from 2001:db8:99::/64 lookup 6700
host ip addrlabel add prefix 2001:db8:99::/64 label 6700
host ip -6 rule add priority 6701 from 2001:db8:98::/64 lookup 6701 protocol 196
it_assert "the three are in place" eval 'foreign_rule && foreign_label && marked_rule'

it_log "2. multi6d starts and stops"
it_daemon_start multi6d
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_assert "the marked leftover rule is removed" eval '! marked_rule'
it_assert "the foreign rule at 6700 stays" foreign_rule
it_assert "the foreign label 6700 stays" foreign_label
it_assert "the log counts 1 leftover rule and no label" \
    grep -q 'removing 0 route(s), 1 rule(s) and 0 address label(s) left by an earlier run' "$M6D_LOG"
it_daemon_stop TERM
it_assert "after the stop the foreign rule is still there" foreign_rule
it_assert "... and the foreign label" foreign_label
it_assert "... and no label of multi6d's is left" test "$(own_labels)" -eq 0

it_log "3. a crash, then a start"
it_daemon_start multi6d-crashing
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
labels_of_run=$(own_labels)
it_daemon_stop KILL
it_assert "the crash left multi6d's labels ($labels_of_run rows in the range)" test "$labels_of_run" -gt 1
it_daemon_start multi6d-after-crash
it_assert "the next start removes them as leftovers" \
    it_poll 10000 grep -q 'address label(s) left by an earlier run' "$M6D_LOG"
it_daemon_wait_paths 2001:db8:a::/64 2001:db8:b::/64
it_daemon_stop TERM
it_assert "the foreign label survived it all" foreign_label
it_assert "no label of multi6d's is left" test "$(own_labels)" -eq 0
echo "PASS: hostile_foreign_state"
