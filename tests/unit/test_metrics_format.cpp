// multi6ctl metrics: the exposition formatter (dbus/multi6ctl/exposition.hpp),
// the families made of the daemon's D-Bus values (metrics_format.hpp) and
// the atomic replacement of -o FILE (output_file.hpp).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "exposition.hpp"
#include "metrics_format.hpp"
#include "output_file.hpp"
#include "temp_dir.hpp"

namespace multi6d::ctl {
namespace {

using namespace exposition;

TEST(Exposition, EscapesLabelValuesAsTheFormatSays) {
    EXPECT_EQ(escape_label_value("plain"), "plain");
    EXPECT_EQ(escape_label_value("a\"b"), "a\\\"b");
    EXPECT_EQ(escape_label_value("a\\b"), "a\\\\b");
    EXPECT_EQ(escape_label_value("l1\nl2"), "l1\\nl2");
    EXPECT_EQ(escape_label_value("h\xc3\xa9"), "h\xc3\xa9");  // UTF-8 as it is
    // A quote is escaped in HELP no more than the format asks.
    EXPECT_EQ(escape_help("say \"x\" \\ \n"), "say \"x\" \\\\ \\n");
}

TEST(Exposition, FormatsValues) {
    EXPECT_EQ(format_value(std::uint64_t{18446744073709551615U}), "18446744073709551615");
    EXPECT_EQ(format_value(0.0205), "0.0205");
    EXPECT_EQ(format_value(1.0), "1");
    EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(Exposition, RendersHelpTypeAndSamples) {
    const std::vector<Family> families = {
        Family{"m_total",
               "Things\ncounted",
               Type::Counter,
               {Sample{{{"path", "eth0/2001:db8:a::/64/fe80::a"}, {"uplink", "isp \"a\""}},
                       std::uint64_t{3}},
                Sample{{}, std::uint64_t{4}}}},
        Family{"g_ratio", "A gauge", Type::Gauge, {}},
    };
    EXPECT_EQ(render(families),
              "# HELP m_total Things\\ncounted\n"
              "# TYPE m_total counter\n"
              "m_total{path=\"eth0/2001:db8:a::/64/fe80::a\",uplink=\"isp \\\"a\\\"\"} 3\n"
              "m_total 4\n"
              "# HELP g_ratio A gauge\n"
              "# TYPE g_ratio gauge\n");
}

TEST(Exposition, RefusesMalformedNames) {
    EXPECT_THROW(render({Family{"bad-name", "h", Type::Gauge, {}}}), std::invalid_argument);
    EXPECT_THROW(render({Family{"1st", "h", Type::Gauge, {}}}), std::invalid_argument);
    EXPECT_THROW(render({Family{"count", "h", Type::Counter, {}}}), std::invalid_argument);
    EXPECT_THROW(render({Family{"g", "h", Type::Gauge, {Sample{{{"a:b", "v"}}, 1.0}}}}),
                 std::invalid_argument);
    EXPECT_THROW(render({Family{"g", "h", Type::Gauge, {Sample{{{"__x", "v"}}, 1.0}}}}),
                 std::invalid_argument);
    EXPECT_THROW(render({Family{"g", "h", Type::Gauge, {Sample{{{"a", "1"}, {"a", "2"}}, 1.0}}}}),
                 std::invalid_argument);
    EXPECT_THROW(render({Family{"g", "h", Type::Gauge, {}}, Family{"g", "h", Type::Gauge, {}}}),
                 std::invalid_argument);
    EXPECT_NO_THROW(render({Family{"ns:g_1", "h", Type::Gauge, {Sample{{{"_a1", ""}}, 1.0}}}}));
}

Path path(const std::string& id, const std::string& state, std::optional<std::uint64_t> rtt,
          std::optional<double> loss) {
    Details d;
    d.emplace("interface", sdbus::Variant(std::string("eth0")));
    d.emplace("prefix", sdbus::Variant(std::string("2001:db8:a::/64")));
    d.emplace("router", sdbus::Variant(std::string("fe80::a")));
    d.emplace("uplink", sdbus::Variant(std::string("isp-a")));
    d.emplace("state", sdbus::Variant(state));
    if (rtt) {
        d.emplace("rtt_usec", sdbus::Variant(*rtt));
        d.emplace("rtt_variation_usec", sdbus::Variant(*rtt / 4));
    }
    if (loss) {
        d.emplace("loss", sdbus::Variant(*loss));
    }
    d.emplace("probes_sent", sdbus::Variant(std::uint64_t{40}));
    d.emplace("probes_lost", sdbus::Variant(std::uint64_t{3}));
    d.emplace("state_changes", sdbus::Variant(std::uint64_t{2}));
    return Path(id, d);
}

MetricsInput input() {
    MetricsInput in;
    in.version = "0.1.0";
    in.state = "running";
    in.paths = {path("eth0/2001:db8:a::/64/fe80::a", "up", 20500, 0.025),
                path("eth0/2001:db8:a::/64/fe80::b", "down", std::nullopt, std::nullopt)};
    in.counters.emplace("failovers", sdbus::Variant(std::uint64_t{1}));
    in.counters.emplace("policy_changes", sdbus::Variant(std::uint64_t{3}));
    in.counters.emplace("repairs", sdbus::Variant(std::uint64_t{2}));
    in.counters.emplace("router_advertisements_received", sdbus::Variant(std::uint64_t{10}));
    in.counters.emplace("router_advertisements_rejected", sdbus::Variant(std::uint64_t{1}));
    in.counters.emplace("dbus_calls", sdbus::Variant(std::map<std::string, std::uint64_t>{
                                          {"ListPaths", 5}, {"Rank", 7}}));
    in.counters.emplace("dbus_errors", sdbus::Variant(std::map<std::string, std::uint64_t>{
                                           {"ListPaths", 0}, {"Rank", 1}}));
    return in;
}

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        if (l == line) {
            return true;
        }
    }
    return false;
}

constexpr const char* labels_a =
    "path=\"eth0/2001:db8:a::/64/fe80::a\",link=\"eth0\",prefix=\"2001:db8:a::/64\","
    "router=\"fe80::a\",uplink=\"isp-a\"";
constexpr const char* labels_b =
    "path=\"eth0/2001:db8:a::/64/fe80::b\",link=\"eth0\",prefix=\"2001:db8:a::/64\","
    "router=\"fe80::a\",uplink=\"isp-a\"";

TEST(MetricsFormat, PathsInSecondsAndRatios) {
    const std::string text = render(metric_families(input()));
    EXPECT_TRUE(has_line(text, "multi6d_info{version=\"0.1.0\",state=\"running\"} 1")) << text;
    EXPECT_TRUE(has_line(text, std::string("multi6d_path_up{") + labels_a + ",state=\"up\"} 1"))
        << text;
    EXPECT_TRUE(has_line(text, std::string("multi6d_path_up{") + labels_b + ",state=\"down\"} 0"))
        << text;
    EXPECT_TRUE(has_line(text, std::string("multi6d_path_rtt_seconds{") + labels_a + "} 0.0205"))
        << text;
    EXPECT_TRUE(has_line(
        text, std::string("multi6d_path_rtt_variation_seconds{") + labels_a + "} 0.005125"))
        << text;
    EXPECT_TRUE(has_line(text, std::string("multi6d_path_loss_ratio{") + labels_a + "} 0.025"))
        << text;
    EXPECT_TRUE(has_line(text, std::string("multi6d_path_probes_sent_total{") + labels_a + "} 40"));
    EXPECT_TRUE(has_line(text, std::string("multi6d_path_probes_lost_total{") + labels_b + "} 3"));
    EXPECT_TRUE(
        has_line(text, std::string("multi6d_path_state_changes_total{") + labels_b + "} 2"));
    EXPECT_TRUE(has_line(text, "# TYPE multi6d_path_rtt_seconds gauge"));
    EXPECT_TRUE(has_line(text, "# TYPE multi6d_path_probes_sent_total counter"));
}

TEST(MetricsFormat, UnknownRttAndLossHaveNoSample) {
    const std::string text = render(metric_families(input()));
    EXPECT_EQ(text.find(std::string("multi6d_path_rtt_seconds{") + labels_b), std::string::npos);
    EXPECT_EQ(text.find(std::string("multi6d_path_rtt_variation_seconds{") + labels_b),
              std::string::npos);
    EXPECT_EQ(text.find(std::string("multi6d_path_loss_ratio{") + labels_b), std::string::npos);
}

TEST(MetricsFormat, DaemonCountersAndDbusCallsByMethod) {
    const std::string text = render(metric_families(input()));
    EXPECT_TRUE(has_line(text, "multi6d_failovers_total 1")) << text;
    EXPECT_TRUE(has_line(text, "multi6d_policy_changes_total 3"));
    EXPECT_TRUE(has_line(text, "multi6d_repairs_total 2"));
    EXPECT_TRUE(has_line(text, "multi6d_router_advertisements_received_total 10"));
    EXPECT_TRUE(has_line(text, "multi6d_router_advertisements_rejected_total 1"));
    EXPECT_TRUE(has_line(text, "multi6d_dbus_calls_total{method=\"Rank\"} 7"));
    EXPECT_TRUE(has_line(text, "multi6d_dbus_errors_total{method=\"Rank\"} 1"));
    EXPECT_TRUE(has_line(text, "multi6d_dbus_errors_total{method=\"ListPaths\"} 0"));
}

TEST(MetricsFormat, ApplicationMovesAndBlocked) {
    MetricsInput in = input();
    Details backup;
    backup.emplace("moves", sdbus::Variant(std::uint64_t{2}));
    backup.emplace("blocked", sdbus::Variant(false));
    Details voip;
    voip.emplace("moves", sdbus::Variant(std::uint64_t{0}));
    voip.emplace("blocked", sdbus::Variant(true));
    in.applications = {Application("backup", backup), Application("voip", voip)};
    const std::string text = render(metric_families(in));
    EXPECT_TRUE(has_line(text, "# TYPE multi6d_application_moves_total counter")) << text;
    EXPECT_TRUE(has_line(text, "multi6d_application_moves_total{application=\"backup\"} 2"));
    EXPECT_TRUE(has_line(text, "multi6d_application_moves_total{application=\"voip\"} 0"));
    EXPECT_TRUE(has_line(text, "# TYPE multi6d_application_blocked gauge"));
    EXPECT_TRUE(has_line(text, "multi6d_application_blocked{application=\"backup\"} 0"));
    EXPECT_TRUE(has_line(text, "multi6d_application_blocked{application=\"voip\"} 1"));
}

TEST(MetricsFormat, LabelValuesFromTheDaemonAreEscaped) {
    MetricsInput in = input();
    in.paths = {path("x", "up", 1000, 0.0)};
    in.paths[0].get<1>().erase("uplink");
    in.paths[0].get<1>().emplace("uplink", sdbus::Variant(std::string("isp \"a\"\\\n")));
    const std::string text = render(metric_families(in));
    EXPECT_NE(text.find("uplink=\"isp \\\"a\\\"\\\\\\n\""), std::string::npos) << text;
}

TEST(OutputFile, ReplacesTheFileWholeWithMode0644) {
    test::TempDir dir("multi6ctl-out");
    const std::string file = (dir.path() / "multi6d.prom").string();
    std::ofstream(file) << "old\n";
    replace_file(file, "new\n");
    std::ifstream in(file);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), "new\n");
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644U);
    // Nothing else left in the directory (no temporary file).
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) {
        ++entries;
    }
    EXPECT_EQ(entries, 1U);
}

TEST(OutputFile, AMissingDirectoryIsAPreciseError) {
    test::TempDir dir("multi6ctl-out");
    const std::string file = (dir.path() / "absent" / "multi6d.prom").string();
    try {
        replace_file(file, "x\n");
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("cannot write " + file + ": create a temporary", 0),
                  0U)
            << e.what();
    }
}

}  // namespace
}  // namespace multi6d::ctl
