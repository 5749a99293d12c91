// m6-stream: a paced bulk transfer with end-to-end verification, for the
// MPTCP benchmark (tests/bench/mptcp).
//
//   m6-stream serve [--mptcp] [--bind ADDR] PORT
//   m6-stream get [--mptcp] [-b SRC] [--rate BYTES_PER_S] [--seconds S]
//                 [--give-up S] DST PORT
//
// `get` connects and asks for RATE x SECONDS bytes; the server sends them
// on a fixed schedule (every 10 ms what is due since the start, so it
// catches up after a stall), generated from a seed the client chose, then
// an 8-byte FNV-1a 64 of what it sent. The client checks every byte against
// the same generator, the byte count and the server's checksum, and times
// the gaps between arriving data. One summary line:
//
//   stream: result=ok bytes=N expected=N checksum=ok mismatches=0
//           longest_stall_ms=812.3 stall_at_ms=10051.2 duration_ms=30832.1
//           subflows=2
//
// result=fail (exit 1) when bytes are missing or wrong, the checksum
// differs, or no data arrived for --give-up seconds (default 30).
// subflows: MPTCP subflows of the connection at the end (MPTCP_INFO), "-"
// for TCP. `serve` serves connections (a thread each) until SIGTERM/SIGINT.

#include <arpa/inet.h>
#include <getopt.h>
#include <linux/mptcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "tool_util.hpp"

namespace multi6d::tools {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kSolMptcp = 284;  // SOL_MPTCP, missing from older libc headers
constexpr auto kTick = std::chrono::milliseconds(10);

volatile sig_atomic_t g_stop = 0;
void on_signal(int) {
    g_stop = 1;
}

// The request: rate (bytes/s), duration (ms), seed; network byte order.
struct Request {
    std::uint32_t rate = 0;
    std::uint32_t duration_ms = 0;
    std::uint64_t seed = 0;
};

// xorshift64*: a cheap, seedable byte stream both ends can regenerate.
class Generator {
  public:
    explicit Generator(std::uint64_t seed) : state_(seed != 0 ? seed : 0x9e3779b97f4a7c15ULL) {}
    void fill(unsigned char* out, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            if (left_ == 0) {
                state_ ^= state_ >> 12;
                state_ ^= state_ << 25;
                state_ ^= state_ >> 27;
                word_ = state_ * 0x2545f4914f6cdd1dULL;
                left_ = 8;
            }
            out[i] = static_cast<unsigned char>(word_ >> (8 * (8 - left_)));
            --left_;
        }
    }

  private:
    std::uint64_t state_;
    std::uint64_t word_ = 0;
    unsigned left_ = 0;
};

struct Fnv {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    void add(const unsigned char* p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            h = (h ^ p[i]) * 0x100000001b3ULL;
        }
    }
};

void put_be(unsigned char* p, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
        p[i] = static_cast<unsigned char>(v);
        v >>= 8;
    }
}
std::uint64_t get_be(const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) {
        v = (v << 8) | p[i];
    }
    return v;
}

bool send_all(int fd, const unsigned char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t sent = ::send(fd, p, n, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        p += sent;
        n -= static_cast<std::size_t>(sent);
    }
    return true;
}

bool recv_all(int fd, unsigned char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t got = ::recv(fd, p, n, 0);
        if (got <= 0) {
            if (got < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        p += got;
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// ---- server ----

void serve_one(int fd) {
    unsigned char raw[16];
    if (!recv_all(fd, raw, sizeof raw)) {
        return;
    }
    Request req{static_cast<std::uint32_t>(get_be(raw, 4)),
                static_cast<std::uint32_t>(get_be(raw + 4, 4)), get_be(raw + 8, 8)};
    const std::uint64_t total = static_cast<std::uint64_t>(req.rate) * req.duration_ms / 1000;
    Generator gen(req.seed);
    Fnv sum;
    unsigned char buf[65536];
    std::uint64_t sent = 0;
    const auto start = Clock::now();
    while (sent < total && !g_stop) {
        const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
        std::uint64_t due = static_cast<std::uint64_t>(elapsed_s * req.rate);
        due = std::min(due, total);
        while (sent < due) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(due - sent, sizeof buf));
            gen.fill(buf, n);
            sum.add(buf, n);
            if (!send_all(fd, buf, n)) {
                return;
            }
            sent += n;
        }
        std::this_thread::sleep_for(kTick);
    }
    unsigned char trailer[8];
    put_be(trailer, sum.h, 8);
    send_all(fd, trailer, sizeof trailer);
    // Wait for the client to close, so the last bytes are not reset away.
    ::shutdown(fd, SHUT_WR);
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
}

int serve(bool mptcp, const in6_addr& bind_addr, std::uint16_t port) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    Fd listener(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, mptcp ? kIpprotoMptcp : 0));
    if (!listener.valid()) {
        std::fprintf(stderr, "m6-stream: socket: %s\n", std::strerror(errno));
        return 1;
    }
    int one = 1;
    ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = bind_addr;
    addr.sin6_port = htons(port);
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener.get(), 16) != 0) {
        std::fprintf(stderr, "m6-stream: bind/listen port %u: %s\n", port, std::strerror(errno));
        return 1;
    }
    while (!g_stop) {
        Fd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn.valid()) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            std::fprintf(stderr, "m6-stream: accept: %s\n", std::strerror(errno));
            return 1;
        }
        // A thread per connection: a client that gave up on a dead path
        // must not hold up the next run. A send blocked that long fails.
        timeval limit{60, 0};
        ::setsockopt(conn.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        std::thread([fd = conn.release()] {
            serve_one(fd);
            ::close(fd);
        }).detach();
    }
    return 0;
}

// ---- client ----

struct GetOptions {
    bool mptcp = false;
    bool bind_src = false;
    in6_addr src = IN6ADDR_ANY_INIT;
    std::uint32_t rate = 1000000;
    std::uint32_t seconds = 30;
    std::uint32_t give_up_s = 30;
    sockaddr_in6 dst{};
};

std::string subflows_of(int fd) {
    mptcp_info info{};
    socklen_t len = sizeof info;
    if (::getsockopt(fd, kSolMptcp, MPTCP_INFO, &info, &len) != 0) {
        return "-";
    }
    return std::to_string(info.mptcpi_subflows);
}

int get(const GetOptions& opt) {
    Fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, opt.mptcp ? kIpprotoMptcp : 0));
    if (!fd.valid()) {
        std::fprintf(stderr, "m6-stream: socket: %s\n", std::strerror(errno));
        return 2;
    }
    if (opt.bind_src) {
        sockaddr_in6 src{};
        src.sin6_family = AF_INET6;
        src.sin6_addr = opt.src;
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
            std::fprintf(stderr, "m6-stream: bind: %s\n", std::strerror(errno));
            return 2;
        }
    }
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&opt.dst), sizeof opt.dst) != 0) {
        std::fprintf(stderr, "m6-stream: connect: %s\n", std::strerror(errno));
        return 1;
    }
    std::random_device rd;
    const std::uint64_t seed = (static_cast<std::uint64_t>(rd()) << 32) | rd();
    unsigned char raw[16];
    put_be(raw, opt.rate, 4);
    put_be(raw + 4, static_cast<std::uint64_t>(opt.seconds) * 1000, 4);
    put_be(raw + 8, seed, 8);
    if (!send_all(fd.get(), raw, sizeof raw)) {
        std::fprintf(stderr, "m6-stream: send request: %s\n", std::strerror(errno));
        return 1;
    }
    const std::uint64_t expected = static_cast<std::uint64_t>(opt.rate) * opt.seconds;
    Generator gen(seed);
    Fnv sum;
    std::uint64_t bytes = 0;
    std::uint64_t mismatches = 0;
    unsigned char trailer[8];
    std::size_t trailer_got = 0;
    unsigned char buf[65536];
    unsigned char want[65536];
    const auto start = Clock::now();
    auto last = start;
    double longest = 0;
    double longest_at = 0;
    bool first = true;
    bool timed_out = false;
    while (true) {
        pollfd p{fd.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(opt.give_up_s * 1000));
        if (ready == 0) {
            timed_out = true;
            break;
        }
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        const auto now = Clock::now();
        if (!first) {
            const double gap = ms_between(last, now);
            if (gap > longest) {
                longest = gap;
                longest_at = ms_between(start, last);
            }
        }
        first = false;
        last = now;
        std::size_t data = static_cast<std::size_t>(n);
        // Bytes past `expected` are the trailer.
        if (bytes + data > expected) {
            const std::size_t extra = static_cast<std::size_t>(bytes + data - expected);
            data -= extra;
            for (std::size_t i = 0; i < extra && trailer_got < sizeof trailer; ++i) {
                trailer[trailer_got++] = buf[data + i];
            }
        }
        gen.fill(want, data);
        for (std::size_t i = 0; i < data; ++i) {
            mismatches += buf[i] != want[i];
        }
        sum.add(buf, data);
        bytes += data;
        if (trailer_got == sizeof trailer) {
            break;
        }
    }
    const auto end = Clock::now();
    const double duration = ms_between(start, end);
    // A transfer that never finished stalled from its last data to the end.
    if (bytes < expected && !first && ms_between(last, end) > longest) {
        longest = ms_between(last, end);
        longest_at = ms_between(start, last);
    }
    const bool checksum_ok = trailer_got == sizeof trailer && get_be(trailer, 8) == sum.h;
    const bool ok = !timed_out && bytes == expected && mismatches == 0 && checksum_ok;
    std::printf(
        "stream: result=%s bytes=%llu expected=%llu checksum=%s mismatches=%llu "
        "longest_stall_ms=%.1f stall_at_ms=%.1f duration_ms=%.1f subflows=%s%s\n",
        ok ? "ok" : "fail", static_cast<unsigned long long>(bytes),
        static_cast<unsigned long long>(expected),
        trailer_got < sizeof trailer ? "missing" : (checksum_ok ? "ok" : "bad"),
        static_cast<unsigned long long>(mismatches), longest, longest_at, duration,
        subflows_of(fd.get()).c_str(), timed_out ? " err=timeout" : "");
    return ok ? 0 : 1;
}

void usage(std::FILE* out) {
    std::fputs(
        "usage: m6-stream serve [--mptcp] [--bind ADDR] PORT\n"
        "       m6-stream get [--mptcp] [-b SRC] [--rate BYTES_PER_S] [--seconds S]\n"
        "                     [--give-up S] DST PORT\n",
        out);
}

int run(int argc, char** argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const std::string mode = argv[1];
    if (mode == "-h" || mode == "--help") {
        usage(stdout);
        return 0;
    }
    static const option kLong[] = {
        {"mptcp", no_argument, nullptr, 'm'},         {"bind", required_argument, nullptr, 'b'},
        {"rate", required_argument, nullptr, 'r'},    {"seconds", required_argument, nullptr, 's'},
        {"give-up", required_argument, nullptr, 'g'}, {nullptr, 0, nullptr, 0}};
    GetOptions opt;
    optind = 2;
    int c = 0;
    while ((c = getopt_long(argc, argv, "mb:r:s:g:", kLong, nullptr)) != -1) {
        std::optional<std::int64_t> v = 0;
        switch (c) {
            case 'm':
                opt.mptcp = true;
                break;
            case 'b':
                opt.bind_src = inet_pton(AF_INET6, optarg, &opt.src) == 1;
                v = opt.bind_src ? v : std::nullopt;
                break;
            case 'r':
                v = parse_int(optarg, 1000, 1000000000);
                opt.rate = static_cast<std::uint32_t>(v.value_or(0));
                break;
            case 's':
                v = parse_int(optarg, 1, 3600);
                opt.seconds = static_cast<std::uint32_t>(v.value_or(0));
                break;
            case 'g':
                v = parse_int(optarg, 1, 3600);
                opt.give_up_s = static_cast<std::uint32_t>(v.value_or(0));
                break;
            default:
                usage(stderr);
                return 2;
        }
        if (!v) {
            std::fprintf(stderr, "m6-stream: bad value '%s'\n", optarg);
            return 2;
        }
    }
    const int rest = argc - optind;
    if (mode == "serve" && rest == 1) {
        const auto port = parse_int(argv[optind], 1, 65535);
        if (!port) {
            usage(stderr);
            return 2;
        }
        return serve(opt.mptcp, opt.src, static_cast<std::uint16_t>(*port));
    }
    if (mode == "get" && rest == 2) {
        opt.dst.sin6_family = AF_INET6;
        const auto port = parse_int(argv[optind + 1], 1, 65535);
        if (inet_pton(AF_INET6, argv[optind], &opt.dst.sin6_addr) != 1 || !port) {
            usage(stderr);
            return 2;
        }
        opt.dst.sin6_port = htons(static_cast<std::uint16_t>(*port));
        return get(opt);
    }
    usage(stderr);
    return 2;
}

}  // namespace
}  // namespace multi6d::tools

int main(int argc, char** argv) {
    return multi6d::tools::run(argc, argv);
}
