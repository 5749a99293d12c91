#!/bin/bash
# check-dbus-doc.sh MANPAGE.scd DBUS_DIR: multi6d-dbus(5) documents exactly
# the interface that dbus/*.xml declares and the adaptor raises:
#   - every <method>, <property> and <signal> of every org.multi6d interface
#     has an entry (a line "*Name*..." in # METHODS, # PROPERTIES, # SIGNALS),
#     and every entry there exists in the XML;
#   - every error name org.multi6d.Error.* found in DBUS_DIR (XML, C++ or
#     anything else there) has an entry in # ERRORS, and vice versa;
#   - every org.multi6d interface name appears in the page.
set -euo pipefail

page=$1
dir=$2
shopt -s nullglob
xml=("$dir"/*.xml)
((${#xml[@]} > 0)) || { echo "FAIL: no interface XML in $dir" >&2; exit 1; }

# Names of one kind of member (method/property/signal) in the org.multi6d
# interfaces of the XML files, one a line, sorted.
xml_members() {
    awk -v kind="$1" '
        match($0, /<interface[ \t]+name="[^"]*"/) {
            s = substr($0, RSTART, RLENGTH); sub(/.*name="/, "", s); sub(/"$/, "", s)
            ours = (s ~ /^org\.multi6d\./)
        }
        ours && match($0, "<" kind "[ \t]+name=\"[^\"]*\"") {
            s = substr($0, RSTART, RLENGTH); sub(/.*name="/, "", s); sub(/"$/, "", s)
            print s
        }' "${xml[@]}" | sort -u
}

# Entries of one section of the man page: lines "*Name*..." at column 0.
page_entries() {
    awk -v section="$1" '
        /^# / { in_section = ($0 == "# " section); next }
        in_section && match($0, /^\*[A-Za-z0-9_.\\]+\*/) {
            s = substr($0, 2, RLENGTH - 2); gsub(/\\/, "", s); print s
        }' "$page" | sort -u
}

failed=0
compare() { # WHAT EXPECTED ACTUAL
    local missing extra
    missing=$(comm -23 <(printf '%s\n' "$2" | sed '/^$/d') <(printf '%s\n' "$3" | sed '/^$/d'))
    extra=$(comm -13 <(printf '%s\n' "$2" | sed '/^$/d') <(printf '%s\n' "$3" | sed '/^$/d'))
    if [[ -n $missing ]]; then
        echo "FAIL: $1 not documented in $(basename "$page"): $(tr '\n' ' ' <<<"$missing")" >&2
        failed=1
    fi
    if [[ -n $extra ]]; then
        echo "FAIL: $1 documented but not in the interface: $(tr '\n' ' ' <<<"$extra")" >&2
        failed=1
    fi
    if [[ -z $missing && -z $extra ]]; then
        echo "ok: $1: $(sed '/^$/d' <<<"$2" | wc -l) documented"
    fi
}

compare methods "$(xml_members method)" "$(page_entries METHODS)"
compare properties "$(xml_members property)" "$(page_entries PROPERTIES)"
compare signals "$(xml_members signal)" "$(page_entries SIGNALS)"
errors=$(grep -rhoE 'org\.multi6d\.Error\.[A-Za-z0-9]+' "$dir" | sort -u || true)
compare errors "$errors" "$(page_entries ERRORS)"

interfaces=$(grep -hoE '<interface[[:space:]]+name="org\.multi6d\.[^"]+"' "${xml[@]}" |
    sed 's/.*name="//; s/"$//' | sort -u)
while read -r iface; do
    [[ -z $iface ]] && continue
    if ! grep -qF "$iface" "$page"; then
        echo "FAIL: interface $iface not named in $(basename "$page")" >&2
        failed=1
    fi
done <<<"$interfaces"
exit "$failed"
