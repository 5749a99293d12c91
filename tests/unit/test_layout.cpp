// The source layout (README "Layout"): every folder of production code is
// one CMake library, and a folder includes headers only from the folders it
// may depend on, so there is no include cycle between folders and policy/
// does no I/O. Reads the tree's #include lines against the table below; a
// new folder, a new dependency or a system header in policy/ fails here
// until the table (and README's layout table) says so.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path source_dir = MULTI6D_SOURCE_DIR;

// Folder -> the folders its files may include from (itself always). The
// generated D-Bus glue, build_info.hpp and the bpftool skeletons are
// "generated".
const std::map<std::string, std::set<std::string>> allowed = {
    {"policy", {}},
    {"sys", {}},
    {"service/kernel", {"sys", "policy"}},
    {"service/gai", {"sys", "policy"}},
    {"service/mptcp", {"service/kernel", "sys", "policy"}},
    {"service/probe", {"sys", "policy"}},
    {"service/ndisc", {"sys", "policy"}},
    {"service/bpf", {"sys", "policy", "generated"}},
    {"dbus", {"sys", "policy", "generated"}},
    {"dbus/multi6ctl", {"dbus", "generated"}},
    {"service",
     {"service/kernel", "service/gai", "service/mptcp", "service/probe", "service/ndisc",
      "service/bpf", "dbus", "sys", "policy", "generated"}},
};

const std::set<std::string> generated_headers = {"manager1_adaptor.h", "manager1_proxy.h",
                                                 "build_info.hpp",
                                                 // bpftool skeletons (service/bpf)
                                                 "app_source.skel.h", "mptcpify.skel.h"};

// policy/ is pure: beyond the C++ library (names without ".h") only these
// headers, which declare data types and text conversions, not system calls.
const std::set<std::string> policy_c_headers = {"arpa/inet.h", "netinet/in.h", "toml++/toml.h"};
// ... and none of the parts of the C++ library that do I/O or read clocks.
const std::set<std::string> policy_forbidden = {"fstream", "iostream", "filesystem", "thread",
                                                "future",  "random",   "ctime",      "csignal"};

bool is_source(const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".cpp" || ext == ".hpp" || ext == ".h";
}

std::vector<fs::path> sources_in(const std::string& folder) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source_dir / folder)) {
        if (entry.is_regular_file() && is_source(entry.path())) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Include {
    std::string name;
    bool quoted;
};

std::vector<Include> includes_of(const fs::path& file) {
    static const std::regex line(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
    std::vector<Include> found;
    std::ifstream in(file);
    std::string text;
    while (std::getline(in, text)) {
        std::smatch m;
        if (std::regex_search(text, m, line)) {
            found.push_back({m[2].str(), m[1].str() == "\""});
        }
    }
    return found;
}

// Header name -> folder. Includes are by bare name, so a name must be unique.
std::map<std::string, std::string> header_index(std::vector<std::string>& clashes) {
    std::map<std::string, std::string> index;
    for (const auto& [folder, deps] : allowed) {
        for (const fs::path& file : sources_in(folder)) {
            const std::string name = file.filename().string();
            if (file.extension() == ".cpp") {
                continue;
            }
            const auto [it, inserted] = index.emplace(name, folder);
            if (!inserted) {
                clashes.push_back(name + " in " + it->second + " and " + folder);
            }
        }
    }
    for (const std::string& name : generated_headers) {
        index.emplace(name, "generated");
    }
    return index;
}

TEST(Layout, DependencyTableHasNoCycle) {
    std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
    std::vector<std::string> cycle;
    std::function<bool(const std::string&)> visit = [&](const std::string& folder) {
        if (state[folder] == 1) {
            cycle.push_back(folder);
            return true;
        }
        if (state[folder] == 2 || !allowed.contains(folder)) {
            return false;
        }
        state[folder] = 1;
        for (const std::string& dep : allowed.at(folder)) {
            if (visit(dep)) {
                cycle.push_back(folder);
                return true;
            }
        }
        state[folder] = 2;
        return false;
    };
    for (const auto& [folder, deps] : allowed) {
        ASSERT_FALSE(visit(folder)) << "cycle through " << ::testing::PrintToString(cycle);
    }
}

TEST(Layout, EveryProductionFolderIsInTheTable) {
    for (const char* top : {"policy", "sys", "service", "dbus"}) {
        for (const auto& entry : fs::recursive_directory_iterator(source_dir / top)) {
            if (!entry.is_directory()) {
                continue;
            }
            const std::string folder = fs::relative(entry.path(), source_dir).string();
            if (sources_in(folder).empty()) {
                continue;
            }
            EXPECT_TRUE(allowed.contains(folder))
                << folder << " holds sources but is not in the table";
        }
    }
}

TEST(Layout, EveryFolderIsOneLibrary) {
    static const std::regex add_library(R"(\badd_library\s*\(\s*([A-Za-z0-9_]+))");
    for (const auto& [folder, deps] : allowed) {
        std::ifstream in(source_dir / folder / "CMakeLists.txt");
        ASSERT_TRUE(in) << folder << "/CMakeLists.txt is missing";
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        const auto count = std::distance(
            std::sregex_iterator(text.begin(), text.end(), add_library), std::sregex_iterator());
        EXPECT_EQ(count, 1) << folder << "/CMakeLists.txt should define exactly one library";
    }
}

TEST(Layout, HeaderNamesAreUnique) {
    std::vector<std::string> clashes;
    header_index(clashes);
    EXPECT_TRUE(clashes.empty()) << ::testing::PrintToString(clashes);
}

TEST(Layout, FoldersIncludeOnlyWhatTheyMayDependOn) {
    std::vector<std::string> clashes;
    const auto index = header_index(clashes);
    for (const auto& [folder, deps] : allowed) {
        for (const fs::path& file : sources_in(folder)) {
            for (const Include& inc : includes_of(file)) {
                if (!inc.quoted) {
                    continue;
                }
                const auto it = index.find(inc.name);
                if (it == index.end()) {
                    ADD_FAILURE() << file << " includes \"" << inc.name
                                  << "\", which no folder in the table holds";
                    continue;
                }
                EXPECT_TRUE(it->second == folder || deps.contains(it->second))
                    << folder << "/" << file.filename().string() << " includes " << it->second
                    << "/" << inc.name;
            }
        }
    }
}

TEST(Layout, PolicyIncludesNoSystemIo) {
    for (const fs::path& file : sources_in("policy")) {
        for (const Include& inc : includes_of(file)) {
            if (inc.quoted) {
                continue;
            }
            const bool c_header =
                inc.name.ends_with(".h") || inc.name.find('/') != std::string::npos;
            if (c_header) {
                EXPECT_TRUE(policy_c_headers.contains(inc.name))
                    << file.filename().string() << " includes <" << inc.name << ">";
            } else {
                EXPECT_FALSE(policy_forbidden.contains(inc.name))
                    << file.filename().string() << " includes <" << inc.name << ">";
            }
        }
    }
}

}  // namespace
