// m6-bench-dbus: the D-Bus quality bar of DESIGN.md §6. On one sd-bus
// connection to the system bus (DBUS_SYSTEM_BUS_ADDRESS), calls
// org.multi6d.Manager1.Rank, org.freedesktop.DBus.Peer.Ping and
// org.freedesktop.DBus.Properties.Get(org.multi6d.Manager1, Version) on
// org.multi6d1 in turn (each round rotates the order, so none always
// follows another), timing each sd_bus_call() from sending the built
// message to having the reply. Prints p50 and p99 of each and the ratios of
// Rank to Ping (answered inside sd-bus itself) and to Get(Version) (the
// cheapest call through the daemon's own D-Bus layer, sdbus-c++).
//   usage: m6-bench-dbus [--count N] [--warmup N] [--preference P]
//                        [--vary N] [--only rank|ping] [--reference] [DEST...]
// Defaults: 20000 calls of each, 1000 warm-up rounds, one destination
// (2001:db8:ffff::1: one address per host name is the common case).
// --vary N cycles the last destination through N different addresses, so
// the daemon cannot answer from its memory of recent requests (N > 8 defeats
// RankingSnapshot's memo). --only (diagnostics) sends that call in the Rank and Ping slots.
// --reference adds a third call to each round, org.multi6d.Test.Reference
// on /org/multi6d1/reference (m6-dbus-server only): the same request and
// the same reply as Rank, without parsing or ranking; it prints that
// call's figures and Rank against it. Each round rotates the order of its
// calls, so none always follows another.
#include <systemd/sd-bus.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* service = "org.multi6d1";
constexpr const char* path = "/org/multi6d1";

struct Options {
    long count = 20000;
    long warmup = 1000;
    std::string preference = "latency";
    std::string only;  // diagnostics: "rank" or "ping" times one kind alone
    long vary = 0;
    bool reference = false;
    std::vector<std::string> destinations;
};

[[noreturn]] void die(const char* what, int r) {
    std::fprintf(stderr, "m6-bench-dbus: %s: %s\n", what, std::strerror(-r));
    std::exit(1);
}

sd_bus_message* rank_message(sd_bus* bus, const Options& o, long round, const char* object = path,
                             const char* interface = "org.multi6d.Manager1",
                             const char* member = "Rank") {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus, &m, service, object, interface, member);
    if (r < 0) {
        die("new call", r);
    }
    r = sd_bus_message_open_container(m, 'a', "s");
    for (std::size_t i = 0; i < o.destinations.size(); ++i) {
        std::string d = o.destinations[i];
        if (o.vary > 0 && i + 1 == o.destinations.size()) {
            // Same prefix, another interface ID: the same ranking work.
            d = "2001:db8:ffff::" + std::to_string(1000 + round % o.vary);
        }
        r = r < 0 ? r : sd_bus_message_append(m, "s", d.c_str());
    }
    r = r < 0 ? r : sd_bus_message_close_container(m);
    r = r < 0 ? r : sd_bus_message_append(m, "a{sv}", 1, "preference", "s", o.preference.c_str());
    if (r < 0) {
        die("build call", r);
    }
    return m;
}

// Rank's request, sent to the reference method instead.
sd_bus_message* reference_message(sd_bus* bus, const Options& o, long round) {
    return rank_message(bus, o, round, "/org/multi6d1/reference", "org.multi6d.Test", "Reference");
}

sd_bus_message* get_version_message(sd_bus* bus) {
    sd_bus_message* m = nullptr;
    int r = sd_bus_message_new_method_call(bus, &m, service, path,
                                           "org.freedesktop.DBus.Properties", "Get");
    r = r < 0 ? r : sd_bus_message_append(m, "ss", "org.multi6d.Manager1", "Version");
    if (r < 0) {
        die("build Get call", r);
    }
    return m;
}

sd_bus_message* ping_message(sd_bus* bus) {
    sd_bus_message* m = nullptr;
    const int r =
        sd_bus_message_new_method_call(bus, &m, service, path, "org.freedesktop.DBus.Peer", "Ping");
    if (r < 0) {
        die("new Ping call", r);
    }
    return m;
}

// The number of pairs in one Rank reply (printed, so a run that ranks
// nothing cannot pass for a fast one).
unsigned count_pairs(sd_bus* bus, const Options& o) {
    sd_bus_message* m = rank_message(bus, o, 0);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call(bus, m, 0, &error, &reply);
    sd_bus_message_unref(m);
    if (r < 0) {
        std::fprintf(stderr, "m6-bench-dbus: Rank failed: %s: %s\n",
                     error.name != nullptr ? error.name : "?",
                     error.message != nullptr ? error.message : std::strerror(-r));
        std::exit(1);
    }
    unsigned n = 0;
    r = sd_bus_message_enter_container(reply, 'a', "(sssstds)");
    while (r > 0 && (r = sd_bus_message_skip(reply, "(sssstds)")) > 0) {
        ++n;
    }
    sd_bus_message_unref(reply);
    return n;
}

// One call; returns its duration in microseconds.
double timed_call(sd_bus* bus, sd_bus_message* m, const char* what) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    const auto start = Clock::now();
    const int r = sd_bus_call(bus, m, 0, &error, &reply);
    const auto end = Clock::now();
    if (r < 0) {
        std::fprintf(stderr, "m6-bench-dbus: %s failed: %s: %s\n", what,
                     error.name != nullptr ? error.name : "?",
                     error.message != nullptr ? error.message : std::strerror(-r));
        std::exit(1);
    }
    sd_bus_message_unref(reply);
    sd_bus_message_unref(m);
    return std::chrono::duration<double, std::micro>(end - start).count();
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

long number(const char* text) {
    char* end = nullptr;
    const long n = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || n < 1) {
        std::fprintf(stderr, "m6-bench-dbus: not a positive number: %s\n", text);
        std::exit(2);
    }
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--reference") {
            o.reference = true;
        } else if ((a == "--count" || a == "--warmup" || a == "--preference" || a == "--only" ||
                    a == "--vary") &&
                   i + 1 < argc) {
            const char* v = argv[++i];
            if (a == "--count") {
                o.count = number(v);
            } else if (a == "--vary") {
                o.vary = number(v);
            } else if (a == "--warmup") {
                o.warmup = number(v);
            } else if (a == "--only") {
                o.only = v;
            } else {
                o.preference = v;
            }
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr,
                         "usage: m6-bench-dbus [--count N] [--warmup N] [--preference P] "
                         "[--vary N] [--only rank|ping] [--reference] [DEST...]\n");
            return 2;
        } else {
            o.destinations.push_back(a);
        }
    }
    if (o.destinations.empty()) {
        o.destinations = {"2001:db8:ffff::1"};
    }

    sd_bus* bus = nullptr;
    if (const int r = sd_bus_open_system(&bus); r < 0) {
        die("connect to the system bus", r);
    }
    const unsigned pairs = count_pairs(bus, o);
    // One slot per kind of call; --only puts its call in both first slots.
    const std::vector<const char*> names =
        o.reference ? std::vector<const char*>{"Rank", "Ping", "Get", "Reference"}
                    : std::vector<const char*>{"Rank", "Ping", "Get"};
    const std::size_t slots = names.size();
    std::vector<std::vector<double>> samples(slots);
    for (auto& s : samples) {
        s.reserve(static_cast<std::size_t>(o.count));
    }
    std::vector<sd_bus_message*> messages(slots);
    for (long i = 0; i < o.warmup + o.count; ++i) {
        // Messages are built before the clock starts: only the calls count.
        messages[0] = o.only == "ping" ? ping_message(bus) : rank_message(bus, o, i);
        messages[1] = o.only == "rank" ? rank_message(bus, o, i) : ping_message(bus);
        messages[2] = get_version_message(bus);
        if (o.reference) {
            messages[3] = reference_message(bus, o, i);
        }
        for (std::size_t k = 0; k < slots; ++k) {
            const std::size_t slot = (static_cast<std::size_t>(i) + k) % slots;
            const double us = timed_call(bus, messages[slot], names[slot]);
            if (i >= o.warmup) {
                samples[slot].push_back(us);
            }
        }
    }
    sd_bus_flush_close_unref(bus);

    std::printf(
        "calls: %ld of each of %s, interleaved on one connection; Rank: %zu destination(s), "
        "%u pair(s) per reply%s\n",
        o.count,
        o.reference ? "Rank, Ping, Get(Version) and Reference" : "Rank, Ping and Get(Version)",
        o.destinations.size(), pairs,
        o.vary > 0 ? (", " + std::to_string(o.vary) + " distinct requests").c_str() : "");
    std::vector<double> p50(slots);
    std::vector<double> p99(slots);
    for (std::size_t k = 0; k < slots; ++k) {
        p50[k] = percentile(samples[k], 0.50);
        p99[k] = percentile(samples[k], 0.99);
        std::printf("%-9s p50 %8.1f us  p99 %8.1f us\n", names[k], p50[k], p99[k]);
    }
    std::printf("ratio p50 %.3f  p99 %.3f\n", p50[0] / p50[1], p99[0] / p99[1]);
    std::printf("Rank/Get p50 %.3f  p99 %.3f  (against the daemon's cheapest call)\n",
                p50[0] / p50[2], p99[0] / p99[2]);
    if (o.reference) {
        std::printf("reference/Ping p50 %.3f  p99 %.3f  (Rank's reply and glue alone)\n",
                    p50[3] / p50[1], p99[3] / p99[1]);
        std::printf("Rank/reference p50 %.3f  p99 %.3f  (validation and ranking)\n",
                    p50[0] / p50[3], p99[0] / p99[3]);
    }
    return 0;
}
