#include "config_applications.hpp"

#include <set>
#include <unordered_map>

#include "config_values.hpp"
#include "owned_ids.hpp"
#include "systemd_unit.hpp"

namespace multi6d::config_detail {

namespace {

const std::vector<std::string> preference_names = {"latency", "cost", "stability"};

std::string element_path(const std::string& name) {
    return "application \"" + name + "\"";
}

// A user or group as written: a name as useradd(8) accepts it, or a
// decimal id. Whether it exists is the loader's question (service/), not
// the parser's: the parser does no I/O.
std::string account_problem(std::string_view text) {
    if (text.empty() || text.size() > 32) {
        return "\"" + std::string(text) + "\" is not a user or group name (1 to 32 characters)";
    }
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '$';
        if (!ok) {
            return "\"" + std::string(text) + "\" is not a user or group name (allowed: " +
                   "letters, digits, _ - . $) nor a decimal id";
        }
    }
    return "";
}

}  // namespace

void ApplicationSection::read(TableReader& root, std::vector<ApplicationConfig>& applications) {
    std::map<std::string, unsigned> first_line;
    std::unordered_map<std::string, std::size_t> index_of;
    for (std::size_t i = 0; i < applications.size(); ++i) {
        index_of.emplace(applications[i].name, i);
    }
    root.array_of_tables("application", [&](std::size_t index, const toml::table& table) {
        const std::string indexed = "application[" + std::to_string(index) + "]";
        const toml::node* name_node = table.get("name");
        std::string name;
        bool named = false;
        if (name_node == nullptr) {
            root.errors().push_back(ConfigError{root.file(), table.source().begin.line,
                                                table.source().begin.column, indexed + ".name",
                                                "missing: every [[application]] needs a name"});
        } else if (const auto* text = name_node->as_string(); text == nullptr) {
            // Reported by the element reader below.
        } else if (std::string problem = uplink_name_problem(text->get()); !problem.empty()) {
            // Reported by the element reader below.
        } else if (auto [it, fresh] =
                       first_line.emplace(text->get(), name_node->source().begin.line);
                   !fresh) {
            const std::string& n = text->get();
            root.errors().push_back(ConfigError{
                root.file(), name_node->source().begin.line, name_node->source().begin.column,
                element_path(n) + ".name",
                "application \"" + n + "\" is defined twice in this file (first at line " +
                    std::to_string(it->second) + ")"});
            return;
        } else {
            name = text->get();
            named = true;
        }
        const auto found = named ? index_of.find(name) : index_of.end();
        const bool existing = found != index_of.end();
        ApplicationConfig application =
            existing ? applications[found->second] : ApplicationConfig{};
        TableReader reader(table, named ? element_path(name) : indexed, root.file(), root.errors());
        reader.string("name", application.name, uplink_name_problem);
        reader.string_list("users", application.users, account_problem);
        reader.string_list("groups", application.groups, account_problem);
        reader.string_list("units", application.units, unit_name_problem);
        reader.string_list("uplinks", application.uplinks, uplink_name_problem);
        std::string preference;
        if (reader.choice("preference", preference, preference_names)) {
            application.preference = preference == "latency" ? ApplicationPreference::Latency
                                     : preference == "cost"  ? ApplicationPreference::Cost
                                                             : ApplicationPreference::Stability;
        }
        reader.boolean("fallback", application.fallback);
        reader.boolean("mptcp", application.mptcp);
        reader.finish();
        if (!named) {
            return;
        }
        touched_[name] = &table;
        if (existing) {
            applications[found->second] = std::move(application);
        } else {
            index_of.emplace(name, applications.size());
            applications.push_back(std::move(application));
        }
    });
}

void ApplicationSection::check(const std::vector<ApplicationConfig>& applications,
                               const std::vector<UplinkConfig>& uplinks, TableReader& root) const {
    const auto report = [&](const toml::node& node, const std::string& name, std::string_view key,
                            std::string message) {
        root.errors().push_back(
            ConfigError{root.file(), node.source().begin.line, node.source().begin.column,
                        element_path(name) + "." + std::string(key), std::move(message)});
    };
    std::set<std::string> uplink_names;
    for (const UplinkConfig& u : uplinks) {
        uplink_names.insert(u.name);
    }
    for (std::size_t i = 0; i < applications.size(); ++i) {
        const ApplicationConfig& a = applications[i];
        const auto it = touched_.find(a.name);
        if (it == touched_.end()) {
            continue;
        }
        const toml::table& table = *it->second;
        if (i >= owned::max_applications) {
            report(table, a.name, "name",
                   "application \"" + a.name + "\" is one too many: at most " +
                       std::to_string(owned::max_applications) +
                       " [[application]] tables (one routing table each)");
        }
        if (a.users.empty() && a.groups.empty() && a.units.empty()) {
            report(table, a.name, "users",
                   "application \"" + a.name +
                       "\" matches nobody: set users, groups or units (or several)");
        }
        if (a.units.size() > max_units_per_application) {
            report(table, a.name, "units",
                   "application \"" + a.name + "\" lists " + std::to_string(a.units.size()) +
                       " units: at most " + std::to_string(max_units_per_application));
        }
        if (a.uplinks.empty() && !a.preference) {
            report(table, a.name, "uplinks",
                   "application \"" + a.name +
                       "\" names no uplink and no preference: set uplinks ([[uplink]] names, "
                       "best first), preference (\"latency\", \"cost\" or \"stability\") or "
                       "both");
        }
        const auto* listed = table.get_as<toml::array>("uplinks");
        for (const std::string& u : a.uplinks) {
            if (uplink_names.contains(u)) {
                continue;
            }
            const toml::node* at = &table;
            if (listed != nullptr) {
                for (const toml::node& element : *listed) {
                    if (const auto* text = element.as_string();
                        text != nullptr && text->get() == u) {
                        at = &element;
                    }
                }
            }
            std::string known;
            for (const std::string& n : uplink_names) {
                known += (known.empty() ? "" : ", ") + n;
            }
            report(*at, a.name, "uplinks",
                   "no [[uplink]] is named \"" + u +
                       "\" (configured: " + (known.empty() ? std::string("none") : known) + ")");
        }
    }
}

}  // namespace multi6d::config_detail
