#include "toml_reader.hpp"

#include <algorithm>
#include <cstdint>

namespace multi6d::config_detail {

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

bool TableReader::integer(std::string_view key, unsigned& out, std::int64_t min, std::int64_t max) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return false;
    }
    const auto* value = node->as_integer();
    if (value == nullptr) {
        error(*node, key,
              "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                  ", got " + std::string(type_name(*node)));
        return false;
    }
    const std::int64_t v = value->get();
    if (v < min || v > max) {
        error(*node, key,
              "value " + std::to_string(v) + " out of range (allowed " + std::to_string(min) +
                  " to " + std::to_string(max) + ")");
        return false;
    }
    out = static_cast<unsigned>(v);
    return true;
}

bool TableReader::milliseconds(std::string_view key, std::chrono::milliseconds& out,
                               std::int64_t min, std::int64_t max) {
    unsigned value = 0;
    if (!integer(key, value, min, max)) {
        return false;
    }
    out = std::chrono::milliseconds(value);
    return true;
}

bool TableReader::boolean(std::string_view key, bool& out) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return false;
    }
    const auto* value = node->as_boolean();
    if (value == nullptr) {
        error(*node, key,
              "expected true or false, got " + std::string(type_name(*node)) +
                  (node->is_string() ? " (write the boolean without quotes)" : ""));
        return false;
    }
    out = value->get();
    return true;
}

bool TableReader::string(std::string_view key, std::string& out, const TextCheck& check) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return false;
    }
    const auto* value = node->as_string();
    if (value == nullptr) {
        error(*node, key, "expected a string, got " + std::string(type_name(*node)));
        return false;
    }
    if (std::string problem = check(value->get()); !problem.empty()) {
        error(*node, key, std::move(problem));
        return false;
    }
    out = value->get();
    return true;
}

bool TableReader::choice(std::string_view key, std::string& out,
                         const std::vector<std::string>& allowed) {
    std::string names;
    for (const auto& name : allowed) {
        names += (names.empty() ? "\"" : ", \"") + name + "\"";
    }
    return string(key, out, [&](std::string_view text) -> std::string {
        if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) {
            return "";
        }
        return "\"" + std::string(text) + "\" is not allowed (allowed: " + names + ")";
    });
}

const toml::array* TableReader::string_array(const toml::node& node, std::string_view key) {
    const auto* array = node.as_array();
    if (array == nullptr) {
        error(node, key, "expected an array of strings, got " + std::string(type_name(node)));
        return nullptr;
    }
    bool ok = true;
    for (const toml::node& element : *array) {
        if (!element.is_string()) {
            error(element, key,
                  "expected an array of strings, found " + std::string(type_name(element)));
            ok = false;
        }
    }
    return ok ? array : nullptr;
}

bool TableReader::string_list(std::string_view key, std::vector<std::string>& out,
                              const TextCheck& check) {
    return list<std::string>(key, out, SIZE_MAX, [&](std::string_view text, std::string& problem) {
        problem = check(text);
        return problem.empty() ? std::optional<std::string>(text) : std::nullopt;
    });
}

void TableReader::table(std::string_view key, const std::function<void(TableReader&)>& read) {
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

void TableReader::array_of_tables(
    std::string_view key, const std::function<void(std::size_t, const toml::table&)>& read) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
        error(*node, key,
              "expected an array of tables (write [[" + std::string(key) + "]]), got " +
                  std::string(type_name(*node)));
        return;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        const auto* sub = element.as_table();
        if (sub == nullptr) {
            error(element, std::string(key) + "[" + std::to_string(i) + "]",
                  "expected a table, got " + std::string(type_name(element)));
            continue;
        }
        read(i, *sub);
    }
}

void TableReader::error(const toml::node& node, std::string_view key, std::string message) {
    errors_.push_back(ConfigError{file_, node.source().begin.line, node.source().begin.column,
                                  qualified(key), std::move(message)});
}

void TableReader::finish() {
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

const toml::node* TableReader::take(std::string_view key) {
    known_.emplace_back(key);
    return table_.get(key);
}

std::string TableReader::qualified(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

}  // namespace multi6d::config_detail
