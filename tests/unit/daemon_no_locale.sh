#!/bin/bash
# The daemon imports no C++ stream or std::locale symbol (issue 14): one
# std::ostringstream, std::ifstream or <iostream> anywhere in it constructs
# the std::locale, which keeps about 0.6 MiB more of libstdc++ mapped for
# the daemon's life (tests/bench/footprint). sys/small_file.hpp and stdio
# are what the daemon uses instead; multi6ctl, a short-lived client, may
# use streams.
# usage: daemon_no_locale.sh MULTI6D_BINARY
set -euo pipefail
binary=${1:?usage: daemon_no_locale.sh MULTI6D_BINARY}
symbols=$(nm -D --undefined-only "$binary" | c++filt)
[[ -n $symbols ]] || { echo "no dynamic symbols read from $binary" >&2; exit 1; }
found=$(grep -E 'std::(locale|ios_base|basic_(i|o|io)stream|basic_[io]?stringstream|basic_[io]?fstream|basic_filebuf|basic_stringbuf)' <<<"$symbols" || true)
if [[ -n $found ]]; then
    echo "$binary imports C++ stream or locale symbols:" >&2
    echo "$found" >&2
    exit 1
fi
echo "no C++ stream or locale symbol among $(wc -l <<<"$symbols") imports"
