// m6-mptcp-pm: drives multi6d's MPTCP endpoint manager (service/mptcp/
// mptcp_endpoints.hpp) from the command line, one call per run, for the lab,
// the MPTCP benchmark and by hand. Each run is a fresh manager reading the
// same record, so every run also exercises restart recognition.
//
//   m6-mptcp-pm -r RECORD apply [ADDR[@IFNAME][,backup]]...
//   m6-mptcp-pm -r RECORD limits SUBFLOWS ADD_ADDR_ACCEPTED
//   m6-mptcp-pm -r RECORD remove-all
//   m6-mptcp-pm -r RECORD owned
//
// Output: one line per report entry, "change: ...", "notice: ...",
// "error: ...", or "owned: <endpoint>" lines; "unavailable: <reason>" when
// the kernel has no MPTCP path manager. Exit status: 0 ok, 1 some step
// failed, 2 usage, 3 unavailable.

#include <net/if.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "mptcp_endpoints.hpp"
#include "tool_util.hpp"

namespace multi6d::tools {
namespace {

void usage(std::FILE* out) {
    std::fputs(
        "usage: m6-mptcp-pm -r RECORD [--family NAME] COMMAND [ARGS...]\n"
        "  apply [ADDR[@IFNAME][,backup]]...  make multi6d's endpoints exactly these\n"
        "  limits SUBFLOWS ADD_ADDR_ACCEPTED  set the path manager's limits\n"
        "  remove-all                         delete owned endpoints, restore limits\n"
        "  owned                              print the endpoints the record owns\n",
        out);
}

// "2001:db8::10@eth0,backup".
bool parse_want(const std::string& text, Address& address, EndpointWant& want) {
    std::string rest = text;
    const auto comma = rest.find(',');
    if (comma != std::string::npos) {
        if (rest.substr(comma + 1) != "backup") {
            return false;
        }
        want.backup = true;
        rest.resize(comma);
    }
    const auto at = rest.find('@');
    if (at != std::string::npos) {
        const unsigned index = if_nametoindex(rest.substr(at + 1).c_str());
        if (index == 0) {
            std::fprintf(stderr, "m6-mptcp-pm: no interface %s\n", rest.substr(at + 1).c_str());
            return false;
        }
        want.ifindex = static_cast<int>(index);
        rest.resize(at);
    }
    const auto parsed = Address::parse(rest);
    if (!parsed) {
        return false;
    }
    address = *parsed;
    return true;
}

int print(const MptcpReport& report) {
    for (const auto& line : report.changes) {
        std::printf("change: %s\n", line.c_str());
    }
    for (const auto& line : report.notices) {
        std::printf("notice: %s\n", line.c_str());
    }
    for (const auto& line : report.errors) {
        std::printf("error: %s\n", line.c_str());
    }
    return report.complete() ? 0 : 1;
}

int run(int argc, char** argv) {
    std::string record;
    std::string family = MPTCP_PM_NAME;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        const std::string arg = argv[i];
        if ((arg == "-r" || arg == "--record") && i + 1 < argc) {
            record = argv[++i];
        } else if (arg == "--family" && i + 1 < argc) {
            family = argv[++i];
        } else if (arg == "-h" || arg == "--help") {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (record.empty() || i >= argc) {
        usage(stderr);
        return 2;
    }
    const std::string command = argv[i++];
    MptcpEndpoints manager(record, family);
    if (!manager.available()) {
        std::printf("unavailable: %s\n", manager.unavailable_reason().c_str());
        return 3;
    }
    int status = print(manager.startup_report());
    if (command == "apply") {
        std::map<Address, EndpointWant> desired;
        for (; i < argc; ++i) {
            Address address;
            EndpointWant want;
            if (!parse_want(argv[i], address, want)) {
                std::fprintf(stderr, "m6-mptcp-pm: bad endpoint '%s'\n", argv[i]);
                return 2;
            }
            desired[address] = want;
        }
        status |= print(manager.apply(desired));
    } else if (command == "limits" && i + 2 == argc) {
        const auto subflows = parse_int(argv[i], 0, 255);
        const auto accepted = parse_int(argv[i + 1], 0, 255);
        if (!subflows || !accepted) {
            usage(stderr);
            return 2;
        }
        status |= print(manager.set_limits(MptcpLimits{static_cast<std::uint32_t>(*subflows),
                                                       static_cast<std::uint32_t>(*accepted)}));
    } else if (command == "remove-all" && i == argc) {
        status |= print(manager.remove_all_owned());
    } else if (command == "owned" && i == argc) {
        for (const auto& e : manager.owned()) {
            std::printf("owned: %s\n", describe(e).c_str());
        }
    } else {
        usage(stderr);
        return 2;
    }
    return status;
}

}  // namespace
}  // namespace multi6d::tools

int main(int argc, char** argv) {
    return multi6d::tools::run(argc, argv);
}
