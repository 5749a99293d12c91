// libbpf opened at run time (service/bpf/libbpf_library.hpp): the real
// library of the build machine (libbpf-dev depends on it) resolves every
// function the daemon calls, and a library that cannot be opened gives a
// sentence naming it and the package, not a crash.
#include <gtest/gtest.h>

#include <string>

#include "libbpf_library.hpp"

namespace multi6d::bpf {
namespace {

TEST(LibbpfLibrary, OpensTheInstalledLibraryWithEveryFunction) {
    std::string error;
    const auto api = open_libbpf(libbpf_soname, error);
    ASSERT_TRUE(api.has_value()) << error;
    EXPECT_NE(api->open_skeleton, nullptr);
    EXPECT_NE(api->load_skeleton, nullptr);
    EXPECT_NE(api->attach_skeleton, nullptr);
    EXPECT_NE(api->detach_skeleton, nullptr);
    EXPECT_NE(api->destroy_skeleton, nullptr);
    EXPECT_NE(api->program_attach_cgroup, nullptr);
    EXPECT_NE(api->link_destroy, nullptr);
    EXPECT_NE(api->map_update_elem, nullptr);
    EXPECT_NE(api->map_delete_elem, nullptr);
    EXPECT_NE(api->set_print, nullptr);
    // The functions are the library's own: its version is the 1.x ABI the
    // skeletons are built for.
    EXPECT_EQ(api->major_version(), 1U);
}

TEST(LibbpfLibrary, MissingLibraryIsASentenceNamingIt) {
    std::string error;
    const auto api = open_libbpf("libm6-no-such-library.so.1", error);
    EXPECT_FALSE(api.has_value());
    EXPECT_NE(error.find("cannot open libm6-no-such-library.so.1 (package libbpf1): "),
              std::string::npos)
        << error;
}

TEST(LibbpfLibrary, LibraryWithoutTheFunctionsIsRefused) {
    // libc is a library that opens but holds none of libbpf's functions.
    std::string error;
    const auto api = open_libbpf("libc.so.6", error);
    EXPECT_FALSE(api.has_value());
    EXPECT_NE(error.find("libc.so.6 lacks bpf_object__open_skeleton"), std::string::npos) << error;
    EXPECT_NE(error.find("libbpf 1.0 or later is needed"), std::string::npos) << error;
}

TEST(LibbpfLibrary, DaemonInstanceIsOpenedOnceAndKept) {
    std::string error;
    const LibbpfApi* first = libbpf(error);
    ASSERT_NE(first, nullptr) << error;
    const LibbpfApi* second = libbpf(error);
    EXPECT_EQ(first, second);
    EXPECT_EQ(&libbpf_api(), first);
}

}  // namespace
}  // namespace multi6d::bpf
