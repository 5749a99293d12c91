// multi6d: IPv6 multihoming host daemon. See multi6d(8).
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "build_info.hpp"
#include "command_line.hpp"
#include "config_loader.hpp"
#include "daemon.hpp"
#include "daemon_ports.hpp"
#include "log.hpp"

namespace {
// Exit codes (documented in multi6d(8)).
constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;
constexpr int exit_config = 3;

// stdio, not <iostream>: its static initialiser constructs the std::locale,
// which maps about 0.6 MiB more of libstdc++ into the daemon for good
// (issue 14; sys/small_file.hpp).
void print(std::FILE* to, std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), to);
}
}  // namespace

int main(int argc, char** argv) {
    using namespace multi6d;
    // One malloc arena for all threads: the only other threads are the
    // short-lived RankHost resolver workers (dbus/host_resolver.hpp), and
    // each arena glibc would give them (up to 8 per core) keeps its pages
    // after they end (issue 14: no lasting growth after D-Bus bursts).
    // They allocate little; sharing the main arena's lock costs nothing
    // measurable next to a name lookup.
    mallopt(M_ARENA_MAX, 1);
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto parsed = parse_command_line(args, build_info::default_config_file);
    if (!parsed.command_line) {
        print(stderr, "multi6d: " + parsed.error + "\n");
        return exit_usage;
    }
    const CommandLine& cl = *parsed.command_line;
    if (cl.show_help) {
        print(stdout, usage_text());
        return exit_ok;
    }
    if (cl.show_version) {
        print(stdout, std::string("multi6d ") + build_info::version + "\n");
        return exit_ok;
    }
    if (cl.log_level) {
        log::set_level(*cl.log_level);
    }

    const LoadedConfig loaded = load_config(cl.config_file, cl.config_file_given);
    if (!loaded.errors.empty()) {
        for (const std::string& line : shown_config_errors(loaded.errors)) {
            if (cl.check_config) {
                print(stderr, line + "\n");
            } else {
                log::error(line);
            }
        }
        return exit_config;
    }
    for (const std::string& warning : loaded.warnings) {
        if (cl.check_config) {
            print(stderr, "warning: " + warning + "\n");
        } else {
            log::warning(warning);
        }
    }
    if (cl.check_config) {
        std::string from = loaded.files_read.empty() ? "built-in defaults" : "";
        for (std::size_t i = 0; i < loaded.files_read.size(); ++i) {
            from += (i == 0 ? "" : ", ") + loaded.files_read[i];
        }
        print(stdout,
              "# multi6d effective configuration, from: " + from + "\n" + to_toml(loaded.config));
        return exit_ok;
    }

    try {
        Daemon daemon(cl, loaded.config, production_ports(cl));
        return daemon.run();
    } catch (const std::exception& e) {
        log::error(std::string("fatal: ") + e.what());
        return exit_failure;
    }
}
