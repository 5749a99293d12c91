#!/bin/bash
# check-man.sh PAGE.gz...: each manual page renders with man(1) without a
# single warning (man --warnings turns on groff's warnings), at three
# terminal widths, since line-breaking warnings depend on the width.
set -uo pipefail

failed=0
for page in "$@"; do
    if [[ ! -s $page ]]; then
        echo "FAIL: $page is missing or empty" >&2
        failed=1
        continue
    fi
    for width in 60 80 120; do
        err=$(MANWIDTH=$width LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
        status=$?
        if ((status != 0)) || [[ -n $err ]]; then
            echo "FAIL: $page at width $width (exit $status):" >&2
            echo "$err" >&2
            failed=1
        fi
    done
    # The rendered page must have the sections every page here has.
    text=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -E UTF-8 -l "$page" 2>/dev/null)
    for section in NAME DESCRIPTION "SEE ALSO"; do
        if ! grep -q "^$section\$" <<<"$text"; then
            echo "FAIL: $page has no $section section" >&2
            failed=1
        fi
    done
done
if ((failed == 0)); then
    echo "ok: $# page(s) render without warnings"
fi
exit "$failed"
