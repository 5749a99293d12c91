#include "command_line.hpp"

namespace multi6d {

namespace {
CommandLineResult failure(std::string message) {
    return {std::nullopt, std::move(message)};
}
}  // namespace

CommandLineResult parse_command_line(const std::vector<std::string>& args,
                                     const std::string& default_config_file) {
    CommandLine cl;
    cl.config_file = default_config_file;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                inline_value = arg.substr(eq + 1);
                arg.resize(eq);
            }
        }
        auto value = [&](std::string& out) -> bool {
            if (inline_value) {
                out = *inline_value;
                return true;
            }
            if (i + 1 >= args.size()) {
                return false;
            }
            out = args[++i];
            return true;
        };
        const bool takes_value =
            arg == "--config" || arg == "-c" || arg == "--log-level" || arg == "--runtime-dir";
        if (inline_value && !takes_value) {
            return failure("option " + arg + " takes no value");
        }
        if (arg == "--config" || arg == "-c") {
            if (!value(cl.config_file) || cl.config_file.empty()) {
                return failure("option " + arg + " needs a file name");
            }
            cl.config_file_given = true;
        } else if (arg == "--runtime-dir") {
            if (!value(cl.runtime_dir) || cl.runtime_dir.empty()) {
                return failure("option --runtime-dir needs a directory");
            }
        } else if (arg == "--log-level") {
            std::string name;
            if (!value(name)) {
                return failure(
                    "option --log-level needs a level (error, warning, notice, info, "
                    "debug)");
            }
            cl.log_level = log::parse_level(name);
            if (!cl.log_level) {
                return failure("unknown log level \"" + name +
                               "\" (allowed: error, warning, notice, info, debug)");
            }
        } else if (arg == "--check-config") {
            cl.check_config = true;
        } else if (arg == "--version") {
            cl.show_version = true;
        } else if (arg == "--help" || arg == "-h") {
            cl.show_help = true;
        } else {
            return failure("unknown argument \"" + arg + "\" (see --help)");
        }
    }
    return {cl, ""};
}

std::string usage_text() {
    return "Usage: multi6d [OPTIONS]\n"
           "IPv6 multihoming daemon: per-source routing, path probing and address selection.\n"
           "\n"
           "  -c, --config FILE     configuration file (drop-ins in FILE.d/*.toml)\n"
           "      --check-config    validate the configuration, print it and exit\n"
           "      --log-level LEVEL error, warning, notice, info (default) or debug\n"
           "      --runtime-dir DIR state kept across restarts (default /run/multi6d)\n"
           "      --version         print the version and exit\n"
           "  -h, --help            print this help and exit\n";
}

}  // namespace multi6d
