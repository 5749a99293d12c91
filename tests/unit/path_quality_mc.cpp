// Monte Carlo for the numbers in path_quality.hpp (not a test; run by hand):
//   path_quality_mc [runs] [loss_per_direction] [seconds] [default|tuned] [upstream_rtt_ms]
// (tuned: tests/bench/failover-tuned.toml's [probe] settings)
// Runs the real scheduler and monitor (path_sim.hpp) `runs` times with
// random loss in each direction and counts the runs with a state change
// after the first (unknown → up), then the detection time after a cut.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "path_sim.hpp"

using namespace multi6d;
using namespace multi6d::test;

int main(int argc, char** argv) {
    const long runs = argc > 1 ? std::atol(argv[1]) : 10000;
    const double loss = argc > 2 ? std::atof(argv[2]) : 0.02;
    const long secs = argc > 3 ? std::atol(argv[3]) : 180;
    ProbeSettings settings;
    if (argc > 4 && std::strcmp(argv[4], "tuned") == 0) {
        settings.interval = std::chrono::milliseconds(50);
        settings.timeout = std::chrono::milliseconds(60);
        settings.min_timeout = std::chrono::milliseconds(20);
        settings.max_rate_per_path = 25;
        settings.max_rate = 100;
    }
    const auto upstream_rtt = std::chrono::milliseconds(argc > 5 ? std::atol(argv[5]) : 20);
    long changed = 0, down = 0, degraded = 0, probes = 0;
    long ended_up = 0, noticed = 0;
    double noticed_s = 0;
    for (long r = 0; r < runs; ++r) {
        PathSim sim(settings, 1000000 + r);
        sim.upstream_rtt = upstream_rtt;
        sim.loss_per_direction = loss;
        sim.run_until(t0 + std::chrono::seconds(secs));
        probes += static_cast<long>(sim.sent.size());
        bool d = false, g = false;
        for (std::size_t i = 1; i < sim.transitions.size(); ++i) {
            d = d || sim.transitions[i].to == PathHealth::Down;
            g = g || sim.transitions[i].to == PathHealth::Degraded;
        }
        ended_up += sim.monitor.state() == PathHealth::Up ? 1 : 0;
        for (const auto& t : sim.transitions) {
            if (t.to == PathHealth::Down || t.to == PathHealth::Degraded) {
                ++noticed;
                noticed_s += std::chrono::duration<double>(t.at - t0).count();
                break;
            }
        }
        if (sim.transitions.size() > 1) {
            ++changed;
        }
        down += d ? 1 : 0;
        degraded += g ? 1 : 0;
    }
    std::printf("%ld runs of %ld s at %.3f loss per direction, %.1f probes/run\n", runs, secs, loss,
                static_cast<double>(probes) / runs);
    std::printf("any change %.5f  down %.5f  degraded %.5f\n", static_cast<double>(changed) / runs,
                static_cast<double>(down) / runs, static_cast<double>(degraded) / runs);
    std::printf("ended up %.5f; degraded or down at some point %.5f, after %.1f s on average\n",
                static_cast<double>(ended_up) / runs, static_cast<double>(noticed) / runs,
                noticed > 0 ? noticed_s / noticed : 0.0);

    for (const bool first_hop : {false, true}) {
        double total = 0, worst = 0, best = 1e9;
        std::vector<double> all;
        const int cuts = 4000;
        for (int i = 0; i < cuts; ++i) {
            PathSim sim(settings, 5000 + i);
            sim.upstream_rtt = upstream_rtt;
            const TimePoint cut =
                t0 + std::chrono::seconds(10) + std::chrono::microseconds(i * 4000000LL / cuts);
            sim.carries = [cut, first_hop](TimePoint t, ProbeTargetKind kind) {
                return t < cut || (!first_hop && kind == ProbeTargetKind::Router);
            };
            sim.run_until(cut + std::chrono::seconds(5));
            double d = 5000;
            for (const auto& c : sim.transitions) {
                if (c.to == PathHealth::Down) {
                    d = std::chrono::duration<double, std::milli>(c.at - cut).count();
                    break;
                }
            }
            total += d;
            all.push_back(d);
            worst = std::max(worst, d);
            best = std::min(best, d);
        }
        std::sort(all.begin(), all.end());
        std::printf("detection (%s cut): mean %.0f ms, min %.0f, median %.0f, p95 %.0f, max %.0f\n",
                    first_hop ? "first hop" : "upstream", total / cuts, best, all[all.size() / 2],
                    all[all.size() * 95 / 100], worst);
    }
}
