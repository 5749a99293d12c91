// Shared by the gtest integration tests: shell commands, and a main() that
// enters namespaces of its own before any test runs, so nothing they write
// touches the host's network (or /etc). Without root they fail, never skip.
#pragma once

#include <initializer_list>
#include <string>

namespace multi6d::test {

// Runs `command` with sh, stderr folded into stdout; returns the output and
// puts the exit status (-1: killed) in *status.
std::string run(const std::string& command, int* status = nullptr);
// run(), failing the current test when the command does not exit 0.
std::string must(const std::string& command);

// For main(), before RUN_ALL_TESTS(): checks for root (`needs` says for
// what) and unshare(2)s `flags` (CLONE_NEWNET, ...). On failure prints
// "NAME: FAILED: ..." and returns false.
bool enter_namespaces(const char* name, const char* needs, int flags);
// Runs each setup command; on the first failure prints "NAME: FAILED:
// setup ..." with its output and returns false.
bool run_setup(const char* name, std::initializer_list<const char*> commands);

}  // namespace multi6d::test
