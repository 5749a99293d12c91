// Crash-safe file writes (sys/durable_file.hpp), in a temporary
// directory.
#include "durable_file.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace multi6d {
namespace {

namespace fs = std::filesystem;

class DurableFileTest : public ::testing::Test {
  protected:
    test::TempDir tmp{"m6d-file"};
    const fs::path dir = tmp.path();

    static std::string read(const fs::path& p) {
        std::ifstream in(p);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

TEST_F(DurableFileTest, CreatesItsDirectoriesAndLeavesNoTemporary) {
    const fs::path file = dir / "a" / "b" / "record";
    save_file(file, std::string("one\n"));
    EXPECT_EQ(read(file), "one\n");
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
}

TEST_F(DurableFileTest, ReplacesTheOldContentWhole) {
    const fs::path file = dir / "record";
    save_file(file, std::string("a much longer first content\n"));
    save_file(file, std::string("short\n"));
    EXPECT_EQ(read(file), "short\n");
}

TEST_F(DurableFileTest, NothingToSaveRemovesTheFile) {
    const fs::path file = dir / "record";
    save_file(file, std::string("x\n"));
    save_file(file, std::nullopt);
    EXPECT_FALSE(fs::exists(file));
    EXPECT_NO_THROW(save_file(file, std::nullopt));  // absent already
}

TEST_F(DurableFileTest, AFailedWriteKeepsTheOldFileAndSaysWhy) {
    const fs::path file = dir / "record";
    save_file(file, std::string("old\n"));
    fs::create_directory(file.string() + ".tmp");  // the temporary cannot be opened
    try {
        save_file(file, std::string("new\n"));
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "write " + file.string() + ".tmp: Is a directory");
    }
    EXPECT_EQ(read(file), "old\n");
}

TEST_F(DurableFileTest, AnImpossibleDirectoryIsNamed) {
    save_file(dir / "plain", std::string("x\n"));
    try {
        save_file(dir / "plain" / "record", std::string("y\n"));
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("create " + (dir / "plain").string() + ": ", 0), 0U)
            << e.what();
    }
}

}  // namespace
}  // namespace multi6d
