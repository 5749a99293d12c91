# shellcheck shell=bash
# The multihoming lab as a bash library: `source tests/lab/lab.sh`, then
#
#   LAB=$(lab_new); trap 'lab_down "$LAB"' EXIT
#   lab_up --id "$LAB" -n 2 --wait
#   lab_exec "$LAB" host ping -c1 2001:db8:ff::1
#
# Every lab_<command> runs `tests/lab/lab <command>` in a child process with
# errexit, so it behaves the same whether or not the caller uses `set -e` or
# calls it inside `if`; it returns non-zero (with a message on stderr) on
# failure. See README.md beside this file for the topology and each command.

_LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_CLI=$_LAB_HOME/lab

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$_LAB_HOME/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=lib/router.sh
source "$_LAB_HOME/lib/router.sh"
# shellcheck source-path=SCRIPTDIR source=lib/filter.sh
source "$_LAB_HOME/lib/filter.sh"
# shellcheck source-path=SCRIPTDIR source=lib/topology.sh
source "$_LAB_HOME/lib/topology.sh"
# shellcheck source-path=SCRIPTDIR source=lib/ops.sh
source "$_LAB_HOME/lib/ops.sh"
# shellcheck source-path=SCRIPTDIR source=lib/manager.sh
source "$_LAB_HOME/lib/manager.sh"

lab_new() { "$LAB_CLI" new; }
lab_up() { "$LAB_CLI" up "$@"; }
lab_down() { "$LAB_CLI" down "$@"; }
lab_wait_ready() { "$LAB_CLI" wait-ready "$@"; }
lab_cut() { "$LAB_CLI" cut "$@"; }
lab_restore() { "$LAB_CLI" restore "$@"; }
lab_loss() { "$LAB_CLI" loss "$@"; }
lab_set() { "$LAB_CLI" set "$@"; }
lab_get() { "$LAB_CLI" get "$@"; }
lab_exec() { "$LAB_CLI" exec "$@"; }
lab_ns() { "$LAB_CLI" ns "$@"; }
lab_spawn() { "$LAB_CLI" spawn "$@"; }
lab_wait_listen() { "$LAB_CLI" wait-listen "$@"; }
lab_counters() { "$LAB_CLI" counters "$@"; }
lab_list() { "$LAB_CLI" list "$@"; }
lab_logs() { "$LAB_CLI" logs "$@"; }
lab_etc_dir() { "$LAB_CLI" etc-dir "$@"; }
lab_manager() { "$LAB_CLI" manager "$@"; }

# lab_counter ID ROUTER NAME: packets of one counter (e.g. spoofed).
lab_counter() {
    local out
    out=$("$LAB_CLI" counters "$1" "$2") || return 1
    awk -v n="$3" '$1 == n { print $2; found = 1 } END { exit !found }' <<<"$out" ||
        { echo "lab: no counter '$3' (counters: ${LAB_COUNTERS[*]})" >&2; return 1; }
}
