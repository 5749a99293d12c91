// A directory of its own under /tmp for one test, removed with everything in
// it when the test ends. The unit tests that write files (records, gai.conf,
// fake /proc/sys) work inside one, never in the real paths.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace multi6d::test {

class TempDir {
  public:
    // /tmp/NAME-XXXXXX; throws if it cannot be made (the test then fails).
    explicit TempDir(const std::string& name) {
        std::string pattern = "/tmp/" + name + "-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
        }
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace multi6d::test
