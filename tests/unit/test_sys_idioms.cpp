// The small system idioms every I/O component shares (sys/): UniqueFd owns a
// descriptor, throw_errno reports a failed call, interface_name() names a
// link. Against the real kernel, no root needed.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "interface_name.hpp"
#include "throw_errno.hpp"
#include "unique_fd.hpp"

namespace multi6d {
namespace {

bool is_open(int fd) {
    return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

// Two fresh descriptors (a pipe), each owned once.
std::pair<UniqueFd, UniqueFd> make_pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        throw_errno("pipe2");
    }
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

TEST(UniqueFd, ClosesWhenItGoes) {
    int raw = -1;
    {
        auto [read_end, write_end] = make_pipe();
        raw = read_end.get();
        ASSERT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveHandsOverAndReleaseGivesUp) {
    auto [read_end, write_end] = make_pipe();
    const int raw = read_end.get();
    UniqueFd moved = std::move(read_end);
    EXPECT_FALSE(read_end);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_EQ(moved.get(), raw);
    moved = UniqueFd();  // move-assigning closes what it held
    EXPECT_FALSE(is_open(raw));

    const int kept = write_end.release();
    EXPECT_FALSE(write_end);
    EXPECT_TRUE(is_open(kept));
    close(kept);
}

TEST(ThrowErrno, CarriesTheErrnoAndSaysWhatFailed) {
    try {
        errno = EBADF;
        throw_errno("neighbour table: send request");
        FAIL() << "did not throw";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EBADF);
        EXPECT_EQ(std::string(e.what()).rfind("neighbour table: send request: ", 0), 0U)
            << e.what();
    }
}

TEST(InterfaceName, NamesLoopbackAndNumbersAnIndexWithNoInterface) {
    EXPECT_EQ(interface_name(1), "lo");  // the loopback is index 1 in every namespace
    constexpr int none = 999999;
    EXPECT_EQ(interface_name(none), std::nullopt);
    EXPECT_EQ(interface_text(none), "#999999");
    EXPECT_EQ(interface_text(1), "lo");
}

}  // namespace
}  // namespace multi6d
