#!/bin/bash
# tests/package/check-package.sh: the Debian package, end to end, on this
# machine (root, Debian 12):
#   1. build it with dpkg-buildpackage -us -uc -b from a copy of the tree
#   2. lintian: no error and no warning
#   3. dpkg -i; the files and conffiles are there
#   4. the installed multi6d --version and --check-config on the installed
#      configuration file; systemd-analyze verify and security on the unit;
#      the metrics timer and service (multi6ctl(1), METRICS) verified, their
#      service scored, and neither enabled nor started by the package
#   5. dpkg -i again (the upgrade path of the maintainer scripts): the
#      configuration file is untouched and nothing new appears
#   6. the lab smoke test against /usr/sbin/multi6d (smoke-installed.sh)
#   7. dpkg --purge, then no file with "multi6d" in its path is left that
#      was not there before
# A package this script installed is purged on every exit path.
#
# Environment:
#   DEB_BUILD_OPTIONS  passed to dpkg-buildpackage (default: parallel=NPROC,
#                      so the unit tests run in dh_auto_test, which is the
#                      only proof that dh_auto_test works; CI keeps it so).
#   M6_BUILD_DIR       build tree with the lab's test tools (m6-serve,
#                      m6-connect) for the smoke test; default ./build
#   SECURITY_THRESHOLD highest acceptable `systemd-analyze security` exposure,
#                      in tenths (systemd-analyze's --threshold scale): default
#                      25, the 2.5 the unit scores (Debian 12, systemd 252;
#                      2.2 before AF_PACKET was allowed for the prober, 2.4
#                      before CAP_BPF and bpf(2) for the programs of units
#                      and mptcp = true, multi6d(8)), so any further
#                      loosening of the unit fails
#   M6_DEB             an already built multi6d_*.deb: skip building and
#                      lintian (for working on the later steps)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
M6_BUILD_DIR=${M6_BUILD_DIR:-$ROOT/build}
export M6_BUILD_DIR
SECURITY_THRESHOLD=${SECURITY_THRESHOLD:-25}
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)}
PKG=multi6d
UNIT=/lib/systemd/system/multi6d.service
METRICS_SERVICE=/lib/systemd/system/multi6d-metrics.service
METRICS_TIMER=/lib/systemd/system/multi6d-metrics.timer
# multi6d-metrics.service scores 0.9 (systemd 252): no capabilities, no network.
METRICS_SECURITY_THRESHOLD=${METRICS_SECURITY_THRESHOLD:-10}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== package: $*"; }

[[ $EUID -eq 0 ]] || fail "must run as root (dpkg -i, the lab)"
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "installed"; then
    fail "$PKG is installed already; purge it first (the stray-file check needs a clean start)"
fi

WORK=$(mktemp -d /tmp/multi6d-package.XXXXXX)
installed_by_us=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if ((installed_by_us)); then
        echo "cleanup: purging $PKG" >&2
        dpkg --purge "$PKG" >/dev/null 2>&1 || echo "cleanup: purge of $PKG failed" >&2
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Paths containing "multi6d" where a package or its daemon can leave files
# (not the work trees: other builds on the machine may come and go), except
# caches, logs, dpkg's own records and the lab's run directories (labs of
# other test runs may come and go meanwhile).
multi6d_paths() {
    local roots=() d
    for d in /etc /usr /lib /var /run /opt /srv; do
        [[ -d $d && ! -L $d ]] && roots+=("$d")
    done
    find "${roots[@]}" \( -path /var/lib/dpkg -o -path /var/cache -o -path /var/log \
        -o -path /run/multi6d-lab -o -path /run/netns -o -path "$ROOT" -o -path "$WORK" \) \
        -prune -o -path '*multi6d*' -print 2>/dev/null | sort -u
}

step "tools"
if ! command -v lintian >/dev/null; then
    apt-get install -y --no-install-recommends lintian >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y --no-install-recommends lintian >/dev/null; } ||
        fail "cannot install lintian"
fi
lintian --version

if [[ -n ${M6_DEB:-} ]]; then
    deb=$M6_DEB
    echo "== package: using $deb (M6_DEB): no build, no lintian"
else
    step "build (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
    # From a copy: dpkg-buildpackage writes its results into the parent
    # directory and its build tree into the source tree.
    mkdir "$WORK/src"
    git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
        (cd "$ROOT" && tar --null -T - -cf -) | tar -xf - -C "$WORK/src"
    t0=$(date +%s%N)
    if ! (cd "$WORK/src" && dpkg-buildpackage -us -uc -b >"$WORK/build.log" 2>&1); then
        tail -n 80 "$WORK/build.log" >&2
        fail "dpkg-buildpackage failed (log above)"
    fi
    t1=$(date +%s%N)
    grep -E "tests passed|tests failed" "$WORK/build.log" || echo "(dh_auto_test: tests not run: nocheck)"
    deb=$(ls "$WORK"/${PKG}_*.deb)
    changes=$(ls "$WORK"/${PKG}_*.changes)

    step "lintian"
    if ! lintian --fail-on error,warning --display-info "$changes"; then
        fail "lintian reported errors or warnings"
    fi
    t2=$(date +%s%N)
    echo "timing: dpkg-buildpackage $(((t1 - t0) / 1000000000)) s, lintian $(((t2 - t1) / 1000000000)) s"
fi

step "install"
before=$(multi6d_paths)
dpkg -i "$deb"
installed_by_us=1
for f in /usr/sbin/multi6d /etc/multi6d/multi6d.toml "$UNIT" "$METRICS_SERVICE" "$METRICS_TIMER" \
    /etc/iproute2/rt_protos.d/multi6d.conf /usr/share/man/man8/multi6d.8.gz \
    /usr/share/man/man5/multi6d.toml.5.gz /usr/share/man/man5/multi6d-dbus.5.gz \
    /usr/share/man/man1/multi6ctl.1.gz /usr/share/doc/multi6d/copyright \
    /usr/share/doc/multi6d/examples/gai-writable-etc.conf \
    /usr/lib/systemd/networkd.conf.d/multi6d.conf; do
    [[ -e $f ]] || fail "$f is not installed"
done
# The D-Bus side's files are expected as soon as their sources are in the
# tree (dbus/CMakeLists.txt and dbus/multi6ctl/CMakeLists.txt install them).
expect_for_source() { # SOURCE-GLOB INSTALLED
    local sources
    sources=$(compgen -G "$ROOT/$1" || true)
    if [[ -n $sources ]]; then
        [[ -e $2 ]] || fail "$2 is not installed although $1 is in the tree"
    fi
}
expect_for_source "dbus/org.multi6d1.conf" /usr/share/dbus-1/system.d/org.multi6d1.conf
expect_for_source "dbus/org.multi6d.policy" /usr/share/polkit-1/actions/org.multi6d.policy
expect_for_source "dbus/multi6ctl/*completion*" /usr/share/bash-completion/completions/multi6ctl
if grep -q "add_executable(multi6ctl" "$ROOT/dbus/multi6ctl/CMakeLists.txt"; then
    [[ -x /usr/bin/multi6ctl ]] || fail "/usr/bin/multi6ctl is not installed"
fi
conffiles=$(dpkg-query -W -f='${Conffiles}\n' "$PKG")
for f in /etc/multi6d/multi6d.toml /etc/iproute2/rt_protos.d/multi6d.conf; do
    grep -q "^ $f " <<<"$conffiles" || fail "$f is not a conffile: $conffiles"
done
echo "ok: files and conffiles installed"

step "installed binary"
version=$(/usr/sbin/multi6d --version)
expected="multi6d $(dpkg-query -W -f='${Version}' "$PKG")"
[[ $version == "$expected" ]] || fail "--version says '$version', package is '$expected'"
echo "ok: $version"
out=$(/usr/sbin/multi6d --check-config --config /etc/multi6d/multi6d.toml) ||
    fail "--check-config rejects the packaged configuration file"
grep -q "^# multi6d effective configuration, from: /etc/multi6d/multi6d.toml$" <<<"$out" ||
    fail "--check-config did not read /etc/multi6d/multi6d.toml: $out"
# Without --config the daemon must find the same file by itself.
default_out=$(/usr/sbin/multi6d --check-config) || fail "--check-config (default file) failed"
[[ $default_out == "$out" ]] || fail "the built-in default config path is not /etc/multi6d/multi6d.toml"
echo "ok: --check-config accepts the packaged configuration"

step "systemd unit"
verify=$(systemd-analyze verify "$UNIT" 2>&1) || fail "systemd-analyze verify: $verify"
[[ -z $verify ]] || fail "systemd-analyze verify is not clean: $verify"
echo "ok: systemd-analyze verify is clean"
security=$(systemd-analyze security --offline=true --threshold="$SECURITY_THRESHOLD" "$UNIT" 2>&1) ||
    { echo "$security"; fail "systemd-analyze security: exposure above $SECURITY_THRESHOLD/10"; }
grep -E "^→ Overall exposure level" <<<"$security" ||
    { echo "$security"; fail "systemd-analyze security printed no score"; }
verify=$(systemd-analyze verify "$METRICS_SERVICE" "$METRICS_TIMER" 2>&1) ||
    fail "systemd-analyze verify (metrics units): $verify"
[[ -z $verify ]] || fail "systemd-analyze verify is not clean for the metrics units: $verify"
security=$(systemd-analyze security --offline=true --threshold="$METRICS_SECURITY_THRESHOLD" \
    "$METRICS_SERVICE" 2>&1) ||
    { echo "$security"; fail "metrics service: exposure above $METRICS_SECURITY_THRESHOLD/10"; }
grep -E "^→ Overall exposure level" <<<"$security" ||
    { echo "$security"; fail "systemd-analyze security printed no score for the metrics service"; }
# Disabled by default (debian/rules: --no-enable --no-start): no
# timers.target.wants link, and the maintainer scripts never start it.
for wants in /etc/systemd/system/timers.target.wants /etc/systemd/system/multi-user.target.wants; do
    [[ ! -e $wants/multi6d-metrics.timer ]] || fail "the package enabled multi6d-metrics.timer ($wants)"
done
if grep -q "deb-systemd-invoke.*multi6d-metrics" /var/lib/dpkg/info/multi6d.postinst; then
    fail "the postinst starts multi6d-metrics: $(grep -n multi6d-metrics /var/lib/dpkg/info/multi6d.postinst)"
fi
[[ -e /etc/systemd/system/multi-user.target.wants/multi6d.service ]] ||
    fail "multi6d.service itself is not enabled"
echo "ok: metrics timer and service installed, verified, not enabled, not started"

step "upgrade (install again)"
sum_before=$(md5sum /etc/multi6d/multi6d.toml)
after_install=$(multi6d_paths)
dpkg -i "$deb"
[[ $(md5sum /etc/multi6d/multi6d.toml) == "$sum_before" ]] || fail "the conffile changed on upgrade"
[[ $(multi6d_paths) == "$after_install" ]] ||
    fail "the upgrade left new files: $(comm -13 <(echo "$after_install") <(multi6d_paths))"
echo "ok: upgrade leaves the files as they were"

step "lab smoke test with /usr/sbin/multi6d"
M6_DAEMON=/usr/sbin/multi6d bash "$ROOT/tests/package/smoke-installed.sh"

step "purge"
dpkg --purge "$PKG"
installed_by_us=0
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "installed"; then
    fail "$PKG is still installed after purge"
fi
after=$(multi6d_paths)
stray=$(comm -13 <(echo "$before") <(echo "$after"))
[[ -z $stray ]] || fail "purge left stray files: $stray"
echo "ok: purge left no file behind"
echo "PASS: package built, lintian clean, installed, checked, smoke-tested and purged"
