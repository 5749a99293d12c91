#include "netns_test.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace multi6d::test {

std::string run(const std::string& command, int* status) {
    std::string output;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) {
        ADD_FAILURE() << "popen failed for: " << command;
        if (status != nullptr) {
            *status = -1;
        }
        return output;
    }
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        output.append(buffer, n);
    }
    const int raw = ::pclose(pipe);
    if (status != nullptr) {
        *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    }
    return output;
}

std::string must(const std::string& command) {
    int status = 0;
    std::string output = run(command, &status);
    EXPECT_EQ(status, 0) << command << ":\n" << output;
    return output;
}

bool enter_namespaces(const char* name, const char* needs, int flags) {
    if (::geteuid() != 0) {
        std::fprintf(stderr,
                     "%s: FAILED: needs root (%s); run it as root (ctest -L integration).\n", name,
                     needs);
        return false;
    }
    if (::unshare(flags) != 0) {
        std::fprintf(stderr, "%s: FAILED: unshare: %s\n", name, std::strerror(errno));
        return false;
    }
    return true;
}

bool run_setup(const char* name, std::initializer_list<const char*> commands) {
    for (const char* command : commands) {
        int status = 0;
        const std::string output = run(command, &status);
        if (status != 0) {
            std::fprintf(stderr, "%s: FAILED: setup \"%s\": %s\n", name, command, output.c_str());
            return false;
        }
    }
    return true;
}

}  // namespace multi6d::test
