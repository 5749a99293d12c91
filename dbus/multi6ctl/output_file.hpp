// `multi6ctl metrics -o FILE`: replaces FILE whole, so a reader (node
// exporter's textfile collector) never sees a half-written file: the text
// goes to a new temporary file in FILE's directory (".NAME.XXXXXX", which
// the collector ignores: it reads *.prom only), is fsync(2)ed, gets mode
// 0644 and is renamed over FILE; then the directory is fsynced.
#pragma once

#include <string>

namespace multi6d::ctl {

// Throws std::runtime_error "cannot write FILE: REASON"; on failure FILE
// is as it was and no temporary file is left behind.
void replace_file(const std::string& file, const std::string& text);

}  // namespace multi6d::ctl
