#include "config_parser.hpp"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <tuple>
#include <vector>

#include "config_applications.hpp"
#include "config_uplinks.hpp"
#include "config_values.hpp"
#include "toml_bounds.hpp"
#include "toml_reader.hpp"

namespace multi6d {

std::string ConfigError::to_string() const {
    std::string s = file;
    if (line > 0) {
        s += ':' + std::to_string(line) + ':' + std::to_string(column);
    }
    s += ": ";
    if (key.size() > max_shown_key) {
        // A key is the administrator's text: a huge one must not become a
        // huge log line (multi6d.toml(5), LIMITS).
        s += key.substr(0, max_shown_key) + "...(" + std::to_string(key.size()) + " characters): ";
    } else if (!key.empty()) {
        s += key + ": ";
    }
    s += message;
    return s;
}

namespace {

using config_detail::TableReader;

// Probes per path a timeout may leave awaiting a reply: bounds the
// prober's per-path state and keeps the sequence window small.
constexpr unsigned max_outstanding_probes = 8;
// Policy-table rows [balance] may create. The kernel looks labels up in a
// list on every source address selection (net/ipv6/addrlabel.c), so keep it short.
constexpr unsigned max_balance_slices = 256;

std::string ms(std::chrono::milliseconds d) {
    return std::to_string(d.count());
}

unsigned ceil_div(unsigned a, unsigned b) {
    return (a + b - 1) / b;
}

void read_probe(TableReader& r, ProbeSettings& p) {
    // 50 ms: a ~300 ms failover (DESIGN §6) with 3 losses to go down; below
    // that a probe per path costs more than 20 packets/s. 60 s: slower is
    // no failure detection at all.
    r.milliseconds("interval_ms", p.interval, 50, 60000);
    // 10 ms: a LAN round trip plus scheduling jitter; below it replies
    // arriving in time would count as losses.
    r.milliseconds("timeout_ms", p.timeout, 10, 60000);
    // The adaptive timeout's floor (probe_timeout.hpp); above timeout_ms
    // the timeout is fixed at timeout_ms.
    r.milliseconds("min_timeout_ms", p.min_timeout, 10, 60000);
    r.integer("down_after", p.down_after, 1, 100);
    r.integer("up_after", p.up_after, 1, 1000);
    r.milliseconds("up_after_ms", p.up_after_duration, 0, 3600000);
    // At least 4 probes: a loss rate over fewer moves in steps above 25 %.
    r.integer("loss_window", p.loss_window, 4, 1000);
    r.integer("degraded_loss_percent", p.degraded_loss_percent, 1, 100);
    r.milliseconds("degraded_rtt_ms", p.degraded_rtt, 0, 60000);
    r.integer("max_rate_per_path", p.max_rate_per_path, 1, 1000);
    r.integer("max_rate", p.max_rate, 1, 100000);
    r.boolean("probe_routers", p.probe_routers);
    r.boolean("probe_dns_servers", p.probe_dns_servers);
    r.list<Address>("targets", p.targets, 16, config_detail::parse_probe_target);
}

void read_root(TableReader& root, Config& config, config_detail::UplinkSection& uplinks,
               config_detail::ApplicationSection& applications) {
    root.table("links", [&](TableReader& links) {
        links.string_list("managed", config.managed_links, config_detail::interface_name_problem);
    });
    root.table("limits", [&](TableReader& limits) {
        limits.integer("routers_per_link", config.limits.routers_per_link, 2, 64);
        limits.integer("prefixes_per_router", config.limits.prefixes_per_router, 1, 256);
        limits.integer("routes_per_router", config.limits.routes_per_router, 0, 1024);
        limits.integer("dns_servers_per_router", config.limits.dns_servers_per_router, 0, 64);
    });
    root.table("probe", [&](TableReader& probe) { read_probe(probe, config.probe); });
    root.table("gai", [&](TableReader& gai) {
        gai.boolean("enabled", config.gai.enabled);
        gai.string("file", config.gai.file, config_detail::absolute_path_problem);
    });
    root.table("address_selection", [&](TableReader& selection) {
        const std::vector<std::string> tables{
            std::string(to_string(PolicyTableChoice::Rfc6724Update)),
            std::string(to_string(PolicyTableChoice::Rfc6724))};
        std::string table(to_string(config.address_selection.table));
        if (selection.choice("table", table, tables)) {
            config.address_selection.table = table == to_string(PolicyTableChoice::Rfc6724)
                                                 ? PolicyTableChoice::Rfc6724
                                                 : PolicyTableChoice::Rfc6724Update;
        }
        selection.boolean("known_local_ula", config.address_selection.known_local_ula);
    });
    root.table("balance", [&](TableReader& balance) {
        balance.list<Prefix>("prefixes", config.balance.prefixes, 16,
                             config_detail::parse_balance_prefix);
        balance.integer("slice_bits", config.balance.slice_bits, 1, 8);
    });
    root.table("mptcp", [&](TableReader& mptcp) {
        mptcp.boolean("enabled", config.mptcp.enabled);
        mptcp.integer("subflows", config.mptcp.subflows, 0, 8);
        // Unset means "keep the kernel's value"; the reader writes only a
        // present, valid value into `accepted`.
        constexpr unsigned unset = ~0U;
        unsigned accepted = config.mptcp.add_addr_accepted.value_or(unset);
        mptcp.integer("add_addr_accepted", accepted, 0, 8);
        if (accepted != unset) {
            config.mptcp.add_addr_accepted = accepted;
        }
    });
    uplinks.read(root, config.uplinks);
    applications.read(root, config.applications);
}

// Checks that involve more than one key. The values are the merged ones (a
// key may come from an earlier file); the error points at the first of
// `keys` that this file sets, since that is what the file changed. Earlier
// files passed these checks, so this file sets at least one of them.
class CrossCheck {
  public:
    CrossCheck(const toml::table& document, const std::string& file,
               std::vector<ConfigError>& errors)
        : document_(document), file_(file), errors_(errors) {}

    void fail(std::string_view section, std::initializer_list<std::string_view> keys,
              std::string message) {
        ConfigError e{file_, 0, 0, std::string(section) + "." + std::string(*keys.begin()),
                      std::move(message)};
        for (const auto key : keys) {
            const toml::node* node =
                document_.at_path(std::string(section) + "." + std::string(key)).node();
            if (node != nullptr) {
                e.line = node->source().begin.line;
                e.column = node->source().begin.column;
                e.key = std::string(section) + "." + std::string(key);
                break;
            }
        }
        errors_.push_back(std::move(e));
    }

  private:
    const toml::table& document_;
    const std::string& file_;
    std::vector<ConfigError>& errors_;
};

void check_probe(const ProbeSettings& p, CrossCheck& check) {
    if (p.timeout > p.interval * max_outstanding_probes) {
        check.fail(
            "probe", {"timeout_ms", "interval_ms"},
            "timeout_ms " + ms(p.timeout) + " is more than " +
                std::to_string(max_outstanding_probes) + " times interval_ms " + ms(p.interval) +
                " (allowed up to " + ms(p.interval * max_outstanding_probes) + "): at most " +
                std::to_string(max_outstanding_probes) + " probes of a path may await a reply");
    }
    if (p.degraded_rtt.count() != 0 && p.degraded_rtt >= p.timeout) {
        check.fail("probe", {"degraded_rtt_ms", "timeout_ms"},
                   "degraded_rtt_ms " + ms(p.degraded_rtt) + " must be below timeout_ms " +
                       ms(p.timeout) +
                       " (a reply later than the timeout is a loss, so such an RTT is never "
                       "measured), or 0 to turn the RTT check off");
    }
    const auto interval = static_cast<unsigned>(p.interval.count());
    if (interval * p.max_rate_per_path < 1000) {
        check.fail("probe", {"interval_ms", "max_rate_per_path"},
                   "interval_ms " + ms(p.interval) + " means " +
                       std::to_string(ceil_div(1000, interval)) +
                       " probes per second per path, more than max_rate_per_path " +
                       std::to_string(p.max_rate_per_path) +
                       " allows: raise max_rate_per_path to at least " +
                       std::to_string(ceil_div(1000, interval)) + " or interval_ms to at least " +
                       std::to_string(ceil_div(1000, p.max_rate_per_path)));
    }
    if (p.max_rate < p.max_rate_per_path) {
        check.fail("probe", {"max_rate", "max_rate_per_path"},
                   "max_rate " + std::to_string(p.max_rate) + " is below max_rate_per_path " +
                       std::to_string(p.max_rate_per_path) +
                       " (max_rate caps all paths together; allowed: at least " +
                       std::to_string(p.max_rate_per_path) + ")");
    }
}

void check_balance(const BalanceSettings& b, CrossCheck& check) {
    const unsigned slices = static_cast<unsigned>(b.prefixes.size()) << b.slice_bits;
    if (slices > max_balance_slices) {
        check.fail("balance", {"slice_bits", "prefixes"},
                   std::to_string(b.prefixes.size()) + " prefixes of 2^" +
                       std::to_string(b.slice_bits) + " slices each make " +
                       std::to_string(slices) + " policy-table rows, more than " +
                       std::to_string(max_balance_slices) +
                       " allowed: lower slice_bits or list fewer prefixes");
    }
    for (const Prefix& p : b.prefixes) {
        if (p.length() + b.slice_bits > 128) {
            check.fail("balance", {"prefixes", "slice_bits"},
                       p.to_string() + " cannot be cut into 2^" + std::to_string(b.slice_bits) +
                           " slices (allowed: a prefix length of at most " +
                           std::to_string(128 - b.slice_bits) + ")");
        }
    }
}

}  // namespace

std::vector<ConfigError> apply_config_text(std::string_view text, const std::string& file_name,
                                           Config& config) {
    std::vector<ConfigError> errors;
    if (auto too_deep = check_toml_bounds(text, file_name)) {
        errors.push_back(std::move(*too_deep));
        return errors;
    }
    toml::table document;
    try {
        document = toml::parse(text, std::string_view(file_name));
    } catch (const toml::parse_error& e) {
        errors.push_back(ConfigError{file_name, e.source().begin.line, e.source().begin.column, "",
                                     std::string(e.description())});
        return errors;
    }
    Config updated = config;
    TableReader root(document, "", file_name, errors);
    config_detail::UplinkSection uplinks;
    config_detail::ApplicationSection applications;
    read_root(root, updated, uplinks, applications);
    root.finish();
    // Cross-key checks only on values that each passed: otherwise they
    // would repeat, less precisely, what is already reported.
    if (errors.empty()) {
        CrossCheck check(document, file_name, errors);
        check_probe(updated.probe, check);
        check_balance(updated.balance, check);
        uplinks.check(updated.uplinks, root);
        applications.check(updated.applications, updated.uplinks, root);
    }
    if (errors.empty()) {
        config = std::move(updated);
    }
    std::stable_sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return errors;
}

}  // namespace multi6d
