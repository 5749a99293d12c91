// m6-probe: runs multi6d's Prober (service/probe/prober.hpp) on its own, for the
// lab tests and for trying the prober by hand. Needs CAP_NET_RAW.
//
//   m6-probe [-n ROUNDS] [-i INTERVAL_MS] [-t TIMEOUT_MS] [-e IDENTIFIER] PROBE...
//   PROBE = IFNAME,ROUTER,SOURCE,TARGET[,TARGET...]
//
// Each PROBE is a path (IFNAME's index, SOURCE's /64, ROUTER) probed from
// SOURCE. Every INTERVAL_MS one round sends one probe to each TARGET of each
// PROBE; after ROUNDS rounds it waits until every probe has ended and
// prints, as space-separated key=value words:
//
//   probe if=eth0 router=fe80::a source=2001:db8:a::10 target=2001:db8:ff::53
//         sent=10 replies=10 losses=0 rtt_max_us=412 loss_ms_min=-
//   path if=eth0 prefix=2001:db8:a::/64 router=fe80::a packets=20 replies=20
//        losses=0 send_errors=0 neighbour_waits=0
//   identifier=4660 outstanding=0
//
// (one line each). loss_ms_min: the shortest time from a probe's sending to
// its loss report ("-" if none): well below TIMEOUT_MS only when a
// Destination Unreachable ended it early.
// Exit status: 0 the run completed and every probe ended exactly once; 1 a
// probe ended twice or never; 2 usage or setup error.

#include <getopt.h>
#include <net/if.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "event_loop.hpp"
#include "prober.hpp"
#include "tool_util.hpp"

namespace multi6d::tools {
namespace {

using Clock = std::chrono::steady_clock;

struct Spec {
    std::string ifname;
    PathKey path;
    Address source;
    std::vector<Address> targets;
};

struct Tally {
    std::uint64_t sent = 0;
    std::uint64_t replies = 0;
    std::uint64_t losses = 0;
    std::int64_t rtt_max_us = -1;
    std::int64_t loss_ms_min = -1;
    std::deque<Clock::time_point> pending;  // send times, oldest first
};

void usage(std::FILE* out) {
    std::fputs(
        "usage: m6-probe [-n ROUNDS] [-i INTERVAL_MS] [-t TIMEOUT_MS] [-e IDENTIFIER] PROBE...\n"
        "  PROBE = IFNAME,ROUTER,SOURCE,TARGET[,TARGET...]\n"
        "  -n ROUNDS       probes per target (default 1)\n"
        "  -i INTERVAL_MS  time between rounds (default 100)\n"
        "  -t TIMEOUT_MS   probe timeout (default 300)\n"
        "  -e IDENTIFIER   echo identifier 0..65535 (default random)\n",
        out);
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::optional<Spec> parse_spec(std::string_view text) {
    const auto parts = split(text, ',');
    if (parts.size() < 4) {
        return std::nullopt;
    }
    Spec spec;
    spec.ifname = parts[0];
    const unsigned ifindex = if_nametoindex(parts[0].c_str());
    const auto router = Address::parse(parts[1]);
    const auto source = Address::parse(parts[2]);
    if (ifindex == 0 || !router || !source) {
        return std::nullopt;
    }
    spec.path = PathKey{static_cast<int>(ifindex), Prefix(*source, 64), *router};
    spec.source = *source;
    for (std::size_t i = 3; i < parts.size(); ++i) {
        const auto target = Address::parse(parts[i]);
        if (!target) {
            return std::nullopt;
        }
        spec.targets.push_back(*target);
    }
    return spec;
}

int run(int argc, char** argv) {
    std::int64_t rounds = 1;
    std::int64_t interval_ms = 100;
    std::int64_t timeout_ms = 300;
    std::optional<std::uint16_t> identifier;
    int opt = 0;
    while ((opt = getopt(argc, argv, "n:i:t:e:h")) != -1) {
        std::optional<std::int64_t> v;
        switch (opt) {
            case 'n':
                v = parse_int(optarg, 1, 1000000);
                rounds = v.value_or(0);
                break;
            case 'i':
                v = parse_int(optarg, 0, 3600000);
                interval_ms = v.value_or(0);
                break;
            case 't':
                v = parse_int(optarg, 1, 3600000);
                timeout_ms = v.value_or(0);
                break;
            case 'e':
                v = parse_int(optarg, 0, 65535);
                if (v) {
                    identifier = static_cast<std::uint16_t>(*v);
                }
                break;
            case 'h':
                usage(stdout);
                return 0;
            default:
                usage(stderr);
                return 2;
        }
        if (!v) {
            std::fprintf(stderr, "m6-probe: bad value for -%c: %s\n", opt, optarg);
            return 2;
        }
    }
    std::vector<Spec> specs;
    for (int i = optind; i < argc; ++i) {
        auto spec = parse_spec(argv[i]);
        if (!spec) {
            std::fprintf(stderr, "m6-probe: bad PROBE (or unknown interface): %s\n", argv[i]);
            return 2;
        }
        specs.push_back(std::move(*spec));
    }
    if (specs.empty()) {
        usage(stderr);
        return 2;
    }

    using Key = std::pair<PathKey, Address>;
    std::map<Key, Tally> tallies;
    bool broken = false;
    std::int64_t rounds_done = 0;

    SdEventLoop loop;
    auto finish_if_done = [&](Prober& p) {
        if (rounds_done == rounds && p.outstanding() == 0) {
            loop.exit(0);
        }
    };
    Prober* prober_ptr = nullptr;
    auto ended = [&](const PathKey& path, const Address& target) -> Tally* {
        const auto it = tallies.find({path, target});
        if (it == tallies.end() || it->second.pending.empty()) {
            broken = true;  // an outcome nobody asked for, or a second one
            return nullptr;
        }
        return &it->second;
    };
    Prober::Callbacks callbacks;
    callbacks.on_reply = [&](const PathKey& path, const Address& target,
                             std::chrono::microseconds rtt) {
        if (Tally* t = ended(path, target)) {
            ++t->replies;
            t->rtt_max_us = std::max<std::int64_t>(t->rtt_max_us, rtt.count());
            t->pending.pop_front();
        }
        finish_if_done(*prober_ptr);
    };
    callbacks.on_loss = [&](const PathKey& path, const Address& target) {
        if (Tally* t = ended(path, target)) {
            ++t->losses;
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                Clock::now() - t->pending.front())
                                .count();
            t->loss_ms_min = t->loss_ms_min < 0 ? ms : std::min<std::int64_t>(t->loss_ms_min, ms);
            t->pending.pop_front();
        }
        finish_if_done(*prober_ptr);
    };
    Prober::Options options;
    options.timeout = std::chrono::milliseconds(timeout_ms);
    options.identifier = identifier;
    Prober prober(loop, callbacks, options);
    prober_ptr = &prober;

    EventSource round_timer;
    std::function<void()> round = [&] {
        for (const auto& spec : specs) {
            for (const auto& target : spec.targets) {
                Tally& t = tallies[{spec.path, target}];
                ++t.sent;
                t.pending.push_back(Clock::now());
                prober.send(spec.path, spec.source, target);
            }
        }
        ++rounds_done;
        if (rounds_done < rounds) {
            round_timer = loop.add_timer(Clock::now() + std::chrono::milliseconds(interval_ms),
                                         [&] { round(); });
        }
        finish_if_done(prober);
    };
    EventSource start = loop.add_defer([&] { round(); });
    // A probe that never ends would keep the loop running: give up well
    // after the last deadline and report it.
    const auto limit = std::chrono::milliseconds(interval_ms * rounds + timeout_ms + 5000);
    EventSource watchdog = loop.add_timer(Clock::now() + limit, [&] {
        broken = true;
        loop.exit(0);
    });
    loop.run();

    for (const auto& spec : specs) {
        for (const auto& target : spec.targets) {
            const Tally& t = tallies[{spec.path, target}];
            if (t.replies + t.losses != t.sent) {
                broken = true;
            }
            std::printf(
                "probe if=%s router=%s source=%s target=%s sent=%llu replies=%llu losses=%llu "
                "rtt_max_us=%s loss_ms_min=%s\n",
                spec.ifname.c_str(), spec.path.router.to_string().c_str(),
                spec.source.to_string().c_str(), target.to_string().c_str(),
                static_cast<unsigned long long>(t.sent), static_cast<unsigned long long>(t.replies),
                static_cast<unsigned long long>(t.losses),
                t.rtt_max_us < 0 ? "-" : std::to_string(t.rtt_max_us).c_str(),
                t.loss_ms_min < 0 ? "-" : std::to_string(t.loss_ms_min).c_str());
        }
    }
    for (const auto& spec : specs) {
        const ProbeCounters c = prober.counters(spec.path);
        std::printf(
            "path if=%s prefix=%s router=%s packets=%llu replies=%llu losses=%llu "
            "send_errors=%llu neighbour_waits=%llu\n",
            spec.ifname.c_str(), spec.path.prefix.to_string().c_str(),
            spec.path.router.to_string().c_str(), static_cast<unsigned long long>(c.packets_sent),
            static_cast<unsigned long long>(c.replies), static_cast<unsigned long long>(c.losses),
            static_cast<unsigned long long>(c.send_errors),
            static_cast<unsigned long long>(c.neighbour_waits));
    }
    std::printf("identifier=%u outstanding=%zu\n", prober.identifier(), prober.outstanding());
    return broken ? 1 : 0;
}

}  // namespace
}  // namespace multi6d::tools

int main(int argc, char** argv) {
    try {
        return multi6d::tools::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "m6-probe: %s\n", e.what());
        return 2;
    }
}
