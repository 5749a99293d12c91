// GaiConfWriter over a temporary directory standing in for /etc: no root.
// (Owner preservation needs root: tests/integration/test_gai_conf_glibc.cpp.)
#include "gai_conf_writer.hpp"
#include "temp_dir.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace multi6d {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

struct stat status_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st;
}

GaiInput two_paths(bool down = false) {
    GaiInput input;
    input.labels = {LabelRow{*Prefix::parse("2001:db8:1::/64"), AddressLabel{6601}, 0},
                    LabelRow{*Prefix::parse("2001:db8:2::/64"), AddressLabel{6602}, 0},
                    LabelRow{*Prefix::parse("2000::/3"), AddressLabel{6601}, 0}};
    input.ipv6_down = down;
    return input;
}

const std::string admin = "# admin\nscopev4 ::ffff:169.254.0.0/112 2\n";

class GaiConfWriterTest : public ::testing::Test {
  protected:
    test::TempDir tmp{"m6d-gai"};
    const fs::path dir = tmp.path();
    const fs::path file = dir / "gai.conf";

    // Files in dir other than gai.conf (temporary files must not linger).
    std::vector<std::string> others() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (entry.path().filename() != "gai.conf") {
                names.push_back(entry.path().filename().string());
            }
        }
        return names;
    }
};

TEST_F(GaiConfWriterTest, MissingFileIsCreated0644AndDeletedAtRestore) {
    const mode_t old_umask = ::umask(077);  // the mode must not depend on umask
    GaiConfWriter writer(file);
    const GaiConfUpdate update = writer.apply(two_paths());
    ::umask(old_umask);
    EXPECT_TRUE(update.changed);
    EXPECT_EQ(read(file), plan_gai_conf("", false, two_paths()).text);
    EXPECT_EQ(status_of(file).st_mode & 07777, 0644U);
    EXPECT_THAT(others(), IsEmpty());

    EXPECT_TRUE(writer.restore().changed);
    EXPECT_FALSE(fs::exists(file));
    EXPECT_FALSE(writer.restore().changed);  // nothing left to do
}

TEST_F(GaiConfWriterTest, NothingToSayCreatesNoFile) {
    GaiConfWriter writer(file);
    EXPECT_FALSE(writer.apply(GaiInput{}).changed);
    EXPECT_FALSE(fs::exists(file));
}

TEST_F(GaiConfWriterTest, KeepsAdministratorBytesAndMode) {
    write(file, admin);
    ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
    GaiConfWriter writer(file);
    ASSERT_TRUE(writer.apply(two_paths()).changed);
    EXPECT_EQ(read(file), merge_gai_conf(admin, render_gai_block(two_paths(), {}).text));
    EXPECT_EQ(status_of(file).st_mode & 07777, 0600U);

    ASSERT_TRUE(writer.restore().changed);
    EXPECT_EQ(read(file), admin);
    EXPECT_EQ(status_of(file).st_mode & 07777, 0600U);
    EXPECT_THAT(others(), IsEmpty());
}

TEST_F(GaiConfWriterTest, ReplacesByRenameAndNotWhenUnchanged) {
    write(file, admin);
    GaiConfWriter writer(file);
    const ino_t before = status_of(file).st_ino;
    ASSERT_TRUE(writer.apply(two_paths()).changed);
    const ino_t written = status_of(file).st_ino;
    EXPECT_NE(written, before);  // a new inode: rename, not an in-place rewrite

    EXPECT_FALSE(writer.apply(two_paths()).changed);
    EXPECT_EQ(status_of(file).st_ino, written);
    ASSERT_TRUE(writer.apply(two_paths(true)).changed);
    EXPECT_THAT(read(file), HasSubstr("precedence ::ffff:0.0.0.0/96 100\n"));
}

TEST_F(GaiConfWriterTest, RestoreWithoutBlockWritesNothing) {
    write(file, admin);
    const ino_t before = status_of(file).st_ino;
    EXPECT_FALSE(GaiConfWriter(file).restore().changed);
    EXPECT_EQ(status_of(file).st_ino, before);
}

TEST_F(GaiConfWriterTest, MtimeIsStrictlyNewerForGlibcReload) {
    // glibc's `reload yes` re-reads only when the mtime differs; an old file
    // stamped in the future would otherwise hide the change.
    write(file, admin);
    const timespec future{status_of(file).st_mtim.tv_sec + 3600, 5};
    const timespec times[2] = {future, future};
    ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, 0), 0);
    ASSERT_TRUE(GaiConfWriter(file).apply(two_paths()).changed);
    const timespec now = status_of(file).st_mtim;
    EXPECT_EQ(now.tv_sec, future.tv_sec);
    EXPECT_EQ(now.tv_nsec, future.tv_nsec + 1);
}

TEST_F(GaiConfWriterTest, SymlinkTargetIsReplacedAndTheLinkStays) {
    fs::create_directory(dir / "real");
    write(dir / "real" / "gai.conf", admin);
    fs::create_symlink("real/gai.conf", file);
    GaiConfWriter writer(file);
    ASSERT_TRUE(writer.apply(two_paths()).changed);
    EXPECT_TRUE(fs::is_symlink(file));
    EXPECT_THAT(read(dir / "real" / "gai.conf"), HasSubstr(gai_begin_marker));
    ASSERT_TRUE(writer.restore().changed);
    EXPECT_EQ(read(dir / "real" / "gai.conf"), admin);
}

TEST_F(GaiConfWriterTest, ReportsStrayMarkersAndShadowedRows) {
    write(file, admin + "label 2000::/3 9\n" + std::string(gai_end_marker) + "\n");
    const GaiConfUpdate update = GaiConfWriter(file).apply(two_paths());
    EXPECT_EQ(update.stray_markers, std::vector<std::size_t>{4});
    EXPECT_EQ(update.shadowed_labels, std::vector<Prefix>{*Prefix::parse("2000::/3")});
}

TEST_F(GaiConfWriterTest, ErrorsNameThePathAndTheReason) {
    const fs::path nowhere = dir / "missing-dir" / "gai.conf";
    try {
        GaiConfWriter(nowhere).apply(two_paths());
        FAIL() << "no exception";
    } catch (const GaiConfError& e) {
        EXPECT_THAT(e.what(), HasSubstr((dir / "missing-dir").string()));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
    fs::create_directory(file);  // a directory where the file should be
    try {
        GaiConfWriter(file).apply(two_paths());
        FAIL() << "no exception";
    } catch (const GaiConfError& e) {
        EXPECT_THAT(e.what(), HasSubstr(file.string()));
        EXPECT_THAT(e.what(), HasSubstr("Is a directory"));
    }
}

}  // namespace
}  // namespace multi6d
