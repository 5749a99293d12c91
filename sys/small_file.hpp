// Small text files read whole: the configuration, the runtime records,
// /proc files. Plain open(2)/read(2) rather than <fstream>: a C++ stream
// constructs the std::locale, which maps about 0.6 MiB more of libstdc++
// into every process that does it (tests/bench/footprint), and the daemon
// needs none of what a locale offers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace multi6d {

struct SmallFile {
    enum class Status { ok, missing, failed };
    Status status = Status::failed;
    std::string text;   // the whole file (ok)
    std::string error;  // "cannot read: <strerror>" or "not read: <why>" (missing, failed)
};

// Reads all of `path` if it is a regular file (or /dev/null, which reads as
// nothing: `--config /dev/null` means the built-in defaults) of at most
// `max_bytes`. O_NONBLOCK, so a FIFO never blocks the caller; a file that
// grows past the limit while read is refused too. missing: ENOENT.
SmallFile read_small_file(const std::string& path, std::size_t max_bytes);

// The lines of `text`, without their '\n'; a last line without one counts.
std::vector<std::string_view> split_lines(std::string_view text);

// The words of `line`, separated by runs of spaces and tabs.
std::vector<std::string_view> split_words(std::string_view line);

}  // namespace multi6d
