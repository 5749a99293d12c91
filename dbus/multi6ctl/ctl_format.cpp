#include "ctl_format.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>

#include "json.hpp"

namespace multi6d::ctl {

namespace {

// A string detail, or "-" when absent or of another type.
std::string text_of(const Details& d, const std::string& key) {
    const auto it = d.find(key);
    if (it == d.end()) {
        return "-";
    }
    if (it->second.containsValueOfType<std::string>()) {
        const std::string s = it->second.get<std::string>();
        return s.empty() ? "-" : s;
    }
    if (it->second.containsValueOfType<std::uint32_t>()) {
        return std::to_string(it->second.get<std::uint32_t>());
    }
    if (it->second.containsValueOfType<std::vector<std::string>>()) {
        std::string out;
        for (const std::string& s : it->second.get<std::vector<std::string>>()) {
            out += (out.empty() ? "" : ",") + s;
        }
        return out.empty() ? "-" : out;
    }
    return "-";
}

using Row = std::vector<std::string>;

// Columns separated by two spaces, each as wide as its widest cell; the
// last column is not padded.
std::string table(const Row& header, const std::vector<Row>& rows) {
    std::vector<std::size_t> width(header.size(), 0);
    const auto measure = [&width](const Row& r) {
        for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) {
            width[i] = std::max(width[i], r[i].size());
        }
    };
    measure(header);
    for (const Row& r : rows) {
        measure(r);
    }
    std::string out;
    const auto emit = [&](const Row& r) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) {
                line.append(width[i] - r[i].size() + 2, ' ');
            }
        }
        out += line + "\n";
    };
    emit(header);
    for (const Row& r : rows) {
        emit(r);
    }
    return out;
}

std::string json_array(const std::vector<std::string>& objects) {
    std::string out = "[";
    for (std::size_t i = 0; i < objects.size(); ++i) {
        out += (i == 0 ? "" : ",") + objects[i];
    }
    return out + "]\n";
}

std::string state_of(const Path& p) {
    return text_of(std::get<1>(p), "state");
}

template <typename T>
T value_of(const Details& d, const std::string& key, T otherwise) {
    const auto it = d.find(key);
    return it != d.end() && it->second.containsValueOfType<T>() ? it->second.get<T>() : otherwise;
}

// "uplink isp-b via PATH, source S", "blocked (fallback = false: no preferred
// uplink is usable)" or "generic policy (no preferred uplink is usable)",
// then the preference if one is configured, then the moves and, with
// mptcp = true, whether its TCP is MPTCP.
std::string describe_application(const Details& d) {
    std::string what;
    if (value_of(d, "blocked", false)) {
        what = "blocked (fallback = false: no preferred uplink is usable)";
    } else if (text_of(d, "uplink") == "-") {
        what = "generic policy (no preferred uplink is usable)";
    } else {
        what = "uplink " + text_of(d, "uplink") + " via " + text_of(d, "path") + ", source " +
               text_of(d, "source");
    }
    if (const std::string preference = value_of(d, "preference", std::string());
        !preference.empty()) {
        what += "; preference " + preference;
    }
    const std::uint64_t moves = value_of(d, "moves", std::uint64_t{0});
    what += "; " + std::to_string(moves) + (moves == 1 ? " move" : " moves");
    // mptcp = true: whether its TCP sockets do become MPTCP (multi6d(8)).
    const std::string mptcp = value_of(d, "mptcp", std::string("off"));
    if (mptcp == "on") {
        what += "; TCP as MPTCP";
    } else if (mptcp == "unavailable") {
        what += "; MPTCP unavailable (see the daemon's log)";
    }
    return what;
}

}  // namespace

std::string format_rtt(const Details& d, const std::string& key) {
    const auto it = d.find(key);
    if (it == d.end() || !it->second.containsValueOfType<std::uint64_t>()) {
        return "-";
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1fms",
                  static_cast<double>(it->second.get<std::uint64_t>()) / 1000.0);
    return buffer;
}

std::string format_loss(const Details& d) {
    const auto it = d.find("loss");
    if (it == d.end() || !it->second.containsValueOfType<double>()) {
        return "-";
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", it->second.get<double>() * 100.0);
    return buffer;
}

Details pair_details(const Pair& pair, const std::vector<Path>& paths) {
    // std::get: sdbus-c++ 1.x's Struct does not support structured bindings.
    const std::string& id = std::get<2>(pair);
    const std::uint64_t rtt_usec = std::get<4>(pair);
    const double loss = std::get<5>(pair);
    Details d;
    d.emplace("path", sdbus::Variant(id));
    d.emplace("state", sdbus::Variant(std::get<3>(pair)));
    if (rtt_usec != UINT64_MAX) {
        d.emplace("rtt_usec", sdbus::Variant(rtt_usec));
    }
    if (loss >= 0.0) {
        d.emplace("loss", sdbus::Variant(loss));
    }
    d.emplace("rule", sdbus::Variant(std::get<6>(pair)));
    for (const Path& p : paths) {
        if (std::get<0>(p) != id) {
            continue;
        }
        const Details& path = std::get<1>(p);
        for (const char* key : {"uplink", "router"}) {
            const auto it = path.find(key);
            if (it != path.end()) {
                d.emplace(key, it->second);
            }
        }
        break;
    }
    return d;
}

std::string format_pairs(const std::vector<Pair>& pairs, const std::vector<Path>& paths,
                         bool json) {
    if (json) {
        std::vector<std::string> objects;
        for (const Pair& p : pairs) {
            const std::string members = json_members(pair_details(p, paths));
            objects.push_back("{\"source\":" + json_string(std::get<0>(p)) +
                              ",\"destination\":" + json_string(std::get<1>(p)) +
                              (members.empty() ? "" : "," + members) + "}");
        }
        return json_array(objects);
    }
    std::vector<Row> rows;
    for (const Pair& p : pairs) {
        const Details d = pair_details(p, paths);
        rows.push_back({std::get<0>(p), std::get<1>(p), text_of(d, "uplink"), text_of(d, "router"),
                        text_of(d, "state"), format_rtt(d, "rtt_usec"), format_loss(d),
                        text_of(d, "rule")});
    }
    return table({"SOURCE", "DESTINATION", "UPLINK", "ROUTER", "STATE", "RTT", "LOSS", "RULE"},
                 rows);
}

std::string format_paths(const std::vector<Path>& paths, bool json) {
    if (json) {
        std::vector<std::string> objects;
        for (const Path& p : paths) {
            Details d = std::get<1>(p);
            // An lvalue: sdbus-c++ 2.x cannot assign a Variant rvalue here.
            const sdbus::Variant id(std::get<0>(p));
            d.insert_or_assign("path", id);
            objects.push_back(json_object(d));
        }
        return json_array(objects);
    }
    std::vector<Row> rows;
    for (const Path& p : paths) {
        const Details& d = std::get<1>(p);
        rows.push_back({std::get<0>(p), text_of(d, "uplink"), text_of(d, "state"),
                        format_rtt(d, "rtt_usec"), format_loss(d), text_of(d, "cost"),
                        text_of(d, "addresses"), text_of(d, "applications")});
    }
    return table({"PATH", "UPLINK", "STATE", "RTT", "LOSS", "COST", "ADDRESSES", "APPLICATIONS"},
                 rows);
}

std::string format_status(const Status& status, bool json) {
    // Who processes RAs on each link with a path (details link_manager,
    // link_manager_note), in link order.
    std::map<std::string, std::pair<std::string, std::string>> managers;
    for (const Path& p : status.paths) {
        const Details& d = std::get<1>(p);
        if (d.count("link_manager") != 0) {
            managers.emplace(text_of(d, "interface"), std::pair(text_of(d, "link_manager"),
                                                                text_of(d, "link_manager_note")));
        }
    }
    std::map<std::string, unsigned> by_state;
    for (const char* s : {"up", "unknown", "degraded", "down"}) {
        by_state[s] = 0;
    }
    for (const Path& p : status.paths) {
        ++by_state[state_of(p)];
    }
    if (json) {
        std::string counts;
        for (const auto& [state, n] : by_state) {
            counts += (counts.empty() ? "" : ",") + json_string(state) + ":" + std::to_string(n);
        }
        std::string links;
        for (const auto& [link, m] : managers) {
            links += (links.empty() ? "" : ",") + std::string("{\"interface\":") +
                     json_string(link) + ",\"manager\":" + json_string(m.first) +
                     ",\"note\":" + json_string(m.second) + "}";
        }
        std::string applications;
        for (const Application& a : status.applications) {
            const std::string members = json_members(std::get<1>(a));
            applications += (applications.empty() ? "" : ",") + std::string("{\"name\":") +
                            json_string(std::get<0>(a)) + (members.empty() ? "" : "," + members) +
                            "}";
        }
        return "{\"version\":" + json_string(status.version) +
               ",\"state\":" + json_string(status.state) +
               ",\"paths\":" + std::to_string(status.paths.size()) + ",\"paths_by_state\":{" +
               counts + "},\"links\":[" + links + "],\"applications\":[" + applications + "]}\n";
    }
    std::string counts;
    for (const char* s : {"up", "unknown", "degraded", "down"}) {
        counts += (counts.empty() ? "" : ", ") + std::to_string(by_state[s]) + " " + s;
    }
    for (const auto& [state, n] : by_state) {
        if (state != "up" && state != "unknown" && state != "degraded" && state != "down") {
            counts += ", " + std::to_string(n) + " " + state;
        }
    }
    std::string links;
    for (const auto& [link, m] : managers) {
        links +=
            "Link:    " + link + ": RAs processed by " + m.first + "; multi6d " + m.second + "\n";
    }
    for (const Application& a : status.applications) {
        links += "App:     " + std::get<0>(a) + ": " + describe_application(std::get<1>(a)) + "\n";
    }
    return "Version: " + status.version + "\nState:   " + status.state +
           "\nPaths:   " + std::to_string(status.paths.size()) + " (" + counts + ")\n" + links;
}

std::string format_path_event(const std::string& path, const std::string& state,
                              const Details& details, bool json) {
    if (json) {
        return "{\"event\":\"path-state\",\"path\":" + json_string(path) +
               ",\"state\":" + json_string(state) + ",\"details\":" + json_object(details) + "}\n";
    }
    return "path-state " + path + " " + state + "\n";
}

std::string format_policy_event(const std::string& reason, bool json) {
    if (json) {
        return "{\"event\":\"policy-changed\",\"reason\":" + json_string(reason) + "}\n";
    }
    return "policy-changed " + reason + "\n";
}

std::string format_state_event(const std::string& state, bool json) {
    if (json) {
        return "{\"event\":\"state\",\"state\":" + json_string(state) + "}\n";
    }
    return "state " + state + "\n";
}

std::string format_daemon_event(bool running, bool json) {
    if (json) {
        return std::string("{\"event\":\"daemon\",\"running\":") + (running ? "true" : "false") +
               "}\n";
    }
    return running ? "daemon started\n" : "daemon stopped\n";
}

}  // namespace multi6d::ctl
