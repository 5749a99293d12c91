// Keeps multi6d's block in glibc's gai.conf (DESIGN.md §3.5, §5): the I/O
// around the pure policy/gai_conf.hpp.
//
// Contract:
// - The file is read afresh on every call (the administrator may have edited
//   it); a missing file reads as empty. If the path is a symlink, its target
//   is what gets read and replaced; the symlink stays.
// - The new content replaces the file atomically: a temporary file in the
//   same directory, fsync, rename over the file, fsync of the directory. The
//   new file gets the old one's mode and owner, 0644 and the writer's owner
//   when the file is new. Its mtime is made strictly newer than the old one,
//   so processes running with `reload yes` (glibc compares the mtime) see
//   every change even within one timestamp tick.
// - Nothing is written when the content would not change, and a missing
//   file is not created just to hold nothing.
// - restore() removes every multi6d block and stray marker; if multi6d
//   created the file (the block holds gai_created_note) and only white space
//   is left, it deletes the file instead.
// - Failures throw GaiConfError naming the path and the errno text; the
//   file is then unchanged (a temporary file is removed again).
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "address.hpp"
#include "gai_conf.hpp"

namespace multi6d {

class GaiConfError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct GaiConfUpdate {
    bool changed = false;  // the file was written or deleted
    // multi6d rows left out because the administrator's lines set the same
    // prefix (worth a warning: glibc and the kernel then disagree).
    std::vector<Prefix> shadowed_labels;
    std::vector<Prefix> shadowed_precedences;
    // 1-based line numbers of markers without a partner (worth a warning:
    // the lines after a stray BEGIN were kept as the administrator's).
    std::vector<std::size_t> stray_markers;
};

class GaiConfWriter {
  public:
    // `file`: GaiSettings::file, normally /etc/gai.conf.
    explicit GaiConfWriter(std::filesystem::path file);

    // Makes the file's block the one for `input` (or removes it when the
    // input calls for none).
    GaiConfUpdate apply(const GaiInput& input);

    // Removes multi6d's block (at stop; also fine at start to clear a
    // crashed run's block).
    GaiConfUpdate restore();

    const std::filesystem::path& file() const { return file_; }

  private:
    std::filesystem::path file_;
};

}  // namespace multi6d
