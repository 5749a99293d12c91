// load_config(): bounded, non-blocking reads of the configuration files
// (service/config_loader.hpp). Each Issue16_ test reproduces a finding of
// issue 16 that crashed, hung or misled the daemon before.
#include "config_loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>

#include "temp_dir.hpp"

namespace multi6d {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string all_errors(const LoadedConfig& loaded) {
    std::string text;
    for (const auto& e : loaded.errors) {
        text += e.to_string() + "\n";
    }
    return text;
}

class ConfigLoader : public ::testing::Test {
  protected:
    test::TempDir dir{"m6-config-loader"};
    fs::path main_file = dir.path() / "multi6d.toml";
    fs::path drop_ins = dir.path() / "multi6d.toml.d";
};

TEST_F(ConfigLoader, ReadsMainFileAndDropInsInNameOrder) {
    write(main_file, "[probe]\ninterval_ms = 1000\n");
    fs::create_directory(drop_ins);
    write(drop_ins / "20-b.toml", "[probe]\ninterval_ms = 3000\n");
    write(drop_ins / "10-a.toml", "[probe]\ninterval_ms = 2000\n");
    write(drop_ins / "ignored.conf", "not toml at all [");
    const LoadedConfig loaded = load_config(main_file, true);
    EXPECT_EQ(all_errors(loaded), "");
    EXPECT_EQ(loaded.config.probe.interval, 3000ms);
    EXPECT_EQ(loaded.files_read.size(), 3U);
}

TEST_F(ConfigLoader, MissingDefaultFileMeansDefaults) {
    const LoadedConfig loaded = load_config(main_file, false);
    EXPECT_EQ(all_errors(loaded), "");
    EXPECT_TRUE(loaded.files_read.empty());
    EXPECT_THAT(all_errors(load_config(main_file, true)), HasSubstr("No such file"));
}

// Finding 1: std::filesystem threw from is_directory() and the daemon
// aborted (--check-config rc 134; on reload it removed its policy and exited).
TEST_F(ConfigLoader, Issue16_SymlinkLoopInDropInDir) {
    write(main_file, "");
    fs::create_directory(drop_ins);
    fs::create_symlink("l2.toml", drop_ins / "l1.toml");
    fs::create_symlink("l1.toml", drop_ins / "l2.toml");
    const LoadedConfig loaded = load_config(main_file, true);
    const std::string errors = all_errors(loaded);
    EXPECT_THAT(errors, HasSubstr((drop_ins / "l1.toml").string() +
                                  ": cannot read: Too many levels of symbolic links"));
    EXPECT_THAT(errors, HasSubstr("l2.toml: cannot read: Too many levels of symbolic links"));
}

TEST_F(ConfigLoader, Issue16_SymlinkLoopAsMainFileIsAnErrorNotDefaults) {
    fs::create_symlink("multi6d.toml", main_file);
    // Not "missing": a loop is a broken file, even for the default path.
    EXPECT_THAT(all_errors(load_config(main_file, false)),
                HasSubstr("Too many levels of symbolic links"));
}

// Finding 3: a FIFO as a drop-in blocked the event loop in open().
TEST_F(ConfigLoader, Issue16_FifoDropInIsRefusedWithoutBlocking) {
    write(main_file, "");
    fs::create_directory(drop_ins);
    const fs::path fifo = drop_ins / "fifo.toml";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto loading = std::async(std::launch::async, [&] { return load_config(main_file, true); });
    if (loading.wait_for(10s) != std::future_status::ready) {
        // Unblock the reader so the test can end, then fail.
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        ::close(fd);
        loading.wait();
        FAIL() << "load_config() blocked on a FIFO";
    }
    EXPECT_THAT(all_errors(loading.get()),
                HasSubstr(fifo.string() + ": not read: a FIFO, not a regular file"));
}

// Finding 3: --config /dev/zero grew to 1.4 GB in 5 s.
TEST_F(ConfigLoader, Issue16_DeviceAsConfigFileIsRefused) {
    EXPECT_THAT(all_errors(load_config("/dev/zero", true)),
                HasSubstr("/dev/zero: not read: a character device, not a regular file"));
}

// /dev/null stays the empty configuration (the demo and the failover
// benchmark run the daemon on its built-in defaults with --config /dev/null).
TEST_F(ConfigLoader, DevNullIsTheEmptyConfiguration) {
    const LoadedConfig loaded = load_config("/dev/null", true);
    EXPECT_EQ(all_errors(loaded), "");
    EXPECT_EQ(loaded.files_read, std::vector<std::string>{"/dev/null"});
}

// Finding 3: a directory given as the file was an empty configuration.
TEST_F(ConfigLoader, Issue16_DirectoryAsConfigFileIsRefused) {
    EXPECT_THAT(all_errors(load_config(dir.path().string(), true)),
                HasSubstr(": not read: a directory, not a regular file"));
}

TEST_F(ConfigLoader, Issue16_FileOverTheSizeLimitIsRefused) {
    write(main_file, std::string(max_config_file_bytes + 1, '\n'));
    EXPECT_THAT(all_errors(load_config(main_file, true)),
                HasSubstr("not read: larger than the limit of 4194304 bytes"));
    write(main_file, std::string(max_config_file_bytes, '\n'));
    EXPECT_EQ(all_errors(load_config(main_file, true)), "");
}

// Finding 3: under the unit's capabilities (no CAP_DAC_OVERRIDE) an
// unreadable drop-in directory was skipped silently. Checked as uid 65534
// in a child process (a root test process would read it anyway).
TEST_F(ConfigLoader, Issue16_UnreadableDropInDirectoryIsAnError) {
    write(main_file, "");
    fs::create_directory(drop_ins);
    write(drop_ins / "10-a.toml", "[probe]\ninterval_ms = 2000\n");
    fs::permissions(dir.path(),
                    fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
    fs::permissions(main_file,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
    fs::permissions(drop_ins, fs::perms::none);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
            ::_exit(2);
        }
        const std::string errors = all_errors(load_config(main_file, true));
        const bool ok =
            errors.find(drop_ins.string() + ": cannot read drop-in directory: Permission denied") !=
            std::string::npos;
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    fs::permissions(drop_ins, fs::perms::owner_all);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no such error; 2: cannot drop privileges";
}

TEST_F(ConfigLoader, ManyErrorsAreShownCut) {
    std::string text;
    for (int i = 0; i < 50; ++i) {
        text += "unknown_" + std::to_string(i) + " = 1\n";
    }
    write(main_file, text);
    const LoadedConfig loaded = load_config(main_file, true);
    ASSERT_EQ(loaded.errors.size(), 50U);
    const auto lines = shown_config_errors(loaded.errors);
    ASSERT_EQ(lines.size(), max_shown_errors + 1);
    EXPECT_EQ(lines.back(), "... and 30 more errors");
}

}  // namespace
}  // namespace multi6d
