#!/bin/bash
# check-man.sh PAGE.gz...: each manual page renders with man(1) without a
# single warning (man --warnings turns on groff's warnings), at two terminal
# widths, since line-breaking warnings depend on the width, and has the
# sections every page here has.
set -uo pipefail

err_file=$(mktemp)
trap 'rm -f "$err_file"' EXIT
failed=0
for page in "$@"; do
    if [[ ! -s $page ]]; then
        echo "FAIL: $page is missing or empty" >&2
        failed=1
        continue
    fi
    for width in 60 80; do
        text=$(MANWIDTH=$width LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$page" 2>"$err_file")
        status=$?
        if ((status != 0)) || [[ -s $err_file ]]; then
            echo "FAIL: $page at width $width (exit $status):" >&2
            cat "$err_file" >&2
            failed=1
        fi
    done
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
