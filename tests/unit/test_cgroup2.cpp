// The cgroup2 mount point from /proc/self/mountinfo (service/bpf/cgroup2.hpp):
// a unified host, a hybrid one (this build machine's layout), none, and an
// escaped path.
#include "cgroup2.hpp"

#include <gtest/gtest.h>

namespace multi6d::bpf {
namespace {

TEST(Cgroup2MountPoint, UnifiedHost) {
    EXPECT_EQ(cgroup2_mount_point(
                  "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
                  "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec shared:4 - cgroup2 cgroup2 "
                  "rw,nsdelegate,memory_recursiveprot\n"),
              "/sys/fs/cgroup");
}

TEST(Cgroup2MountPoint, HybridHost) {
    EXPECT_EQ(cgroup2_mount_point(
                  "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
                  "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
                  "rw,name=systemd\n"
                  "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"),
              "/sys/fs/cgroup/unified");
}

TEST(Cgroup2MountPoint, NoneOrOnlyVersionOne) {
    EXPECT_EQ(cgroup2_mount_point(""), std::nullopt);
    EXPECT_EQ(cgroup2_mount_point("31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
                                  "garbage\n"),
              std::nullopt);
}

TEST(Cgroup2MountPoint, EscapedPathIsDecoded) {
    EXPECT_EQ(cgroup2_mount_point("40 30 0:37 / /mnt/cg\\0402 rw - cgroup2 none rw\n"),
              "/mnt/cg 2");
}

}  // namespace
}  // namespace multi6d::bpf
