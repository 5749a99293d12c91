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
//
// --overlap (with -i): attempt n starts at (n-1)·INTERVAL whatever the
// earlier ones are doing; all pending attempts share one poll loop, each
// with its own deadline. This keeps the time resolution at INTERVAL while
// attempts time out (a failover measurement: one attempt a second would
// hide everything between). Lines come in the order attempts finish, so n
// and t may go backwards; sort by n for a timeline.
// --clock prints "start: unix_us=N" first: CLOCK_REALTIME at t=0, so that a
// script can place its own events (a cut, a log line) on the same axis.

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

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
    bool overlap = false;
    bool clock_line = false;
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
        "usage: m6-connect [-n COUNT] [-i INTERVAL_MS [--overlap]] [-t TIMEOUT_MS] [-b SRC]\n"
        "                  [--read] [--mptcp] [--clock] DST PORT\n"
        "  -n COUNT        connections to open (default 1)\n"
        "  -i INTERVAL_MS  start one every INTERVAL_MS (default 0: back to back);\n"
        "                  an attempt longer than that delays the next one\n"
        "  --overlap       with -i: start one every INTERVAL_MS even while earlier\n"
        "                  ones are pending (one poll loop; lines in finishing order)\n"
        "  -t TIMEOUT_MS   per-connection timeout (default 1000)\n"
        "  -b SRC          bind to source address SRC\n"
        "  --read          also wait for one byte from the server (m6-serve --greet)\n"
        "  --mptcp         use an MPTCP socket (IPPROTO_MPTCP)\n"
        "  --clock         first print 'start: unix_us=N' (wall clock at t=0)\n"
        "  output: 'n=N t=MS result=ok|fail src=ADDR ms=MS err=ERR' per attempt,\n"
        "  then 'connect: ok=X fail=Y'; exit 0 if all ok, 1 if any failed\n",
        out);
}

bool parse_options(int argc, char** argv, Options& opt) {
    static const option kLong[] = {
        {"count", required_argument, nullptr, 'n'},   {"interval", required_argument, nullptr, 'i'},
        {"timeout", required_argument, nullptr, 't'}, {"bind", required_argument, nullptr, 'b'},
        {"read", no_argument, nullptr, 'r'},          {"mptcp", no_argument, nullptr, 'm'},
        {"overlap", no_argument, nullptr, 'o'},       {"clock", no_argument, nullptr, 'c'},
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
            case 'o':
                opt.overlap = true;
                v = 0;
                break;
            case 'c':
                opt.clock_line = true;
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
    if (opt.overlap && opt.interval_ms == 0) {
        std::fprintf(stderr, "m6-connect: --overlap needs -i INTERVAL_MS >= 1\n");
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

// Opens a non-blocking socket (bound to --bind) and starts connect(). On
// return, a.src is the source the kernel chose; the attempt is pending if
// the Fd is valid, else finished (a.ok / a.err tell how).
Fd start_attempt(const Options& opt, Attempt& a) {
    Fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   opt.mptcp ? kIpprotoMptcp : 0));
    if (!fd.valid()) {
        a.err = errno_name(errno);
        return Fd();
    }
    if (opt.bind_src) {
        sockaddr_in6 src{};
        src.sin6_family = AF_INET6;
        src.sin6_addr = opt.src;
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
            a.err = errno_name(errno);
            return Fd();
        }
    }
    const int rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&opt.dst), sizeof opt.dst);
    const int connect_errno = errno;
    // The kernel picks the source address inside connect(), before the
    // handshake, so getsockname() names it even when the attempt fails.
    a.src = local_address(fd.get());
    if (rc != 0 && connect_errno != EINPROGRESS) {
        a.err = errno_name(connect_errno);
        return Fd();
    }
    // A loopback connect may complete at once; POLLOUT is then set at the
    // first poll anyway, so every started attempt goes through the wait.
    return fd;
}

// After POLLOUT on a connecting socket: the handshake's result ("-" = done).
std::string connect_result(int fd) {
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    return so_error == 0 ? "-" : errno_name(so_error);
}

// After POLLIN with --read: one byte arrived ("-"), or why not.
std::string read_result(int fd) {
    char byte = 0;
    ssize_t n = ::recv(fd, &byte, 1, 0);
    if (n > 0) {
        return "-";
    }
    return n == 0 ? "eof" : errno_name(errno);
}

// One non-blocking connect (+ optional one-byte read) bounded by the timeout.
Attempt attempt_once(const Options& opt) {
    Attempt a;
    auto deadline = Clock::now() + std::chrono::milliseconds(opt.timeout_ms);
    Fd fd = start_attempt(opt, a);
    if (!fd.valid()) {
        return a;
    }
    if (wait_for(fd.get(), POLLOUT, deadline) == 0) {
        a.err = "timeout";
        return a;
    }
    a.err = connect_result(fd.get());
    if (a.err != "-") {
        return a;
    }
    if (opt.read_byte) {
        if (wait_for(fd.get(), POLLIN, deadline) == 0) {
            a.err = "timeout";
            return a;
        }
        a.err = read_result(fd.get());
        if (a.err != "-") {
            return a;
        }
    }
    a.ok = true;
    return a;
}

struct Tally {
    Clock::time_point start;
    std::int64_t ok = 0;
    std::int64_t fail = 0;

    void report(std::int64_t n, Clock::time_point begin, Clock::time_point end, const Attempt& a) {
        (a.ok ? ok : fail) += 1;
        double ms = std::chrono::duration<double, std::milli>(end - begin).count();
        auto t = std::chrono::duration_cast<std::chrono::milliseconds>(begin - start).count();
        std::printf("n=%lld t=%lld result=%s src=%s ms=%.3f err=%s\n", static_cast<long long>(n),
                    static_cast<long long>(t), a.ok ? "ok" : "fail", a.src.c_str(), ms,
                    a.err.c_str());
        std::fflush(stdout);
    }
    int finish() const {
        std::printf("connect: ok=%lld fail=%lld\n", static_cast<long long>(ok),
                    static_cast<long long>(fail));
        return fail == 0 ? 0 : 1;
    }
};

// --overlap: attempt n starts at start + (n-1)·interval; every pending
// attempt waits in one ppoll() together with the next start time.
void run_overlap(const Options& opt, Tally& tally) {
    struct Pending {
        std::int64_t n;
        Clock::time_point begin;
        Clock::time_point deadline;
        Fd fd;
        Attempt a;
        bool reading = false;  // connected, waiting for the --read byte
    };
    const auto interval = std::chrono::milliseconds(opt.interval_ms);
    const auto timeout = std::chrono::milliseconds(opt.timeout_ms);
    std::vector<Pending> pending;
    std::vector<pollfd> fds;
    std::int64_t started = 0;
    while (started < opt.count || !pending.empty()) {
        auto now = Clock::now();
        const auto next_start = tally.start + interval * started;
        if (started < opt.count && now >= next_start) {
            ++started;
            Pending p{started, now, now + timeout, Fd(), Attempt{}};
            p.fd = start_attempt(opt, p.a);
            if (p.fd.valid()) {
                pending.push_back(std::move(p));
            } else {
                tally.report(p.n, p.begin, Clock::now(), p.a);
            }
            continue;  // a late start may owe the next one too
        }
        // Expired attempts, oldest first (deadlines are in start order).
        while (!pending.empty() && pending.front().deadline <= now) {
            Pending& p = pending.front();
            p.a.err = "timeout";
            tally.report(p.n, p.begin, now, p.a);
            pending.erase(pending.begin());
        }
        auto wake = pending.empty() ? next_start : pending.front().deadline;
        if (started < opt.count) {
            wake = std::min(wake, next_start);
        }
        if (started >= opt.count && pending.empty()) {
            break;
        }
        fds.clear();
        for (const Pending& p : pending) {
            fds.push_back(pollfd{p.fd.get(), static_cast<short>(p.reading ? POLLIN : POLLOUT), 0});
        }
        const auto wait = std::max(Clock::duration::zero(), wake - now);
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(wait);
        const timespec ts{
            static_cast<time_t>(secs.count()),
            static_cast<long>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(wait - secs).count())};
        if (::ppoll(fds.data(), fds.size(), &ts, nullptr) <= 0) {
            continue;  // timeout or EINTR: the top of the loop sorts it out
        }
        now = Clock::now();
        std::vector<bool> done(pending.size(), false);
        for (std::size_t i = 0; i < pending.size(); ++i) {
            Pending& p = pending[i];
            if (fds[i].revents == 0) {
                continue;
            }
            p.a.err = p.reading ? read_result(p.fd.get()) : connect_result(p.fd.get());
            if (p.a.err == "-" && opt.read_byte && !p.reading) {
                p.reading = true;  // connected; now the byte, same deadline
                continue;
            }
            p.a.ok = p.a.err == "-";
            tally.report(p.n, p.begin, now, p.a);
            done[i] = true;
        }
        std::size_t i = 0;
        std::erase_if(pending, [&](const Pending&) { return done[i++]; });
    }
}

int run(const Options& opt) {
    Tally tally;
    tally.start = Clock::now();
    if (opt.clock_line) {
        timespec real{};
        ::clock_gettime(CLOCK_REALTIME, &real);
        std::printf("start: unix_us=%lld\n",
                    static_cast<long long>(real.tv_sec) * 1000000LL + real.tv_nsec / 1000);
    }
    if (opt.overlap) {
        run_overlap(opt, tally);
        return tally.finish();
    }
    for (std::int64_t n = 1; n <= opt.count; ++n) {
        if (opt.interval_ms > 0) {
            std::this_thread::sleep_until(tally.start +
                                          std::chrono::milliseconds(opt.interval_ms * (n - 1)));
        }
        auto begin = Clock::now();
        Attempt a = attempt_once(opt);
        tally.report(n, begin, Clock::now(), a);
    }
    return tally.finish();
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
