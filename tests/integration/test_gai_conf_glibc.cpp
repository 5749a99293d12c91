// GaiConfWriter against real glibc: does a new process's getaddrinfo() order
// destinations by the block, and does restore() give the administrator's
// file back byte for byte?
//
// Isolation (root needed; the test fails, not skips, without it). main()
// first unshares a mount and a network namespace and makes every mount
// private, so nothing below is visible outside this process:
// - a tmpfs over /tmp (in this namespace only: the real /tmp is untouched);
// - the real /etc bind-mounted read-only at /tmp/real-etc;
// - /tmp/etc, a directory of symlinks into /tmp/real-etc except for our own
//   hosts, nsswitch.conf ("hosts: files") and gai.conf, bind-mounted over
//   /etc. glibc reads /etc/gai.conf by fixed path, and the writer's rename()
//   works because /etc/gai.conf is a plain file in a tmpfs directory (a file
//   bind-mounted over /etc/gai.conf would make rename() fail with EBUSY).
// The network namespace holds one veth pair with documentation addresses
// and the same kernel address labels the block carries; UDP connect(),
// which glibc uses to learn Source(D), sends nothing.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gai_conf_writer.hpp"
#include "netns_test.hpp"

namespace multi6d {
namespace {

using test::run;

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr const char* name = "m6gai.test";
constexpr const char* v6 = "2001:db8:9::10";  // behind a RIO of the ULA-only router
constexpr const char* v4 = "192.0.2.10";
const fs::path gai_conf = "/etc/gai.conf";

// The administrator's file: comments, a scopev4 line, odd spacing, a tab.
const std::string admin_text =
    "# Administrator's gai.conf (test fixture)\n"
    "scopev4 ::ffff:169.254.0.0/112  2\n"
    "#precedence ::ffff:0:0/96  100\n"
    "\n"
    "# trailing comment,\twith a tab\n";

// What multi6d puts in the kernel for this host (see setup_network): the
// ULA path fd00:6a1::/64 (its router advertises a RIO for 2001:db8:9::/48,
// RFC 8678 §6.5), the global path 2001:db8:6a2::/64, generic destinations
// on the global path.
GaiInput kernel_rows(bool ipv6_down) {
    GaiInput input;
    input.labels = {LabelRow{*Prefix::parse("fd00:6a1::/64"), AddressLabel{6601}, 0},
                    LabelRow{*Prefix::parse("2001:db8:6a2::/64"), AddressLabel{6602}, 0},
                    LabelRow{*Prefix::parse("2000::/3"), AddressLabel{6602}, 0},
                    LabelRow{*Prefix::parse("2001:db8:9::/48"), AddressLabel{6601}, 0}};
    input.ipv6_down = ipv6_down;
    return input;
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Distinct addresses in the order a NEW process's getaddrinfo() returns
// them (getent ahosts: AF_UNSPEC, one line per address and socket type).
std::vector<std::string> order_in_new_process() {
    int status = 0;
    const std::string output = run(std::string("getent ahosts ") + name, &status);
    EXPECT_EQ(status, 0) << output;
    std::vector<std::string> order;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        const std::string address = line.substr(0, line.find(' '));
        if (std::find(order.begin(), order.end(), address) == order.end()) {
            order.push_back(address);
        }
    }
    return order;
}

// The administrator's file, with an owner and mode the writer must keep.
void install_admin_file() {
    std::ofstream(gai_conf, std::ios::binary | std::ios::trunc) << admin_text;
    ASSERT_EQ(::chown(gai_conf.c_str(), 4242, 4343), 0) << std::strerror(errno);
    ASSERT_EQ(::chmod(gai_conf.c_str(), 0640), 0) << std::strerror(errno);
}

void expect_admin_owner_and_mode() {
    struct stat st {};
    ASSERT_EQ(::stat(gai_conf.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 4242U);
    EXPECT_EQ(st.st_gid, 4343U);
    EXPECT_EQ(st.st_mode & 07777, 0640U);
}

TEST(GaiConfGlibc, KernelSourceForTheRioDestinationIsTheUlaPath) {
    // The premise of the ordering test below: the kernel's labels pick the
    // ULA source for the RIO destination, which glibc's built-in table
    // labels differently (fc00::/7 6 vs ::/0 1).
    EXPECT_THAT(run(std::string("ip -6 route get ") + v6), HasSubstr("src fd00:6a1::1 "));
}

TEST(GaiConfGlibc, BlockOrdersNewProcessesAndRestoreLeavesAdminBytes) {
    install_admin_file();
    GaiConfWriter writer(gai_conf);

    // Without the block glibc's Rule 5 sees label 6 (source fd00:6a1::1)
    // against label 1 (destination) and demotes the IPv6 destination.
    EXPECT_THAT(order_in_new_process(), ElementsAre(v4, v6));

    // With the kernel's rows both labels are 6601: Rule 5 ties, Rule 6
    // (glibc's built-in precedences, 40 vs 10) puts IPv6 first.
    ASSERT_TRUE(writer.apply(kernel_rows(false)).changed);
    const std::string with_block = read(gai_conf);
    EXPECT_THAT(with_block, StartsWith(admin_text));
    EXPECT_THAT(with_block, HasSubstr("label 2001:db8:9::/48 6601\n"));
    expect_admin_owner_and_mode();
    EXPECT_THAT(order_in_new_process(), ElementsAre(v6, v4));

    // Every IPv6 path down: ::ffff:0:0/96 precedence 100 > 40.
    ASSERT_TRUE(writer.apply(kernel_rows(true)).changed);
    EXPECT_THAT(read(gai_conf), StartsWith(admin_text));
    EXPECT_THAT(order_in_new_process(), ElementsAre(v4, v6));

    // Back up: the same content as before, so the same order.
    ASSERT_TRUE(writer.apply(kernel_rows(false)).changed);
    EXPECT_EQ(read(gai_conf), with_block);
    EXPECT_THAT(order_in_new_process(), ElementsAre(v6, v4));

    ASSERT_TRUE(writer.restore().changed);
    EXPECT_EQ(read(gai_conf), admin_text);  // byte for byte
    EXPECT_THAT(read(gai_conf), Not(HasSubstr("multi6d")));
    expect_admin_owner_and_mode();
    EXPECT_THAT(order_in_new_process(), ElementsAre(v4, v6));
}

// A child process that answers one getaddrinfo() per line on its stdin.
class Resolver {
  public:
    Resolver() {
        int to_child[2];
        int from_child[2];
        if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
            ADD_FAILURE() << "pipe: " << std::strerror(errno);
            return;
        }
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(to_child[0], 0);
            ::dup2(from_child[1], 1);
            ::execl("/proc/self/exe", "test_gai_conf_glibc", "--resolve-loop",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(to_child[0]);
        ::close(from_child[1]);
        in_ = to_child[1];
        out_ = from_child[0];
    }
    ~Resolver() {
        ::close(in_);  // EOF: the child exits
        ::close(out_);
        if (pid_ > 0) {
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }

    // The order getaddrinfo() gives in this (long-running) process.
    std::string order() {
        const std::string request = std::string(name) + "\n";
        if (::write(in_, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
            return "write failed";
        }
        std::string reply;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (reply.empty() || reply.back() != '\n') {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd pfd{out_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
                return "timeout";
            }
            char buffer[256];
            const ssize_t n = ::read(out_, buffer, sizeof buffer);
            if (n <= 0) {
                return "child gone";
            }
            reply.append(buffer, static_cast<std::size_t>(n));
        }
        reply.pop_back();
        return reply;
    }

  private:
    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
};

TEST(GaiConfGlibc, RunningProcessesFollowOnlyWithReload) {
    install_admin_file();
    GaiConfWriter writer(gai_conf);
    const std::string v6_first = std::string(v6) + " " + v4;
    const std::string v4_first = std::string(v4) + " " + v6;

    // Started before the block: glibc read a file without `reload yes`, so
    // this process never looks again (why the block asks for reload).
    Resolver before;
    ASSERT_EQ(before.order(), v4_first);

    ASSERT_TRUE(writer.apply(kernel_rows(false)).changed);
    Resolver during;
    EXPECT_EQ(during.order(), v6_first);
    EXPECT_EQ(before.order(), v4_first);

    // The block's `reload yes` makes the running process see the failover.
    ASSERT_TRUE(writer.apply(kernel_rows(true)).changed);
    EXPECT_EQ(during.order(), v4_first);
    ASSERT_TRUE(writer.apply(kernel_rows(false)).changed);
    EXPECT_EQ(during.order(), v6_first);

    ASSERT_TRUE(writer.restore().changed);
    EXPECT_EQ(read(gai_conf), admin_text);
}

TEST(GaiConfGlibc, MissingFileIsCreatedAndRemovedAgain) {
    ASSERT_TRUE(fs::remove(gai_conf) || !fs::exists(gai_conf));
    GaiConfWriter writer(gai_conf);
    ASSERT_TRUE(writer.apply(kernel_rows(false)).changed);
    struct stat st {};
    ASSERT_EQ(::stat(gai_conf.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644U);
    EXPECT_EQ(st.st_uid, 0U);
    EXPECT_THAT(order_in_new_process(), ElementsAre(v6, v4));
    ASSERT_TRUE(writer.restore().changed);
    EXPECT_FALSE(fs::exists(gai_conf));
    EXPECT_THAT(order_in_new_process(), ElementsAre(v4, v6));
}

// ---- namespace setup ----------------------------------------------------------

bool fail_setup(const std::string& what) {
    std::fprintf(stderr, "test_gai_conf_glibc: FAILED: setup: %s\n", what.c_str());
    return false;
}

bool sys(const std::string& command) {
    int status = 0;
    const std::string output = run(command, &status);
    return status == 0 || fail_setup(command + ": " + output);
}

bool setup_network() {
    const char* commands[] = {
        "ip link set lo up",
        "ip link add m6g0 type veth peer name m6g1",
        "ip link set m6g0 up",
        "ip link set m6g1 up",
        "ip -6 addr add fd00:6a1::1/64 dev m6g0 nodad",
        "ip -6 addr add 2001:db8:6a2::1/64 dev m6g0 nodad",
        "ip -4 addr add 192.0.2.1/24 dev m6g0",
        "ip -6 route add 2001:db8:9::/48 dev m6g0",
        "ip addrlabel add prefix fd00:6a1::/64 label 6601",
        "ip addrlabel add prefix 2001:db8:6a2::/64 label 6602",
        "ip addrlabel add prefix 2000::/3 label 6602",
        "ip addrlabel add prefix 2001:db8:9::/48 label 6601",
    };
    for (const char* command : commands) {
        if (!sys(command)) {
            return false;
        }
    }
    return true;
}

bool write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out) || fail_setup("write " + path.string());
}

bool mount_or_fail(const char* source, const char* target, const char* type, unsigned long flags,
                   const char* data) {
    if (::mount(source, target, type, flags, data) == 0) {
        return true;
    }
    return fail_setup(std::string("mount ") + target + ": " + std::strerror(errno));
}

// See the header comment. Returns the real /etc/gai.conf's content (or
// "<missing>") through *real_gai so main() can check it was not touched.
bool setup_private_etc(std::string* real_gai) {
    if (!mount_or_fail(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) ||
        !mount_or_fail("m6gai", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755")) {
        return false;
    }
    const fs::path real = "/tmp/real-etc";
    const fs::path overlay = "/tmp/etc";
    std::error_code ec;
    fs::create_directory(real, ec);
    fs::create_directory(overlay, ec);
    if (!mount_or_fail("/etc", real.c_str(), nullptr, MS_BIND | MS_REC, nullptr) ||
        !mount_or_fail(nullptr, real.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr)) {
        return false;
    }
    *real_gai = fs::exists(real / "gai.conf") ? read(real / "gai.conf") : "<missing>";
    for (const auto& entry : fs::directory_iterator(real)) {
        const std::string entry_name = entry.path().filename().string();
        if (entry_name == "gai.conf" || entry_name == "hosts" || entry_name == "nsswitch.conf") {
            continue;
        }
        fs::create_symlink(entry.path(), overlay / entry_name, ec);
        if (ec) {
            return fail_setup("symlink " + entry_name + ": " + ec.message());
        }
    }
    const std::string hosts = "127.0.0.1 localhost\n::1 localhost\n" + std::string(v6) + " " +
                              name + "\n" + v4 + " " + name + "\n";
    return write_text(overlay / "hosts", hosts) &&
           write_text(overlay / "nsswitch.conf", "hosts: files\n") &&
           write_text(overlay / "gai.conf", admin_text) &&
           mount_or_fail(overlay.c_str(), "/etc", nullptr, MS_BIND, nullptr);
}

// --resolve-loop: one getaddrinfo() per stdin line, addresses on one line.
int resolve_loop() {
    std::string line;
    while (std::getline(std::cin, line)) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_ADDRCONFIG;
        addrinfo* result = nullptr;
        std::string reply;
        const int error = ::getaddrinfo(line.c_str(), nullptr, &hints, &result);
        if (error != 0) {
            reply = std::string("error ") + ::gai_strerror(error);
        }
        for (const addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
            char host[NI_MAXHOST];
            if (::getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, nullptr, 0,
                              NI_NUMERICHOST) == 0) {
                reply += (reply.empty() ? "" : " ") + std::string(host);
            }
        }
        ::freeaddrinfo(result);
        std::cout << reply << std::endl;
    }
    return 0;
}

}  // namespace
}  // namespace multi6d

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--resolve-loop") == 0) {
        return multi6d::resolve_loop();
    }
    ::testing::InitGoogleTest(&argc, argv);
    if (!multi6d::test::enter_namespaces(
            "test_gai_conf_glibc",
            "CAP_SYS_ADMIN, CAP_NET_ADMIN to create its own mount and network namespaces",
            CLONE_NEWNS | CLONE_NEWNET)) {
        return 1;
    }
    std::string real_gai;
    if (!multi6d::setup_private_etc(&real_gai) || !multi6d::setup_network()) {
        return 1;
    }
    const int result = RUN_ALL_TESTS();
    // The real file, seen through the read-only bind, is what it was.
    const std::filesystem::path real = "/tmp/real-etc/gai.conf";
    const std::string after =
        std::filesystem::exists(real) ? multi6d::read(real) : std::string("<missing>");
    if (after != real_gai) {
        std::fprintf(stderr, "test_gai_conf_glibc: FAILED: the real /etc/gai.conf changed\n");
        return 1;
    }
    return result;
}
