#!/bin/bash
# tests/package/debian13.sh: the Debian package built, unit-tested and
# checked by lintian in a clean Debian 13 (trixie) chroot, the way a Debian
# maintainer checks a release they do not run (mmdebstrap, as sbuild's
# unshare backend does it):
#   1. a trixie chroot from Debian's archive (mmdebstrap --variant=buildd)
#      with the package's Build-Depends, lintian and ccache preinstalled,
#      kept as a tarball in $M6_CI_CACHE, keyed by the hash of
#      debian/control's Build-Depends and of this script's package list, so
#      it is rebuilt exactly when they change (apt's downloaded .debs are kept there too,
#      so a rebuild downloads only what changed)
#   2. a copy of the tree, built inside the chroot as an unprivileged user
#      with dpkg-buildpackage -us -uc -b (the unit tier runs in
#      dh_auto_test), without network (unshare --net), like a buildd
#   3. no compiler warning in the build log (see "Warnings" below)
#   4. lintian: no error and no warning
#   5. optionally (M6_DEB13_BENCH=1) the D-Bus benchmark inside the chroot,
#      against the chroot's build (sdbus-c++ 2.x)
#
# Everything mounted for the chroot is mounted inside a private mount
# namespace (unshare --mount), so the mounts go away with that namespace on
# every exit path, even SIGKILL; the extracted chroot is removed by the EXIT
# trap. Nothing of the host's /etc or services is touched.
#
# Warnings: debian/rules builds with -DMULTI6D_WERROR=OFF (a distro build
# must not break on the next compiler's new warnings), and CI=true is NOT
# passed into the chroot (its environment is cleared), so the package is
# built exactly as a Debian user or buildd builds it. The strictness CI wants
# comes from step 3 instead: any "warning:" from the compiler in the build
# log fails this script, which holds gcc 14 to the same warning-free bar as
# -Werror does for gcc 12, without a second build.
#
# Environment:
#   M6_CI_CACHE      cache directory (default /var/cache/multi6d-ci)
#   M6_MIRROR        Debian mirror (default http://deb.debian.org/debian)
#   M6_DEB13_BENCH   1: also run tests/bench/dbus/run.sh in the chroot
#   M6_DEB13_KEEP    a directory: copy the built .deb and logs there
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${M6_CI_CACHE:-/var/cache/multi6d-ci}
MIRROR=${M6_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie
# Beyond Build-Depends: lintian to check the result, ccache so a warm run
# compiles little, dbus-daemon for the benchmark (also a <!nocheck> dep).
EXTRA_PACKAGES="lintian,ccache,dbus-daemon"
BUILD_USER=m6build

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== debian13 ($(date -u +%H:%M:%S)): $*"; }

[[ $EUID -eq 0 ]] || fail "must run as root (chroot, mount namespace)"
command -v mmdebstrap >/dev/null || fail "mmdebstrap is not installed"
command -v unshare >/dev/null || fail "unshare (util-linux) is not installed"

mkdir -p "$CACHE/apt-archives" "$CACHE/ccache-$SUITE"
# The key: debian/control's Build-Depends field (a change elsewhere in the
# file needs no new chroot) and what this script adds.
build_depends() {
    awk '/^Build-Depends:/ { on = 1 } on && /^[A-Za-z-]+:/ && !/^Build-Depends:/ { on = 0 } on' \
        "$ROOT/debian/control"
}
KEY=$( (build_depends; echo "$SUITE $EXTRA_PACKAGES $BUILD_USER") | sha256sum | cut -c1-16)
TARBALL=$CACHE/$SUITE-$KEY.tar

WORK=$(mktemp -d /var/tmp/multi6d-debian13.XXXXXX)
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Mounts lived in the namespace of the unshare'd child, gone with it;
    # refuse to delete anything still mounted below WORK all the same.
    if findmnt -rn -o TARGET | grep -q "^$WORK"; then
        echo "cleanup: mounts left below $WORK; not removing it" >&2
    else
        rm -rf --one-file-system "$WORK"
    fi
    rm -f "$TARBALL.tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 1. the chroot tarball ------------------------------------------------
if [[ ! -s $TARBALL ]]; then
    step "creating $TARBALL (no cached chroot for this debian/control)"
    mkdir -p "$WORK/ctl/debian"
    cp "$ROOT/debian/control" "$ROOT/debian/changelog" "$WORK/ctl/debian/"
    # sync-in/sync-out of /var/cache/apt/archives with download/empty
    # skipped: mmdebstrap(1)'s documented way to keep apt's package cache.
    mmdebstrap --variant=buildd --mode=root --format=tar \
        --include="$EXTRA_PACKAGES" \
        --skip=download/empty \
        --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
        --setup-hook="sync-in $CACHE/apt-archives /var/cache/apt/archives" \
        --customize-hook="copy-in $WORK/ctl /tmp" \
        --customize-hook='chroot "$1" apt-get build-dep -y /tmp/ctl' \
        --customize-hook='rm -rf "$1"/tmp/ctl' \
        --customize-hook="chroot \"\$1\" useradd --create-home $BUILD_USER" \
        --customize-hook="sync-out /var/cache/apt/archives $CACHE/apt-archives" \
        "$SUITE" "$TARBALL.tmp" "$MIRROR"
    mv "$TARBALL.tmp" "$TARBALL"
    # Older chroots (other debian/control hashes) are of no further use.
    find "$CACHE" -maxdepth 1 -name "$SUITE-*.tar" ! -name "$(basename "$TARBALL")" -delete
else
    step "using cached chroot $TARBALL"
fi

# --- 2. extract, copy the tree in -----------------------------------------
R=$WORK/root
mkdir -p "$R"
tar -C "$R" -xf "$TARBALL"
SRC=/home/$BUILD_USER/src/multi6d
mkdir -p "$R$SRC"
# The tree as committed plus the work tree's changes, without build dirs.
tar -C "$ROOT" --exclude=./build --exclude='./build-*' --exclude=./.git \
    --exclude='./obj-*' -cf - . | tar -C "$R$SRC" -xf -
chroot "$R" chown -R "$BUILD_USER:$BUILD_USER" "/home/$BUILD_USER"
mkdir -p "$R/ccache"
[[ -n ${M6_DEB13_KEEP:-} ]] && mkdir -p "$M6_DEB13_KEEP"

# Runs "$@" in the chroot as BUILD_USER, in a private mount namespace (and
# without network unless NET=1), with a clean environment.
in_chroot() {
    local net=--net
    [[ ${NET:-0} == 1 ]] && net=
    # shellcheck disable=SC2086
    unshare --mount --propagation private --pid --fork --kill-child $net -- bash -euc '
        R=$1; CACHEDIR=$2; shift 2
        mount -t proc proc "$R/proc"
        mount --rbind /dev "$R/dev"
        mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
        mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
        mount --bind "$CACHEDIR" "$R/ccache"
        exec chroot "$R" "$@"
    ' in_chroot "$R" "$CACHE/ccache-$SUITE" \
        env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="/home/$BUILD_USER" LANG=C.UTF-8 \
        CCACHE_DIR=/ccache CCACHE_MAXSIZE=2G CMAKE_CXX_COMPILER_LAUNCHER=ccache \
        DEB_BUILD_OPTIONS="parallel=$(nproc)" \
        "${as_user[@]}" "$@"
}
# The build runs as BUILD_USER; the benchmark (as_user emptied) as the
# chroot's root: only root may own org.multi6d1 under multi6d's bus policy.
as_user=(setpriv --reuid="$BUILD_USER" --regid="$BUILD_USER" --init-groups --)
chown "$(chroot "$R" id -u "$BUILD_USER"):$(chroot "$R" id -g "$BUILD_USER")" \
    "$CACHE/ccache-$SUITE"

step "chroot: $(chroot "$R" sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), $(chroot "$R" \
    dpkg-query -W -f='gcc ${Version}' gcc-14 2>/dev/null), $(chroot "$R" \
    dpkg-query -W -f='sdbus-c++ ${Version}' libsdbus-c++-dev)"

# --- 3. dpkg-buildpackage ---------------------------------------------------
step "dpkg-buildpackage -us -uc -b (unit tier in dh_auto_test)"
LOG=$WORK/build.log
if ! in_chroot bash -c "cd $SRC && dpkg-buildpackage -us -uc -b" >"$LOG" 2>&1; then
    tail -n 80 "$LOG" >&2
    [[ -n ${M6_DEB13_KEEP:-} ]] && cp "$LOG" "$M6_DEB13_KEEP/"
    fail "dpkg-buildpackage failed in the $SUITE chroot (log above)"
fi
grep -E '^[0-9]+% tests passed|tests failed out of' "$LOG" || true
# Compiler and linker diagnostics only (FILE:LINE[:COL]: warning: ..., or
# the tool's own "cc1plus: warning:"/"ld: warning:"), not the words a test
# or dpkg may print.
if grep -nE '^[^[:space:]]+:[0-9]+(:[0-9]+)?: warning: |^[^[:space:]]*(cc1plus|ld|c\+\+|g\+\+): warning: ' \
    "$LOG" >"$WORK/warnings"; then
    cat "$WORK/warnings" >&2
    fail "the $SUITE build has compiler warnings"
fi
step "no compiler warning in the build log"

# --- 4. lintian ----------------------------------------------------------
CHANGES=$(cd "$R/home/$BUILD_USER/src" && ls multi6d_*.changes)
step "lintian $CHANGES"
in_chroot bash -c "cd /home/$BUILD_USER/src && lintian --fail-on error,warning $CHANGES" |
    tee "$WORK/lintian.log"
if grep -qE '^[EW]: ' "$WORK/lintian.log"; then
    fail "lintian reports errors or warnings on $SUITE"
fi
step "lintian: 0 errors, 0 warnings"
if [[ -n ${M6_DEB13_KEEP:-} ]]; then
    cp "$LOG" "$WORK/lintian.log" "$R/home/$BUILD_USER/src/"multi6d_*.deb "$M6_DEB13_KEEP/"
fi

# --- 5. the D-Bus benchmark (optional) ------------------------------------
if [[ ${M6_DEB13_BENCH:-0} == 1 ]]; then
    step "tests/bench/dbus/run.sh against the $SUITE build"
    as_user=()
    in_chroot bash -c "cd $SRC && tests/bench/dbus/run.sh \
        --build $SRC/obj-\$(dpkg-architecture -qDEB_HOST_GNU_TYPE)"
fi
step "done"
