// Writes the named RA corpus (tests/unit/ra_cases.hpp) as fuzz seeds, one file
// per case named after it, in the layout of fuzz_input.hpp:
//   make_ra_corpus DIR           write (overwrite) the seeds into DIR
//   make_ra_corpus --check DIR   exit 1 unless every seed in DIR is current
// The committed corpus is tests/fuzz/corpus/ra; ctest runs --check on it.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz_input.hpp"
#include "ra_cases.hpp"

namespace {

std::vector<std::uint8_t> seed(const multi6d::test::RaCase& c) {
    const bool global = c.source && !multi6d::test::address(*c.source).is_link_local();
    std::vector<std::uint8_t> bytes{static_cast<std::uint8_t>(c.hop_limit),
                                    global ? multi6d::fuzz::ra_source_global : std::uint8_t{0}};
    bytes.insert(bytes.end(), c.packet.begin(), c.packet.end());
    return bytes;
}

std::vector<std::uint8_t> read(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    const bool check = argc == 3 && std::strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check) {
        std::fprintf(stderr, "usage: %s [--check] DIR\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir(argv[argc - 1]);
    int stale = 0;
    for (const auto& c : multi6d::test::ra_cases()) {
        const auto file = dir / c.name;
        const auto bytes = seed(c);
        if (check) {
            if (!std::filesystem::exists(file) || read(file) != bytes) {
                std::fprintf(stderr, "%s is missing or stale; regenerate with %s %s\n",
                             file.c_str(), argv[0], dir.c_str());
                ++stale;
            }
            continue;
        }
        std::filesystem::create_directories(dir);
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        if (!out) {
            std::fprintf(stderr, "cannot write %s\n", file.c_str());
            return 1;
        }
    }
    return stale == 0 ? 0 : 1;
}
