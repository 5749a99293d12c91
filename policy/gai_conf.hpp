// The multi6d block in glibc's /etc/gai.conf (DESIGN.md §3.5): pure
// rendering of the block from the kernel label rows, and a pure merge of the
// block into the administrator's file. No I/O here; service/gai_conf_writer
// reads and writes the file.
//
// Why a block at all (rfc-digest §1.8): glibc sorts getaddrinfo() results
// with its own policy table, but takes Source(D) from the kernel (UDP
// connect() + getsockname()), whose choice follows `ip addrlabel`. When the
// kernel's labels steer a destination to a source that glibc's table labels
// differently, glibc's Rule 5 demotes that destination. The block gives
// glibc the same label rows (same numbers) as the kernel.
//
// glibc facts the rendering rests on (glibc 2.36 gaiconf_init):
// - any valid `label` line replaces glibc's WHOLE built-in label table, and
//   any `precedence` line the whole precedence table; lines of one kind from
//   the whole file (administrator's and ours) form that table;
// - two rows for the same prefix leave the winner undefined (qsort is not
//   stable), so the block never repeats a prefix the administrator set;
// - '#' starts a comment anywhere, so the marker lines are comments;
// - the file is read once per process unless `reload yes`.
//
// Block contents (each line ends in '\n'):
//   BEGIN marker, a comment, `reload yes` (unless the administrator has a
//   `reload` line: theirs decides), then
//   - when there is any usable multi6d label row, or the input is
//     complete(): a complete label table, i.e. the label column of the
//     configured table (RFC 6724 §2.1 or draft-ietf-6man-rfc6724-update
//     §3.1: the same labels; unless the administrator already has `label`
//     lines: then theirs is the base table) with multi6d's rows replacing or
//     adding rows;
//   - when every IPv6 path is down, or the input is complete(): a complete
//     precedence table, the configured table's precedence column (unless
//     the administrator has `precedence` lines) with a row of precedence 45
//     per known-local ULA prefix and, while every path is down,
//     ::ffff:0:0/96 raised to 100 as in RFC 6724 §10.3 (prefer IPv4;
//     §10.3.1 allows doing this automatically when IPv6 is broken). With
//     table "rfc6724", no known-local prefix and IPv6 up the block has no
//     precedence line, so glibc keeps its built-in precedences (or the
//     administrator's);
//   END marker.
//   A block with neither label nor precedence lines is not written at all.
// Rows set by the administrator outside the block always win (RFC 6724 §2.1:
// automatic rows never override a row configured by other means); multi6d
// rows they shadow are reported so the daemon can warn.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "address.hpp"
#include "config.hpp"
#include "kernel_state.hpp"

namespace multi6d {

// A line is a marker if, with leading and trailing white space removed, it
// starts with the marker's first word pair ("# BEGIN multi6d", "# END
// multi6d"); the full texts are what multi6d writes.
inline constexpr std::string_view gai_begin_marker =
    "# BEGIN multi6d - managed automatically; edits inside this block are lost";
inline constexpr std::string_view gai_end_marker = "# END multi6d";
// Written inside the block when multi6d created the file, so that any later
// run (also after a crash) knows it may delete the file again.
inline constexpr std::string_view gai_created_note =
    "# multi6d created this file: it is deleted when this block is removed and nothing else is "
    "left";
// RFC 6724 §10.3: the example table that prefers IPv4 raises ::ffff:0:0/96
// to 100 (also what Debian's gai.conf suggests).
inline constexpr std::uint32_t gai_ipv4_preferred_precedence = 100;

struct GaiInput {
    // The label rows multi6d puts in the kernel (decide_routing().labels):
    // path prefixes, 2000::/3 → best path, RIO destinations. Rows with an
    // ifindex are left out (gai.conf has no per-interface rows); for a
    // prefix repeated with different labels the lowest label is used.
    std::set<LabelRow> labels;
    // Every IPv6 path is down: prefer IPv4 (RFC 6724 §10.3.1).
    bool ipv6_down = false;
    // The base table ([address_selection] table). The default here keeps
    // the RFC 6724 behaviour for a default-constructed input; decide() sets
    // the configured one.
    PolicyTableChoice table = PolicyTableChoice::Rfc6724;
    // Known-local ULA prefixes: precedence rows of known_local_precedence
    // (their label rows are among `labels`).
    std::vector<Prefix> known_local;
    // Whether the block carries both complete tables whatever the paths do:
    // glibc's built-in table is RFC 3484's, so any table but RFC 6724's
    // with nothing of multi6d's on top has to be written out in full.
    bool complete() const { return table != PolicyTableChoice::Rfc6724 || !known_local.empty(); }
    friend bool operator==(const GaiInput&, const GaiInput&) = default;
};

// What the administrator's own lines (outside any multi6d block) set,
// parsed the way glibc parses them (invalid lines are ignored, as glibc
// ignores them).
struct GaiAdminLines {
    std::set<Prefix> labels;       // prefixes of valid `label` lines
    std::set<Prefix> precedences;  // prefixes of valid `precedence` lines
    bool reload = false;           // any `reload` line
};

struct GaiBlock {
    // BEGIN..END, every line ending in '\n'; empty: no block is wanted.
    std::string text;
    // multi6d rows left out because an administrator's row has the prefix.
    std::vector<Prefix> shadowed_labels;
    std::vector<Prefix> shadowed_precedences;
};

// An existing file taken apart.
//
// Blocks: a block is a BEGIN line, then an END line with no BEGIN line in
// between. Every block found is removed (duplicates included).
// Malformed markers (decision): a BEGIN line with no END before the next
// BEGIN or the end of the file, and an END line with no open BEGIN, are
// "stray". A stray marker line itself is dropped (it is multi6d's), but the
// lines after a stray BEGIN stay in the file as administrator lines: multi6d
// cannot tell where a truncated block ended, and eating an administrator's
// lines would be worse than leaving stale rows (which then count as the
// administrator's, show up as shadowing, and are for a human to remove).
struct GaiFileParts {
    // The file without blocks and stray markers: every other byte in order.
    std::string admin_text;
    // Offset in admin_text where the first block stood; nullopt: no block.
    std::optional<std::size_t> block_at;
    std::size_t blocks = 0;                  // well-formed blocks removed
    std::vector<std::size_t> stray_markers;  // their 1-based line numbers
    bool created_by_multi6d = false;         // a block held gai_created_note
};

GaiFileParts split_gai_conf(std::string_view text);

GaiAdminLines scan_gai_admin_lines(std::string_view admin_text);

// The block for `input`, given the administrator's lines. `created_file`
// adds gai_created_note.
GaiBlock render_gai_block(const GaiInput& input, const GaiAdminLines& admin,
                          bool created_file = false);

// The file with `block` in it (or with no block when nullopt or empty):
// every byte outside blocks and stray markers is kept in order. The block
// goes where the first existing block stood, otherwise at the end (after a
// '\n' if the file's last line lacks one: the only byte ever added to
// administrator text).
std::string merge_gai_conf(std::string_view text, std::optional<std::string_view> block);

// Everything the writer needs for one update, computed purely.
struct GaiPlan {
    std::string text;  // the new file content
    GaiBlock block;    // what was rendered (for shadowing reports)
    // No block is wanted, multi6d created the file and only white space
    // would be left: delete the file instead of writing `text`.
    bool remove_file = false;
    std::vector<std::size_t> stray_markers;
};

// `current`: the file's content ("" when missing); `file_exists`: whether it
// was there (a missing file gets gai_created_note in its block, and a file
// whose block holds the note keeps it).
GaiPlan plan_gai_conf(std::string_view current, bool file_exists, const GaiInput& input);

struct GaiRestorePlan {
    std::string text;          // the file without multi6d's block
    bool remove_file = false;  // multi6d created it and only white space is left
    std::vector<std::size_t> stray_markers;
};

GaiRestorePlan plan_gai_restore(std::string_view current);

}  // namespace multi6d
