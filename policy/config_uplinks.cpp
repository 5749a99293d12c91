#include "config_uplinks.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "config_values.hpp"

namespace multi6d::config_detail {

namespace {

const std::vector<std::string> role_names = {"primary", "backup"};

std::string element_path(const std::string& name) {
    return "uplink \"" + name + "\"";
}

// The element of `table[key]` (an array of strings) that parses to `value`.
template <typename T, typename Parse>
const toml::node* find_entry(const toml::table* table, std::string_view key, const T& value,
                             Parse parse) {
    if (table == nullptr) {
        return nullptr;
    }
    const auto* array = table->get_as<toml::array>(key);
    if (array == nullptr) {
        return nullptr;
    }
    for (const toml::node& element : *array) {
        std::string problem;
        const auto* text = element.as_string();
        if (text != nullptr && parse(text->get(), problem) == std::optional<T>(value)) {
            return &element;
        }
    }
    return nullptr;
}

}  // namespace

void UplinkSection::read(TableReader& root, std::vector<UplinkConfig>& uplinks) {
    std::map<std::string, unsigned> first_line;
    // Uplinks of earlier files by name: a lookup per [[uplink]], not a scan.
    std::unordered_map<std::string, std::size_t> index_of;
    for (std::size_t i = 0; i < uplinks.size(); ++i) {
        index_of.emplace(uplinks[i].name, i);
    }
    root.array_of_tables("uplink", [&](std::size_t index, const toml::table& table) {
        const std::string indexed = "uplink[" + std::to_string(index) + "]";
        // The name comes first: it says which uplink the other keys are for
        // and names it in every message.
        const toml::node* name_node = table.get("name");
        std::string name;
        bool named = false;
        if (name_node == nullptr) {
            root.errors().push_back(ConfigError{root.file(), table.source().begin.line,
                                                table.source().begin.column, indexed + ".name",
                                                "missing: every [[uplink]] needs a name"});
        } else if (const auto* text = name_node->as_string(); text == nullptr) {
            // Reported by the element reader below.
        } else if (std::string problem = uplink_name_problem(text->get()); !problem.empty()) {
            // Reported by the element reader below.
        } else if (auto [it, fresh] =
                       first_line.emplace(text->get(), name_node->source().begin.line);
                   !fresh) {
            const std::string& n = text->get();
            root.errors().push_back(
                ConfigError{root.file(), name_node->source().begin.line,
                            name_node->source().begin.column, element_path(n) + ".name",
                            "uplink \"" + n + "\" is defined twice in this file (first at line " +
                                std::to_string(it->second) + ")"});
            return;
        } else {
            name = text->get();
            named = true;
        }

        const auto found = named ? index_of.find(name) : index_of.end();
        const bool existing = found != index_of.end();
        UplinkConfig uplink = existing ? uplinks[found->second] : UplinkConfig{};
        TableReader reader(table, named ? element_path(name) : indexed, root.file(), root.errors());
        reader.string("name", uplink.name, uplink_name_problem);
        reader.list<Prefix>("match_prefixes", uplink.match_prefixes, 64, parse_match_prefix);
        reader.list<Address>("match_routers", uplink.match_routers, 64, parse_router_address);
        reader.integer("cost", uplink.cost, 0, 65535);
        reader.integer("weight", uplink.weight, 0, 1000);
        std::string role(to_string(uplink.role));
        if (reader.choice("role", role, role_names)) {
            uplink.role = role == "backup" ? UplinkRole::Backup : UplinkRole::Primary;
        }
        reader.finish();
        if (!named) {
            return;
        }
        touched_[name] = &table;
        if (existing) {
            uplinks[found->second] = std::move(uplink);
        } else {
            index_of.emplace(name, uplinks.size());
            uplinks.push_back(std::move(uplink));
        }
    });
}

void UplinkSection::check(const std::vector<UplinkConfig>& uplinks, TableReader& root) const {
    const auto report = [&](const toml::node& node, const std::string& name, std::string_view key,
                            std::string message) {
        root.errors().push_back(
            ConfigError{root.file(), node.source().begin.line, node.source().begin.column,
                        element_path(name) + "." + std::string(key), std::move(message)});
    };
    const auto touched = [&](const std::string& name) -> const toml::table* {
        auto it = touched_.find(name);
        return it == touched_.end() ? nullptr : it->second;
    };
    for (const auto& u : uplinks) {
        const toml::table* table = touched(u.name);
        if (table != nullptr && u.match_prefixes.empty() && u.match_routers.empty()) {
            report(*table, u.name, "match_prefixes",
                   "uplink \"" + u.name +
                       "\" matches no path: set match_prefixes, match_routers or both");
        }
    }
    // A prefix or router in two uplinks would make the matching depend on
    // the order of the files; say which uplinks collide instead. The
    // collision involves at least one uplink this file touched (the merged
    // list of the earlier files passed this check), so an entry of this
    // file's text is found for one of the two. Each entry is looked up once
    // in a map of first owners: linear in the entries, not quadratic in the
    // uplinks (20,000 uplinks check in milliseconds).
    const auto collide = [&](const auto& value, std::string_view key, const std::string& first,
                             const std::string& second, const auto& parse, std::string_view what) {
        const toml::node* at = find_entry(touched(second), key, value, parse);
        const bool at_second = at != nullptr;
        if (!at_second) {
            at = find_entry(touched(first), key, value, parse);
        }
        if (at != nullptr) {
            report(*at, at_second ? second : first, key,
                   value.to_string() + " is also in " + std::string(key) + " of uplink \"" +
                       (at_second ? first : second) + "\"; a " + std::string(what) +
                       " may belong to one uplink only");
        }
    };
    std::unordered_map<Prefix, const std::string*> prefix_owner;
    std::unordered_map<Address, const std::string*> router_owner;
    for (const UplinkConfig& u : uplinks) {
        for (const Prefix& p : u.match_prefixes) {
            auto [it, fresh] = prefix_owner.emplace(p, &u.name);
            if (!fresh) {
                collide(p, "match_prefixes", *it->second, u.name, parse_match_prefix, "prefix");
            }
        }
        for (const Address& r : u.match_routers) {
            auto [it, fresh] = router_owner.emplace(r, &u.name);
            if (!fresh) {
                collide(r, "match_routers", *it->second, u.name, parse_router_address, "router");
            }
        }
    }
}

}  // namespace multi6d::config_detail
