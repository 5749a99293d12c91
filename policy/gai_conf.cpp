#include "gai_conf.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <climits>
#include <map>

#include "policy_table.hpp"

namespace multi6d {

namespace {

constexpr std::string_view begin_key = "# BEGIN multi6d";
constexpr std::string_view end_key = "# END multi6d";

// The white space glibc's isspace() knows in the C locale.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// The file's lines, each with its '\n' (the last one may lack it).
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::size_t length = end == std::string_view::npos ? text.size() : end + 1;
        lines.push_back(text.substr(0, length));
        text.remove_prefix(length);
    }
    return lines;
}

enum class LineKind { Other, Begin, End };

LineKind kind_of(std::string_view line) {
    const std::string_view t = trim(line);
    if (t.starts_with(begin_key)) {
        return LineKind::Begin;
    }
    if (t.starts_with(end_key)) {
        return LineKind::End;
    }
    return LineKind::Other;
}

// Unsigned decimal as glibc's strtoul() + "*endp == '\0'" check accepts it
// for these fields: digits only; an empty field reads as 0.
std::optional<unsigned long> parse_number(std::string_view s) {
    unsigned long value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const unsigned long digit = static_cast<unsigned long>(c - '0');
        if (value > (ULONG_MAX - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    return value;
}

// `label`/`precedence` value 1: an IPv6 address, optionally "/bits".
std::optional<Prefix> parse_gai_prefix(std::string_view s) {
    const std::size_t slash = s.find('/');
    const std::string address(s.substr(0, slash));
    in6_addr raw{};
    if (::inet_pton(AF_INET6, address.c_str(), &raw) != 1) {
        return std::nullopt;
    }
    unsigned long bits = 128;
    if (slash != std::string_view::npos) {
        const auto parsed = parse_number(s.substr(slash + 1));
        if (!parsed || *parsed > 128) {
            return std::nullopt;
        }
        bits = *parsed;
    }
    Address::Bytes bytes{};
    std::copy(std::begin(raw.s6_addr), std::end(raw.s6_addr), bytes.begin());
    return Prefix(Address(bytes), static_cast<unsigned>(bits));
}

// Always the IPv6 spelling: glibc parses these fields with
// inet_pton(AF_INET6), so Prefix::to_string()'s dotted IPv4 form would be
// rejected.
std::string gai_prefix_text(const Prefix& prefix) {
    char buffer[INET6_ADDRSTRLEN];
    in6_addr raw{};
    std::copy(prefix.address().bytes().begin(), prefix.address().bytes().end(), raw.s6_addr);
    ::inet_ntop(AF_INET6, &raw, buffer, sizeof buffer);
    return std::string(buffer) + "/" + std::to_string(prefix.length());
}

Prefix ipv4_mapped() {
    return *Prefix::parse("::ffff:0:0/96");
}

bool only_white_space(std::string_view s) {
    return std::all_of(s.begin(), s.end(), is_space);
}

// Rows of one table: the base column (unless the administrator has a table
// of this kind), then multi6d's rows on top, minus the administrator's
// prefixes.
std::map<Prefix, std::uint32_t> table_rows(const PolicyTable& base, bool admin_has_table,
                                           bool use_label,
                                           const std::map<Prefix, std::uint32_t>& own,
                                           const std::set<Prefix>& admin,
                                           std::vector<Prefix>& shadowed) {
    std::map<Prefix, std::uint32_t> rows;
    if (!admin_has_table) {
        for (const PolicyRow& row : base.rows()) {
            rows[row.prefix] = use_label ? row.label : row.precedence;
        }
    }
    for (const auto& [prefix, value] : own) {
        if (admin.contains(prefix)) {
            shadowed.push_back(prefix);
        } else {
            rows[prefix] = value;
        }
    }
    return rows;
}

void append_rows(std::string& out, std::string_view keyword,
                 const std::map<Prefix, std::uint32_t>& rows) {
    for (const auto& [prefix, value] : rows) {
        out += keyword;
        out += ' ';
        out += gai_prefix_text(prefix);
        out += ' ';
        out += std::to_string(value);
        out += '\n';
    }
}

std::string assemble(const GaiFileParts& parts, std::optional<std::string_view> block) {
    if (!block || block->empty()) {
        return parts.admin_text;
    }
    std::string out = parts.admin_text;
    if (parts.block_at) {
        out.insert(*parts.block_at, *block);
        return out;
    }
    if (!out.empty() && out.back() != '\n') {
        out += '\n';
    }
    out += *block;
    return out;
}

}  // namespace

GaiFileParts split_gai_conf(std::string_view text) {
    const std::vector<std::string_view> lines = split_lines(text);
    // in_block[i]: line i belongs to a well-formed block; stray[i]: a stray
    // marker.
    std::vector<bool> in_block(lines.size(), false);
    std::vector<bool> stray(lines.size(), false);
    GaiFileParts parts;
    // The line of the BEGIN not yet closed, none_open if none. (A plain
    // index: gcc 12 at -Os warns that an std::optional here "may be used
    // uninitialized", a false positive that -Werror would stop on.)
    constexpr std::size_t none_open = static_cast<std::size_t>(-1);
    std::size_t open = none_open;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        switch (kind_of(lines[i])) {
            case LineKind::Begin:
                if (open != none_open) {
                    stray[open] = true;  // a BEGIN with no END before this BEGIN
                }
                open = i;
                break;
            case LineKind::End:
                if (open != none_open) {
                    std::fill(in_block.begin() + static_cast<std::ptrdiff_t>(open),
                              in_block.begin() + static_cast<std::ptrdiff_t>(i) + 1, true);
                    ++parts.blocks;
                    open = none_open;
                } else {
                    stray[i] = true;
                }
                break;
            case LineKind::Other:
                break;
        }
    }
    if (open != none_open) {
        stray[open] = true;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (stray[i]) {
            parts.stray_markers.push_back(i + 1);
            continue;
        }
        if (in_block[i]) {
            if (!parts.block_at) {
                parts.block_at = parts.admin_text.size();
            }
            if (trim(lines[i]) == gai_created_note) {
                parts.created_by_multi6d = true;
            }
            continue;
        }
        parts.admin_text += lines[i];
    }
    return parts;
}

GaiAdminLines scan_gai_admin_lines(std::string_view admin_text) {
    GaiAdminLines admin;
    for (std::string_view line : split_lines(admin_text)) {
        line = line.substr(0, line.find('#'));  // glibc: '#' starts a comment anywhere
        std::vector<std::string_view> fields;
        while (fields.size() < 3) {
            line = trim(line);
            if (line.empty()) {
                break;
            }
            const auto end = std::find_if(line.begin(), line.end(), is_space);
            const auto length = static_cast<std::size_t>(end - line.begin());
            fields.push_back(line.substr(0, length));
            line.remove_prefix(length);
        }
        if (fields.empty()) {
            continue;
        }
        fields.resize(3);  // missing values read as empty, as in glibc
        if (fields[0] == "reload") {
            admin.reload = true;
            continue;
        }
        if (fields[0] != "label" && fields[0] != "precedence") {
            continue;
        }
        const auto prefix = parse_gai_prefix(fields[1]);
        const auto value = parse_number(fields[2]);
        if (!prefix || !value || *value > static_cast<unsigned long>(INT_MAX)) {
            continue;  // glibc ignores the line
        }
        (fields[0] == "label" ? admin.labels : admin.precedences).insert(*prefix);
    }
    return admin;
}

GaiBlock render_gai_block(const GaiInput& input, const GaiAdminLines& admin, bool created_file) {
    GaiBlock block;
    std::map<Prefix, std::uint32_t> own_labels;
    for (const LabelRow& row : input.labels) {
        // glibc wants values <= INT_MAX; multi6d's labels are far below.
        if (row.ifindex == 0 && row.label.value <= static_cast<std::uint32_t>(INT_MAX)) {
            own_labels.emplace(row.prefix, row.label.value);  // set order: lowest label first
        }
    }
    const PolicyTable base = input.table == PolicyTableChoice::Rfc6724
                                 ? PolicyTable::rfc6724_default()
                                 : PolicyTable::rfc6724_update_default();
    const bool complete = input.complete();
    std::map<Prefix, std::uint32_t> labels;
    if (!own_labels.empty() || complete) {
        labels = table_rows(base, !admin.labels.empty(), true, own_labels, admin.labels,
                            block.shadowed_labels);
    }
    std::map<Prefix, std::uint32_t> precedences;
    if (input.ipv6_down || complete) {
        std::map<Prefix, std::uint32_t> own_precedences;
        for (const Prefix& k : input.known_local) {
            own_precedences.emplace(k, known_local_precedence);
        }
        if (input.ipv6_down) {
            own_precedences[ipv4_mapped()] = gai_ipv4_preferred_precedence;
        }
        precedences = table_rows(base, !admin.precedences.empty(), false, own_precedences,
                                 admin.precedences, block.shadowed_precedences);
    }
    if (labels.empty() && precedences.empty()) {
        return block;
    }
    std::string& out = block.text;
    out += gai_begin_marker;
    out += '\n';
    out += "# RFC 6724 policy rows matching multi6d's kernel address labels; see multi6d(8).\n";
    if (input.table == PolicyTableChoice::Rfc6724Update) {
        out +=
            "# Default table: draft-ietf-6man-rfc6724-update (multi6d.toml(5), "
            "[address_selection]).\n";
    }
    if (created_file) {
        out += gai_created_note;
        out += '\n';
    }
    if (!admin.reload) {
        // Without it, running processes would never see a failover.
        out += "reload yes\n";
    }
    append_rows(out, "label", labels);
    append_rows(out, "precedence", precedences);
    out += gai_end_marker;
    out += '\n';
    return block;
}

std::string merge_gai_conf(std::string_view text, std::optional<std::string_view> block) {
    return assemble(split_gai_conf(text), block);
}

GaiPlan plan_gai_conf(std::string_view current, bool file_exists, const GaiInput& input) {
    const GaiFileParts parts = split_gai_conf(current);
    const GaiAdminLines admin = scan_gai_admin_lines(parts.admin_text);
    GaiPlan plan;
    plan.block = render_gai_block(input, admin, !file_exists || parts.created_by_multi6d);
    plan.text = assemble(parts, plan.block.text);
    plan.remove_file =
        plan.block.text.empty() && parts.created_by_multi6d && only_white_space(parts.admin_text);
    plan.stray_markers = parts.stray_markers;
    return plan;
}

GaiRestorePlan plan_gai_restore(std::string_view current) {
    GaiFileParts parts = split_gai_conf(current);
    GaiRestorePlan plan;
    plan.remove_file = parts.created_by_multi6d && only_white_space(parts.admin_text);
    plan.text = std::move(parts.admin_text);
    plan.stray_markers = std::move(parts.stray_markers);
    return plan;
}

}  // namespace multi6d
