// multi6ctl: command-line client of multi6d's D-Bus interface
// (org.multi6d.Manager1 on the system bus).
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "build_info.hpp"
#include "commands.hpp"

namespace {

constexpr const char* usage_text = R"(Usage: multi6ctl [--json] COMMAND [ARGUMENTS]

Query and control multi6d, the IPv6 multihoming daemon, over D-Bus.

Commands:
  status                 daemon version, state and path counts
  paths                  every path (link/prefix/router) with state, RTT, loss
  rank ADDRESS...        every usable (source, destination) pair, best first
  rank --host NAME       resolve NAME (in the daemon) and rank its addresses
  reload                 reload the configuration (root or polkit
                         org.multi6d.reload)
  monitor                follow path state, policy and daemon state changes
                         until interrupted
  metrics [-o FILE]      the paths and counters as Prometheus metrics (text
                         exposition); -o replaces FILE atomically (mode 0644)

Options:
  --json                 machine-readable output (status, paths, rank, monitor)
  -p, --preference PREF  rank: latency (default), cost or stability
  -a, --application NAME rank as the connections of [[application]] NAME
                         would go
  -o, --output FILE      metrics: write to FILE instead of standard output
  -h, --help             show this help
  --version              show the version

Exit status:
  0  success
  1  the daemon reported an error (e.g. reload refused its configuration,
     a name did not resolve), or the call timed out, or metrics -o could
     not write its file
  2  bad command line
  3  no system bus, or multi6d is not running
  4  not authorized
  5  the daemon refused an argument (e.g. not an address)
)";

int usage_error(const std::string& message) {
    std::cerr << "multi6ctl: " << message << "\n"
              << "Try 'multi6ctl --help'.\n";
    return multi6d::ctl::exit_code::usage;
}

}  // namespace

int main(int argc, char** argv) {
    using multi6d::ctl::exit_code::usage;
    multi6d::ctl::Invocation inv;
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (!options_done && arg == "--") {
            options_done = true;
        } else if (!options_done && (arg == "-h" || arg == "--help")) {
            std::cout << usage_text;
            return 0;
        } else if (!options_done && arg == "--version") {
            std::cout << "multi6ctl " << multi6d::build_info::version << "\n";
            return 0;
        } else if (!options_done && arg == "--json") {
            inv.json = true;
        } else if (!options_done &&
                   (arg == "--host" || arg == "-p" || arg == "--preference" || arg == "-a" ||
                    arg == "--application" || arg == "-o" || arg == "--output")) {
            const char* v = i + 1 < argc ? argv[++i] : nullptr;
            if (v == nullptr || *v == '\0') {
                return usage_error("option " + std::string(arg) + " needs a value");
            }
            (arg == "--host"                         ? inv.host
             : arg == "-o" || arg == "--output"      ? inv.output
             : arg == "-a" || arg == "--application" ? inv.application
                                                     : inv.preference) = v;
        } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
            return usage_error("unknown option '" + std::string(arg) + "'");
        } else if (inv.command.empty()) {
            inv.command = arg;
        } else {
            inv.args.emplace_back(arg);
        }
    }

    const std::string& c = inv.command;
    if (c.empty()) {
        return usage_error("no command given");
    }
    if (c != "status" && c != "paths" && c != "rank" && c != "reload" && c != "monitor" &&
        c != "metrics") {
        return usage_error("unknown command '" + c + "'");
    }
    if ((inv.host || inv.preference || inv.application) && c != "rank") {
        return usage_error("--host, --preference and --application apply to 'rank' only");
    }
    if (inv.output && c != "metrics") {
        return usage_error("--output applies to 'metrics' only");
    }
    if (c == "rank") {
        if (inv.host && !inv.args.empty()) {
            return usage_error("rank takes either addresses or --host NAME, not both");
        }
        if (!inv.host && inv.args.empty()) {
            return usage_error("rank needs at least one address, or --host NAME");
        }
    } else if (!inv.args.empty()) {
        return usage_error("'" + c + "' takes no arguments");
    }
    if (inv.json && (c == "reload" || c == "metrics")) {
        return usage_error("--json applies to status, paths, rank and monitor");
    }
    return multi6d::ctl::run(inv);
}
