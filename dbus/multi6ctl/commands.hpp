// multi6ctl's commands, each a call (or a subscription) on the generated
// org.multi6d.Manager1 proxy. Exit codes (documented in --help and
// multi6ctl(1)):
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace multi6d::ctl {

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;           // the daemon reported an error, or a timeout
inline constexpr int usage = 2;             // bad command line
inline constexpr int unreachable = 3;       // no system bus, or multi6d is not running
inline constexpr int not_authorized = 4;    // the caller may not do this (reload)
inline constexpr int invalid_argument = 5;  // the daemon refused an argument
}  // namespace exit_code

struct Invocation {
    std::string command;                     // status, paths, rank, reload, monitor, metrics
    std::vector<std::string> args;           // rank: destination addresses
    std::optional<std::string> host;         // rank --host
    std::optional<std::string> preference;   // rank --preference
    std::optional<std::string> application;  // rank --application
    std::optional<std::string> output;       // metrics -o: the file to replace
    bool json = false;
};

// Runs the command; prints results to stdout and errors to stderr; returns
// the exit code.
int run(const Invocation& invocation);

// The exit code for a D-Bus error name.
int exit_code_for(const std::string& error_name);

}  // namespace multi6d::ctl
