// m6-connect: opens COUNT new TCP connections to [DST]:PORT, one at a time
// (or one every INTERVAL ms), each with its own timeout, and prints one line
// per attempt plus a summary, as space-separated key=value words:
//
//   n=1 t=0 result=ok src=2001:db8:a::10 ms=0.412 err=-
//   n=2 t=5 result=fail src=2001:db8:b::10 ms=1000.187 err=timeout
//   connect: ok=1 fail=1
//
// n: attempt number from 1; t: ms from the program's start to the attempt;
// src: the local address the kernel chose (or --bind), "-" if none; ms:
// duration; err: "-", "timeout", "eof" (--read), or an errno name.
// Exit status: 0 every attempt succeeded, 1 some failed, 2 usage/setup error.

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "tool_util.hpp"

namespace multi6d::tools {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::int64_t count = 1;
    std::int64_t interval_ms = 0;
    std::int64_t timeout_ms = 1000;
    bool read_byte = false;
    bool mptcp = false;
    bool bind_src = false;
    in6_addr src = IN6ADDR_ANY_INIT;
    sockaddr_in6 dst{};
};

struct Attempt {
    bool ok = false;
    std::string src = "-";
    std::string err = "-";
};

void usage(std::FILE* out) {
    std::fputs(
        "usage: m6-connect [-n COUNT] [-i INTERVAL_MS] [-t TIMEOUT_MS] [-b SRC] [--read]\n"
        "                  [--mptcp] DST PORT\n"
        "  -n COUNT        connections to open (default 1)\n"
        "  -i INTERVAL_MS  start one every INTERVAL_MS (default 0: back to back);\n"
        "                  an attempt longer than that delays the next one\n"
        "  -t TIMEOUT_MS   per-connection timeout (default 1000)\n"
        "  -b SRC          bind to source address SRC\n"
        "  --read          also wait for one byte from the server (m6-serve --greet)\n"
        "  --mptcp         use an MPTCP socket (IPPROTO_MPTCP)\n"
        "  output: 'n=N t=MS result=ok|fail src=ADDR ms=MS err=ERR' per attempt,\n"
        "  then 'connect: ok=X fail=Y'; exit 0 if all ok, 1 if any failed\n",
        out);
}

bool parse_options(int argc, char** argv, Options& opt) {
    static const option kLong[] = {
        {"count", required_argument, nullptr, 'n'},   {"interval", required_argument, nullptr, 'i'},
        {"timeout", required_argument, nullptr, 't'}, {"bind", required_argument, nullptr, 'b'},
        {"read", no_argument, nullptr, 'r'},          {"mptcp", no_argument, nullptr, 'm'},
        {"help", no_argument, nullptr, 'h'},          {nullptr, 0, nullptr, 0}};
    int c = 0;
    while ((c = getopt_long(argc, argv, "n:i:t:b:rmh", kLong, nullptr)) != -1) {
        std::optional<std::int64_t> v;
        switch (c) {
            case 'n':
                v = parse_int(optarg, 1, 1000000);
                opt.count = v.value_or(0);
                break;
            case 'i':
                v = parse_int(optarg, 0, 3600000);
                opt.interval_ms = v.value_or(0);
                break;
            case 't':
                v = parse_int(optarg, 1, 3600000);
                opt.timeout_ms = v.value_or(0);
                break;
            case 'b':
                opt.bind_src = inet_pton(AF_INET6, optarg, &opt.src) == 1;
                v = opt.bind_src ? std::optional<std::int64_t>(0) : std::nullopt;
                break;
            case 'r':
                opt.read_byte = true;
                v = 0;
                break;
            case 'm':
                opt.mptcp = true;
                v = 0;
                break;
            case 'h':
                usage(stdout);
                std::exit(0);
            default:
                return false;
        }
        if (!v) {
            std::fprintf(stderr, "m6-connect: bad value '%s' for -%c\n", optarg, c);
            return false;
        }
    }
    if (optind + 2 != argc) {
        return false;
    }
    opt.dst.sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, argv[optind], &opt.dst.sin6_addr) != 1) {
        std::fprintf(stderr, "m6-connect: DST '%s' is not an IPv6 address\n", argv[optind]);
        return false;
    }
    auto port = parse_int(argv[optind + 1], 1, 65535);
    if (!port) {
        std::fprintf(stderr, "m6-connect: PORT '%s' must be 1..65535\n", argv[optind + 1]);
        return false;
    }
    opt.dst.sin6_port = htons(static_cast<std::uint16_t>(*port));
    return true;
}

// Waits for EVENTS on FD until DEADLINE; returns revents, 0 on timeout.
short wait_for(int fd, short events, Clock::time_point deadline) {
    while (true) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return 0;
        }
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n > 0) {
            return p.revents;
        }
        if (n < 0 && errno != EINTR) {
            return POLLERR;
        }
    }
}

std::string local_address(int fd) {
    sockaddr_in6 local{};
    socklen_t len = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
        return "-";
    }
    return address_text(local);
}

// One non-blocking connect (+ optional one-byte read) bounded by the timeout.
Attempt attempt_once(const Options& opt) {
    Attempt a;
    auto deadline = Clock::now() + std::chrono::milliseconds(opt.timeout_ms);
    Fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   opt.mptcp ? kIpprotoMptcp : 0));
    if (!fd.valid()) {
        a.err = errno_name(errno);
        return a;
    }
    if (opt.bind_src) {
        sockaddr_in6 src{};
        src.sin6_family = AF_INET6;
        src.sin6_addr = opt.src;
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
            a.err = errno_name(errno);
            return a;
        }
    }
    int rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&opt.dst), sizeof opt.dst);
    // The kernel picks the source address inside connect(), before the
    // handshake, so getsockname() names it even when the attempt fails.
    a.src = local_address(fd.get());
    if (rc != 0 && errno != EINPROGRESS) {
        a.err = errno_name(errno);
        return a;
    }
    if (rc != 0) {
        if (wait_for(fd.get(), POLLOUT, deadline) == 0) {
            a.err = "timeout";
            return a;
        }
        int so_error = 0;
        socklen_t len = sizeof so_error;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &len);
        if (so_error != 0) {
            a.err = errno_name(so_error);
            return a;
        }
    }
    if (opt.read_byte) {
        if (wait_for(fd.get(), POLLIN, deadline) == 0) {
            a.err = "timeout";
            return a;
        }
        char byte = 0;
        ssize_t n = ::recv(fd.get(), &byte, 1, 0);
        if (n <= 0) {
            a.err = n == 0 ? "eof" : errno_name(errno);
            return a;
        }
    }
    a.ok = true;
    return a;
}

int run(const Options& opt) {
    auto start = Clock::now();
    std::int64_t ok = 0;
    std::int64_t fail = 0;
    for (std::int64_t n = 1; n <= opt.count; ++n) {
        if (opt.interval_ms > 0) {
            std::this_thread::sleep_until(start +
                                          std::chrono::milliseconds(opt.interval_ms * (n - 1)));
        }
        auto begin = Clock::now();
        Attempt a = attempt_once(opt);
        auto end = Clock::now();
        (a.ok ? ok : fail) += 1;
        double ms = std::chrono::duration<double, std::milli>(end - begin).count();
        auto t = std::chrono::duration_cast<std::chrono::milliseconds>(begin - start).count();
        std::printf("n=%lld t=%lld result=%s src=%s ms=%.3f err=%s\n", static_cast<long long>(n),
                    static_cast<long long>(t), a.ok ? "ok" : "fail", a.src.c_str(), ms,
                    a.err.c_str());
        std::fflush(stdout);
    }
    std::printf("connect: ok=%lld fail=%lld\n", static_cast<long long>(ok),
                static_cast<long long>(fail));
    return fail == 0 ? 0 : 1;
}

}  // namespace
}  // namespace multi6d::tools

int main(int argc, char** argv) {
    multi6d::tools::Options opt;
    if (!multi6d::tools::parse_options(argc, argv, opt)) {
        multi6d::tools::usage(stderr);
        return 2;
    }
    return multi6d::tools::run(opt);
}
