// Whole reads of small files and their lines and words (sys/small_file.hpp).
// The configuration loader's cases (FIFO, /dev/null, drop-ins) are in
// test_config_loader.cpp.
#include "small_file.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "durable_file.hpp"

namespace multi6d {
namespace {

using Views = std::vector<std::string_view>;

TEST(SmallFile, ReadsARegularFileWhole) {
    const test::TempDir tmp("m6d-small");
    const auto file = tmp.path() / "f";
    const std::string content = std::string(70000, 'x') + "\nend";
    save_file(file, content);
    const SmallFile read = read_small_file(file.string(), 1 << 20);
    EXPECT_EQ(read.status, SmallFile::Status::ok);
    EXPECT_EQ(read.text, content);
}

// /proc files report st_size 0; the buffer grows as they are read.
TEST(SmallFile, ReadsProcFilesWhoseSizeIsZero) {
    const SmallFile read = read_small_file("/proc/self/status", 1 << 16);
    ASSERT_EQ(read.status, SmallFile::Status::ok) << read.error;
    EXPECT_NE(read.text.find("\nPid:\t" + std::to_string(::getpid()) + "\n"), std::string::npos);
}

TEST(SmallFile, MissingIsToldApartFromFailed) {
    const test::TempDir tmp("m6d-small");
    const SmallFile missing = read_small_file((tmp.path() / "none").string(), 100);
    EXPECT_EQ(missing.status, SmallFile::Status::missing);
    EXPECT_EQ(missing.error, "cannot read: No such file or directory");
    EXPECT_TRUE(missing.text.empty());

    const SmallFile directory = read_small_file(tmp.path().string(), 100);
    EXPECT_EQ(directory.status, SmallFile::Status::failed);
    EXPECT_EQ(directory.error, "not read: a directory, not a regular file");
}

TEST(SmallFile, RefusesWhatIsLargerThanTheLimit) {
    const test::TempDir tmp("m6d-small");
    const auto file = tmp.path() / "f";
    save_file(file, std::string(101, 'x'));
    const SmallFile read = read_small_file(file.string(), 100);
    EXPECT_EQ(read.status, SmallFile::Status::failed);
    EXPECT_EQ(read.error, "not read: larger than the limit of 100 bytes (101 bytes)");
    EXPECT_TRUE(read.text.empty());

    save_file(file, std::string(100, 'x'));
    EXPECT_EQ(read_small_file(file.string(), 100).status, SmallFile::Status::ok);
}

TEST(SmallFile, DevNullReadsAsNothing) {
    const SmallFile read = read_small_file("/dev/null", 100);
    EXPECT_EQ(read.status, SmallFile::Status::ok);
    EXPECT_TRUE(read.text.empty());
    EXPECT_EQ(read_small_file("/dev/zero", 100).error,
              "not read: a character device, not a regular file");
}

TEST(SplitLines, KeepsEmptyLinesAndALastLineWithoutNewline) {
    EXPECT_EQ(split_lines(""), Views{});
    EXPECT_EQ(split_lines("a\n"), Views{"a"});
    EXPECT_EQ(split_lines("a\n\nb"), (Views{"a", "", "b"}));
    EXPECT_EQ(split_lines("\n"), Views{""});
}

TEST(SplitWords, RunsOfSpacesAndTabsSeparate) {
    EXPECT_EQ(split_words(""), Views{});
    EXPECT_EQ(split_words(" \t "), Views{});
    EXPECT_EQ(split_words("2001:db8::/64 3"), (Views{"2001:db8::/64", "3"}));
    EXPECT_EQ(split_words("  a \t b  "), (Views{"a", "b"}));
}

}  // namespace
}  // namespace multi6d
