#include "mptcp_record.hpp"

#include <stdexcept>
#include <vector>

#include "durable_file.hpp"
#include "small_file.hpp"

namespace multi6d {

namespace {

constexpr std::string_view file_header = "# multi6d mptcp endpoints v1";

// A line for each endpoint multi6d added or adopted (the kernel allows 8 by
// default, 255 at most) and two for the limits; a larger file is not ours.
constexpr std::size_t max_record_bytes = 1 << 20;

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> result;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ') {
            ++i;
        }
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ') {
            ++i;
        }
        if (i > start) {
            result.emplace_back(line.substr(start, i - start));
        }
    }
    return result;
}

// A decimal in [0, max]; nullopt otherwise.
std::optional<std::uint32_t> number(const std::string& text, std::uint32_t max) {
    if (text.empty() || text.size() > 10) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > max) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

std::optional<MptcpLimits> limits(const std::vector<std::string>& w) {
    if (w.size() != 3) {
        return std::nullopt;
    }
    const auto subflows = number(w[1], UINT32_MAX);
    const auto accepted = number(w[2], UINT32_MAX);
    if (!subflows || !accepted) {
        return std::nullopt;
    }
    return MptcpLimits{*subflows, *accepted};
}

}  // namespace

std::string format_record(const MptcpRecord& record) {
    using std::to_string;
    std::string text(file_header);
    text += '\n';
    for (const auto& [id, address] : record.endpoints) {
        text += "endpoint " + to_string(unsigned{id}) + ' ' + address.to_string() + '\n';
    }
    for (const auto& [id, a] : record.adopted) {
        text += "adopted " + to_string(unsigned{id}) + ' ' + a.address.to_string() + ' ' +
                to_string(a.original_flags) + '\n';
    }
    if (record.original_limits) {
        text += "limits-original " + to_string(record.original_limits->subflows) + ' ' +
                to_string(record.original_limits->add_addr_accepted) + '\n';
    }
    if (record.applied_limits) {
        text += "limits-applied " + to_string(record.applied_limits->subflows) + ' ' +
                to_string(record.applied_limits->add_addr_accepted) + '\n';
    }
    return text;
}

std::optional<MptcpRecord> parse_record(std::string_view text, std::string* error) {
    MptcpRecord record;
    unsigned line_number = 0;
    auto fail = [&](const std::string& what) {
        *error = "line " + std::to_string(line_number) + ": " + what;
        return std::nullopt;
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (line_number == 1 && line != file_header) {
            return fail("not a multi6d mptcp record (want \"" + std::string(file_header) + "\")");
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const std::vector<std::string> w = words(line);
        if (w.empty()) {
            continue;  // spaces only: blank too
        }
        if (w[0] == "endpoint") {
            const auto id = w.size() == 3 ? number(w[1], 255) : std::nullopt;
            const auto address = w.size() == 3 ? Address::parse(w[2]) : std::nullopt;
            if (!id || *id == 0 || !address) {
                return fail("malformed entry (want \"endpoint <id 1..255> <address>\")");
            }
            if (!record.endpoints.emplace(static_cast<std::uint8_t>(*id), *address).second) {
                return fail("endpoint id " + w[1] + " twice");
            }
        } else if (w[0] == "adopted") {
            const auto id = w.size() == 4 ? number(w[1], 255) : std::nullopt;
            const auto address = w.size() == 4 ? Address::parse(w[2]) : std::nullopt;
            const auto flags = w.size() == 4 ? number(w[3], UINT32_MAX) : std::nullopt;
            if (!id || *id == 0 || !address || !flags) {
                return fail("malformed entry (want \"adopted <id 1..255> <address> <flags>\")");
            }
            if (record.endpoints.count(static_cast<std::uint8_t>(*id)) != 0 ||
                !record.adopted
                     .emplace(static_cast<std::uint8_t>(*id), AdoptedEndpoint{*address, *flags})
                     .second) {
                return fail("endpoint id " + w[1] + " twice");
            }
        } else if (w[0] == "limits-original" || w[0] == "limits-applied") {
            const auto l = limits(w);
            if (!l) {
                return fail("malformed entry (want \"" + w[0] +
                            " <subflows> <add_addr_accepted>\")");
            }
            (w[0] == "limits-original" ? record.original_limits : record.applied_limits) = *l;
        } else {
            return fail("unknown entry \"" + w[0] + "\"");
        }
    }
    if (line_number == 0) {
        return fail("empty file");
    }
    return record;
}

MptcpRecord MptcpRecordFile::load() const {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) {
        if (ec) {
            throw std::runtime_error("read " + path_.string() + ": " + ec.message());
        }
        return {};  // a clean previous stop, or none: nothing is ours
    }
    const SmallFile read = read_small_file(path_.string(), max_record_bytes);
    if (read.status != SmallFile::Status::ok) {
        throw std::runtime_error("read " + path_.string() + ": " + read.error);
    }
    std::string error;
    std::optional<MptcpRecord> record = parse_record(read.text, &error);
    if (!record) {
        throw std::runtime_error(path_.string() + ": " + error);
    }
    return *record;
}

void MptcpRecordFile::save(const MptcpRecord& record) const {
    save_file(path_, record.empty() ? std::nullopt : std::optional(format_record(record)));
}

}  // namespace multi6d
