// Internal to the configuration parser: reads one TOML table key by key,
// with an error (file, line, column, dotted key, what is allowed) for every
// value that is missing the mark. Not part of the public policy API.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// toml++ is header-only; exceptions are its error path for syntax errors.
#include <toml++/toml.h>

#include "config_parser.hpp"

namespace multi6d::config_detail {

// "an integer", "a string", ... for messages.
std::string_view type_name(const toml::node& node);

// Returns "" when the text is acceptable, else what is wrong with it.
using TextCheck = std::function<std::string(std::string_view)>;

// Reads the keys of one TOML table against what multi6d knows. Every key
// the table holds must be read by the caller; finish() reports the rest as
// unknown, with the allowed names, since a misspelt key silently ignored is
// a setting the administrator thinks is in force but is not.
//
// Every reading function leaves `out` unchanged when the key is absent or
// its value is wrong, and returns true only when it stored a value.
class TableReader {
  public:
    // `path` is the dotted name of this table in messages ("probe",
    // `uplink "isp-a"`); "" for the document root.
    TableReader(const toml::table& table, std::string path, const std::string& file,
                std::vector<ConfigError>& errors)
        : table_(table), path_(std::move(path)), file_(file), errors_(errors) {}

    // Integer in [min, max].
    bool integer(std::string_view key, unsigned& out, std::int64_t min, std::int64_t max);
    bool milliseconds(std::string_view key, std::chrono::milliseconds& out, std::int64_t min,
                      std::int64_t max);
    bool boolean(std::string_view key, bool& out);
    // A string, checked by `check`.
    bool string(std::string_view key, std::string& out, const TextCheck& check);
    // One of `allowed` (listed in the message when the value is not).
    bool choice(std::string_view key, std::string& out, const std::vector<std::string>& allowed);
    // Array of strings, each checked by `check`.
    bool string_list(std::string_view key, std::vector<std::string>& out, const TextCheck& check);

    // Array of strings, each turned into a T by `parse` (which sets
    // `problem` and returns nullopt when it cannot). At most `max_items`;
    // a value listed twice is an error (it is a typo more often than not).
    template <typename T>
    bool list(std::string_view key, std::vector<T>& out, std::size_t max_items,
              const std::function<std::optional<T>(std::string_view, std::string& problem)>& parse);

    // A sub-table; `read` is called with a reader for it, then finish().
    void table(std::string_view key, const std::function<void(TableReader&)>& read);

    // An array of tables ([[key]]); `read` gets each element and its index.
    void array_of_tables(std::string_view key,
                         const std::function<void(std::size_t, const toml::table&)>& read);

    // The node under `key`, if the table holds one (does not mark it read).
    const toml::node* find(std::string_view key) const { return table_.get(key); }

    // An error at `node`, for `key` of this table.
    void error(const toml::node& node, std::string_view key, std::string message);

    // Reports every key that no reading function asked for.
    void finish();

    std::string qualified(std::string_view key) const;
    const std::string& file() const { return file_; }
    std::vector<ConfigError>& errors() { return errors_; }

  private:
    const toml::node* take(std::string_view key);
    // Checks that `node` is an array of strings; reports and returns null if not.
    const toml::array* string_array(const toml::node& node, std::string_view key);

    const toml::table& table_;
    std::string path_;
    const std::string& file_;
    std::vector<ConfigError>& errors_;
    std::vector<std::string> known_;
};

template <typename T>
bool TableReader::list(
    std::string_view key, std::vector<T>& out, std::size_t max_items,
    const std::function<std::optional<T>(std::string_view, std::string& problem)>& parse) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return false;
    }
    const toml::array* array = string_array(*node, key);
    if (array == nullptr) {
        return false;
    }
    if (array->size() > max_items) {
        error(*node, key,
              "at most " + std::to_string(max_items) + " entries allowed, got " +
                  std::to_string(array->size()));
        return false;
    }
    std::vector<T> values;
    bool ok = true;
    for (const toml::node& element : *array) {
        const std::string& text = element.as_string()->get();
        std::string problem;
        std::optional<T> value = parse(text, problem);
        if (!value) {
            error(element, key, problem);
            ok = false;
            continue;
        }
        if (std::find(values.begin(), values.end(), *value) != values.end()) {
            error(element, key, "\"" + text + "\" is listed twice");
            ok = false;
            continue;
        }
        values.push_back(std::move(*value));
    }
    if (ok) {
        out = std::move(values);
    }
    return ok;
}

}  // namespace multi6d::config_detail
