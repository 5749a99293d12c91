# shellcheck shell=bash
# Helpers for integration tests (bash, root, one lab per test).
#
#   source "$(dirname "$0")/lib.sh"
#   it_init                      # root check, tool paths, lab library
#   it_lab_up -n 2 --wait        # sets $LAB; torn down on every exit path
#   it_assert "what must hold" test "$x" -gt 0
#
# Run by ctest, the paths come from the environment (see CMakeLists.txt);
# run by hand, they default to the source tree and ./build.

it_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

it_log() { echo "# $*"; }

# it_assert DESCRIPTION COMMAND...: COMMAND must succeed.
it_assert() {
    local what=$1
    shift
    if "$@"; then
        echo "ok: $what"
    else
        it_fail "$what (check: $*)"
    fi
}

it_init() {
    # Integration tests need root for namespaces: without it they fail,
    # never skip, so a CI that lost root cannot go green by accident.
    [[ $EUID -eq 0 ]] || it_fail "integration tests must run as root (namespaces, nftables, radvd)"
    local here
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    M6_SOURCE_DIR=${M6_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
    M6_BUILD_DIR=${M6_BUILD_DIR:-$M6_SOURCE_DIR/build}
    M6_SERVE=${M6_SERVE:-$M6_BUILD_DIR/tests/tools/m6-serve}
    M6_CONNECT=${M6_CONNECT:-$M6_BUILD_DIR/tests/tools/m6-connect}
    M6_LAB=${M6_LAB:-$M6_SOURCE_DIR/tests/lab/lab}
    M6_LAB_SH=${M6_LAB_SH:-$M6_SOURCE_DIR/tests/lab/lab.sh}
    local f
    for f in "$M6_SERVE" "$M6_CONNECT" "$M6_LAB"; do
        [[ -x $f ]] || it_fail "$f is missing or not executable (build first)"
    done
    # shellcheck source-path=SCRIPTDIR source=../lab/lab.sh
    source "$M6_LAB_SH"
}

_it_teardown() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n ${LAB:-} ]]; then
        if ((status != 0)); then
            echo "--- lab logs ($LAB) ---" >&2
            lab_logs "$LAB" >&2 || true
        fi
        lab_down "$LAB" || echo "teardown of $LAB failed" >&2
    fi
    exit "$status"
}

# it_lab_up [lab up arguments]: reserve an id first so the trap knows it even
# if `up` is interrupted half way.
it_lab_up() {
    LAB=$(lab_new) || it_fail "cannot reserve a lab"
    trap _it_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    lab_up --id "$LAB" "$@" >/dev/null || it_fail "lab up $*"
    it_log "lab $LAB up: $*"
}
