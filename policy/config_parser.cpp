#include "config_parser.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

// toml++ is header-only; exceptions are its error path for syntax errors.
#include <toml++/toml.h>

namespace multi6d {

std::string ConfigError::to_string() const {
    std::string s = file;
    if (line > 0) {
        s += ':' + std::to_string(line) + ':' + std::to_string(column);
    }
    s += ": ";
    if (!key.empty()) {
        s += key + ": ";
    }
    s += message;
    return s;
}

namespace {

std::string_view type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a floating-point number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

// Reads the keys of one TOML table against what multi6d knows. Every key
// the table holds must be read by the caller; finish() reports the rest as
// unknown, with the allowed names, since a misspelt key silently ignored is
// a setting the administrator thinks is in force but is not.
class TableReader {
  public:
    TableReader(const toml::table& table, std::string path, const std::string& file,
                std::vector<ConfigError>& errors)
        : table_(table), path_(std::move(path)), file_(file), errors_(errors) {}

    // Unsigned integer in [min, max].
    void integer(std::string_view key, unsigned& out, std::int64_t min, std::int64_t max) {
        const toml::node* node = take(key);
        if (node == nullptr) {
            return;
        }
        const auto* value = node->as_integer();
        if (value == nullptr) {
            error(*node, key,
                  "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                      ", got " + std::string(type_name(*node)));
            return;
        }
        const std::int64_t v = value->get();
        if (v < min || v > max) {
            error(*node, key,
                  "value " + std::to_string(v) + " out of range (allowed " + std::to_string(min) +
                      " to " + std::to_string(max) + ")");
            return;
        }
        out = static_cast<unsigned>(v);
    }

    // Array of strings, each checked by `valid` (returns an error text or "").
    void string_list(std::string_view key, std::vector<std::string>& out,
                     const std::function<std::string(std::string_view)>& valid) {
        const toml::node* node = take(key);
        if (node == nullptr) {
            return;
        }
        const auto* array = node->as_array();
        if (array == nullptr) {
            error(*node, key, "expected an array of strings, got " + std::string(type_name(*node)));
            return;
        }
        std::vector<std::string> values;
        bool ok = true;
        for (const toml::node& element : *array) {
            const auto* text = element.as_string();
            if (text == nullptr) {
                error(element, key,
                      "expected an array of strings, found " + std::string(type_name(element)));
                ok = false;
                continue;
            }
            if (const std::string problem = valid(text->get()); !problem.empty()) {
                error(element, key, problem);
                ok = false;
                continue;
            }
            values.push_back(text->get());
        }
        if (ok) {
            out = std::move(values);
        }
    }

    // A sub-table; `read` is called with a reader for it.
    void table(std::string_view key, const std::function<void(TableReader&)>& read) {
        const toml::node* node = take(key);
        if (node == nullptr) {
            return;
        }
        const auto* sub = node->as_table();
        if (sub == nullptr) {
            error(*node, key, "expected a table, got " + std::string(type_name(*node)));
            return;
        }
        TableReader reader(*sub, qualified(key), file_, errors_);
        read(reader);
        reader.finish();
    }

    void finish() {
        std::string allowed;
        for (const auto& name : known_) {
            allowed += (allowed.empty() ? "" : ", ") + name;
        }
        for (auto&& [key, node] : table_) {
            if (std::find(known_.begin(), known_.end(), key.str()) != known_.end()) {
                continue;
            }
            ConfigError e{file_, key.source().begin.line, key.source().begin.column,
                          qualified(key.str()), "unknown key"};
            if (!allowed.empty()) {
                e.message += " (allowed here: " + allowed + ")";
            }
            errors_.push_back(std::move(e));
        }
    }

  private:
    const toml::node* take(std::string_view key) {
        known_.emplace_back(key);
        return table_.get(key);
    }

    std::string qualified(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

    void error(const toml::node& node, std::string_view key, std::string message) {
        errors_.push_back(ConfigError{file_, node.source().begin.line, node.source().begin.column,
                                      qualified(key), std::move(message)});
    }

    const toml::table& table_;
    std::string path_;
    const std::string& file_;
    std::vector<ConfigError>& errors_;
    std::vector<std::string> known_;
};

// Linux interface names: 1..15 bytes (IFNAMSIZ - 1), no '/', no whitespace,
// not "." or ".." (dev_valid_name() in net/core/dev.c).
std::string interface_name_problem(std::string_view name) {
    if (name.empty() || name.size() > 15) {
        return "interface name \"" + std::string(name) + "\" must be 1 to 15 characters";
    }
    if (name == "." || name == "..") {
        return "\"" + std::string(name) + "\" is not an interface name";
    }
    for (const char c : name) {
        if (c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' ||
            static_cast<unsigned char>(c) < 0x20) {
            return "interface name \"" + std::string(name) +
                   "\" contains a character not allowed in interface names";
        }
    }
    return "";
}

void read_root(TableReader& root, Config& config) {
    root.table("links", [&](TableReader& links) {
        links.string_list("managed", config.managed_links, interface_name_problem);
    });
    root.table("limits", [&](TableReader& limits) {
        limits.integer("routers_per_link", config.limits.routers_per_link, 2, 64);
        limits.integer("prefixes_per_router", config.limits.prefixes_per_router, 1, 256);
        limits.integer("routes_per_router", config.limits.routes_per_router, 0, 1024);
        limits.integer("dns_servers_per_router", config.limits.dns_servers_per_router, 0, 64);
    });
}

}  // namespace

std::vector<ConfigError> apply_config_text(std::string_view text, const std::string& file_name,
                                           Config& config) {
    std::vector<ConfigError> errors;
    toml::table document;
    try {
        document = toml::parse(text, file_name);
    } catch (const toml::parse_error& e) {
        errors.push_back(ConfigError{file_name, e.source().begin.line, e.source().begin.column, "",
                                     std::string(e.description())});
        return errors;
    }
    Config updated = config;
    TableReader root(document, "", file_name, errors);
    read_root(root, updated);
    root.finish();
    if (errors.empty()) {
        config = std::move(updated);
    }
    std::sort(errors.begin(), errors.end(), [](const ConfigError& a, const ConfigError& b) {
        return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    return errors;
}

}  // namespace multi6d
