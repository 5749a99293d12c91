// What multi6d's MPTCP endpoint manager changed in the kernel, kept on disk
// in the runtime directory so that a restarted daemon (after SIGKILL or a
// crash) still knows which endpoints it created and which limits to give
// back. The kernel endpoint carries only an id, an address and flags, so
// ownership cannot be marked in the kernel itself (DESIGN.md §5 marks the
// other kernel state): the record is the mark.
//
// File format (written atomically: temp file, fsync, rename):
//   # multi6d mptcp endpoints v1
//   endpoint <id> <address>          one per endpoint created
//   adopted <id> <address> <flags>   another party's endpoint (NetworkManager's)
//                                    whose backup flag multi6d manages, with
//                                    its owner's flags, restored at stop
//   limits-original <subflows> <add_addr_accepted>   before the first change
//   limits-applied <subflows> <add_addr_accepted>    what was last written
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "address.hpp"
#include "mptcp_pm.hpp"

namespace multi6d {

struct AdoptedEndpoint {
    Address address;
    std::uint32_t original_flags = 0;  // its owner's flags before multi6d changed any
    friend bool operator==(const AdoptedEndpoint&, const AdoptedEndpoint&) = default;
};

struct MptcpRecord {
    std::map<std::uint8_t, Address> endpoints;        // id -> address
    std::map<std::uint8_t, AdoptedEndpoint> adopted;  // id -> another party's endpoint
    std::optional<MptcpLimits> original_limits;
    std::optional<MptcpLimits> applied_limits;

    bool empty() const {
        return endpoints.empty() && adopted.empty() && !original_limits && !applied_limits;
    }
    friend bool operator==(const MptcpRecord&, const MptcpRecord&) = default;
};

std::string format_record(const MptcpRecord& record);

// Parses format_record()'s output. On a malformed file returns nullopt and
// sets *error to "line N: what is wrong".
std::optional<MptcpRecord> parse_record(std::string_view text, std::string* error);

// The record's file. load() of a missing file is an empty record; save() of
// an empty record removes the file. Both throw std::runtime_error naming
// the file and the reason.
class MptcpRecordFile {
  public:
    explicit MptcpRecordFile(std::filesystem::path path) : path_(std::move(path)) {}
    MptcpRecord load() const;
    void save(const MptcpRecord& record) const;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace multi6d
