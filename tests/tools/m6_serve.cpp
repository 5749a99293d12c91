// m6-serve: a TCP server for the multihoming lab. Listens on [::]:PORT (or a
// given address), accepts every connection and, by default, closes it at
// once; --greet sends one byte first, --echo echoes until the peer closes.
// Prints nothing; errors go to stderr with exit status 1 (2 for usage).
// Exits 0 on SIGTERM or SIGINT.

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tool_util.hpp"

namespace multi6d::tools {
namespace {

enum class Mode { kClose, kGreet, kEcho };

struct Options {
    Mode mode = Mode::kClose;
    bool mptcp = false;
    in6_addr bind_addr = IN6ADDR_ANY_INIT;
    std::uint16_t port = 0;
};

volatile sig_atomic_t g_stop = 0;

void on_signal(int /*signo*/) {
    g_stop = 1;
}

void usage(std::FILE* out) {
    std::fputs(
        "usage: m6-serve [--greet | --echo] [--mptcp] [--bind ADDR] PORT\n"
        "  accept TCP connections on [ADDR]:PORT (default [::]) and close them;\n"
        "  --greet  send one byte ('x') before closing\n"
        "  --echo   echo what arrives until the peer closes\n"
        "  --mptcp  use an MPTCP socket (IPPROTO_MPTCP)\n"
        "  exits 0 on SIGTERM/SIGINT; prints nothing\n",
        out);
}

bool parse_options(int argc, char** argv, Options& opt) {
    static const option kLong[] = {
        {"greet", no_argument, nullptr, 'g'}, {"echo", no_argument, nullptr, 'e'},
        {"mptcp", no_argument, nullptr, 'm'}, {"bind", required_argument, nullptr, 'b'},
        {"help", no_argument, nullptr, 'h'},  {nullptr, 0, nullptr, 0}};
    int c = 0;
    while ((c = getopt_long(argc, argv, "gemb:h", kLong, nullptr)) != -1) {
        switch (c) {
            case 'g':
                opt.mode = Mode::kGreet;
                break;
            case 'e':
                opt.mode = Mode::kEcho;
                break;
            case 'm':
                opt.mptcp = true;
                break;
            case 'b':
                if (inet_pton(AF_INET6, optarg, &opt.bind_addr) != 1) {
                    std::fprintf(stderr, "m6-serve: --bind %s: not an IPv6 address\n", optarg);
                    return false;
                }
                break;
            case 'h':
                usage(stdout);
                std::exit(0);
            default:
                return false;
        }
    }
    if (optind + 1 != argc) {
        return false;
    }
    auto port = parse_int(argv[optind], 1, 65535);
    if (!port) {
        std::fprintf(stderr, "m6-serve: PORT '%s' must be 1..65535\n", argv[optind]);
        return false;
    }
    opt.port = static_cast<std::uint16_t>(*port);
    return true;
}

Fd open_listener(const Options& opt) {
    Fd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   opt.mptcp ? kIpprotoMptcp : 0));
    if (!fd.valid()) {
        std::fprintf(stderr, "m6-serve: socket: %s\n", std::strerror(errno));
        return Fd();
    }
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = opt.bind_addr;
    addr.sin6_port = htons(opt.port);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd.get(), 128) != 0) {
        std::fprintf(stderr, "m6-serve: bind/listen port %u: %s\n", opt.port, std::strerror(errno));
        return Fd();
    }
    return fd;
}

// Accept everything pending; returns false on a fatal error.
bool accept_all(int listener, Mode mode, std::vector<Fd>& echoing) {
    while (true) {
        Fd conn(::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!conn.valid()) {
            // ECONNABORTED etc. concern one connection only.
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED ||
                   errno == EINTR || errno == EPROTO;
        }
        if (mode == Mode::kGreet) {
            (void)::send(conn.get(), "x", 1, MSG_NOSIGNAL);
        } else if (mode == Mode::kEcho) {
            echoing.push_back(std::move(conn));
        }
    }
}

// Echo what is readable; true while the connection stays open.
bool echo_once(int fd) {
    char buf[16384];
    while (true) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) {
            return false;
        }
        if (n < 0) {
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        }
        // Lab traffic is small; a full send buffer just drops the rest of
        // this chunk rather than complicating the server with write queues.
        if (::send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) < 0 && errno != EAGAIN) {
            return false;
        }
    }
}

int run(const Options& opt) {
    // Block the stop signals and let ppoll() unblock them atomically, so a
    // SIGTERM between the check of g_stop and the wait is never lost.
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    sigset_t wait_mask;
    sigprocmask(SIG_BLOCK, &stop_set, &wait_mask);
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGINT);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);

    Fd listener = open_listener(opt);
    if (!listener.valid()) {
        return 1;
    }
    std::vector<Fd> echoing;
    std::vector<pollfd> fds;
    while (!g_stop) {
        fds.clear();
        fds.push_back({listener.get(), POLLIN, 0});
        for (const Fd& c : echoing) {
            fds.push_back({c.get(), POLLIN, 0});
        }
        if (::ppoll(fds.data(), fds.size(), nullptr, &wait_mask) < 0) {
            if (errno == EINTR) {
                continue;
            }
            std::fprintf(stderr, "m6-serve: ppoll: %s\n", std::strerror(errno));
            return 1;
        }
        for (size_t i = 1; i < fds.size(); ++i) {
            if (fds[i].revents != 0 && !echo_once(fds[i].fd)) {
                echoing[i - 1].reset();
            }
        }
        std::erase_if(echoing, [](const Fd& c) { return !c.valid(); });
        if ((fds[0].revents & POLLIN) != 0 && !accept_all(listener.get(), opt.mode, echoing)) {
            std::fprintf(stderr, "m6-serve: accept: %s\n", std::strerror(errno));
            return 1;
        }
    }
    return 0;
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
