// Keeps the configuration's documentation honest against the parser:
//  - multi6d.toml(5) (man/multi6d.toml.5.scd) documents every key the parser
//    accepts, each with a type, a default, the allowed values and an example;
//    the examples parse, the defaults are the real defaults, integer ranges
//    are the parser's ranges, required keys are required;
//  - the packaged configuration file (service/multi6d.toml) lists every key,
//    commented out, with its default.
// The accepted keys are not listed here: they are read from to_toml() of a
// configuration with one uplink, which prints every key the parser reads
// (test_config's round trip holds the two together), so a key added to the
// parser is checked here without touching this file.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "config.hpp"
#include "config_parser.hpp"

namespace multi6d {
namespace {

const std::string source_dir = MULTI6D_SOURCE_DIR;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << "cannot read " << path;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

struct AcceptedKey {
    std::string table;   // "limits", "uplink"
    std::string key;     // "routers_per_link"
    bool array = false;  // [[table]]: an array of tables
    std::string name() const { return table + "." + key; }
};

std::vector<AcceptedKey> accepted_keys() {
    Config config;
    UplinkConfig uplink;
    uplink.name = "isp-a";
    config.uplinks.push_back(uplink);
    const toml::table printed = toml::parse(to_toml(config), std::string_view("to_toml"));
    std::vector<AcceptedKey> keys;
    for (auto&& [table, node] : printed) {
        if (const auto* t = node.as_table()) {
            for (auto&& [key, value] : *t) {
                keys.push_back({std::string(table.str()), std::string(key.str()), false});
            }
        } else if (const auto* a = node.as_array(); a != nullptr && a->is_array_of_tables()) {
            for (auto&& [key, value] : *a->front().as_table()) {
                keys.push_back({std::string(table.str()), std::string(key.str()), true});
            }
        } else {
            ADD_FAILURE() << "to_toml printed a key outside any table: " << table.str();
        }
    }
    return keys;
}

// One key's entry in multi6d.toml(5):
//   *key*
//   	Type: ... ++
//   Default: ... ++
//   Allowed: ... ++
//   Example: *key = value*
struct DocEntry {
    bool array = false;
    std::map<std::string, std::string> fields;  // "Type" -> "integer"
};

std::string unescape(std::string s) {
    std::string out;
    for (const char c : s) {
        if (c != '\\') {
            out += c;
        }
    }
    return out;
}

std::map<std::string, DocEntry> read_man_page() {
    const std::regex table_heading(R"(^## (\[\[?)([a-z_\\]+)\]\]?\s*$)");
    const std::regex key_line(R"(^\*([a-z0-9_\\]+)\*\s*$)");
    const std::regex field_line(R"(^\t?(Type|Default|Allowed|Example): (.*?)( \+\+)?$)");
    std::map<std::string, DocEntry> entries;
    std::string table;
    bool array = false;
    DocEntry* current = nullptr;
    for (const std::string& line : lines_of(read_text(source_dir + "/man/multi6d.toml.5.scd"))) {
        std::smatch m;
        if (std::regex_match(line, m, table_heading)) {
            table = unescape(m[2]);
            array = m[1] == "[[";
            current = nullptr;
        } else if (line.rfind("# ", 0) == 0) {
            table.clear();  // a new top-level section ends the key reference
            current = nullptr;
        } else if (!table.empty() && std::regex_match(line, m, key_line)) {
            current = &entries[table + "." + unescape(m[1])];
            current->array = array;
        } else if (current != nullptr && std::regex_match(line, m, field_line)) {
            current->fields[m[1]] = unescape(m[2]);
        } else if (line.empty() || line[0] != '\t') {
            if (!line.empty()) {
                current = nullptr;
            }
        }
    }
    return entries;
}

std::string example_of(const DocEntry& entry) {
    std::string example = entry.fields.at("Example");
    if (example.size() >= 2 && example.front() == '*' && example.back() == '*') {
        example = example.substr(1, example.size() - 2);
    }
    return example;
}

std::string errors_text(const std::vector<ConfigError>& errors) {
    std::string s;
    for (const auto& e : errors) {
        s += "\n  " + e.to_string();
    }
    return s;
}

class ConfigDocs : public testing::Test {
  protected:
    void SetUp() override {
        keys_ = accepted_keys();
        ASSERT_FALSE(keys_.empty());
        docs_ = read_man_page();
    }

    const DocEntry* doc(const AcceptedKey& k) const {
        const auto it = docs_.find(k.name());
        return it == docs_.end() ? nullptr : &it->second;
    }

    // For keys of an array of tables: a table with the examples of its
    // required keys (those documented "none (required)"), leaving out `skip`.
    std::string required_base(const std::string& table, const std::string& skip = "") const {
        std::string text = "[[" + table + "]]\n";
        for (const auto& k : keys_) {
            const DocEntry* d = doc(k);
            if (k.table == table && k.key != skip && d != nullptr &&
                d->fields.count("Default") > 0 && d->fields.at("Default") == "none (required)") {
                text += example_of(*d) + "\n";
            }
        }
        return text;
    }

    std::string header(const AcceptedKey& k) const {
        return k.array ? required_base(k.table, k.key) : "[" + k.table + "]\n";
    }

    std::vector<AcceptedKey> keys_;
    std::map<std::string, DocEntry> docs_;
};

TEST_F(ConfigDocs, ManPageDocumentsEveryAcceptedKey) {
    for (const auto& k : keys_) {
        const DocEntry* d = doc(k);
        if (d == nullptr) {
            ADD_FAILURE() << k.name() << " is accepted by the parser but has no entry in "
                          << "multi6d.toml(5) (a line *" << k.key << "* under ## "
                          << (k.array ? "[[" + k.table + "]]" : "[" + k.table + "]") << ")";
            continue;
        }
        EXPECT_EQ(d->array, k.array) << k.name() << ": documented under the wrong kind of table";
        for (const char* field : {"Type", "Default", "Allowed", "Example"}) {
            EXPECT_TRUE(d->fields.count(field) > 0 && !d->fields.at(field).empty())
                << k.name() << ": no \"" << field << ":\" line in multi6d.toml(5)";
        }
    }
}

TEST_F(ConfigDocs, ExamplesParse) {
    for (const auto& k : keys_) {
        const DocEntry* d = doc(k);
        if (d == nullptr || d->fields.count("Example") == 0) {
            continue;  // reported by ManPageDocumentsEveryAcceptedKey
        }
        const std::string example = example_of(*d);
        EXPECT_EQ(example.rfind(k.key + " = ", 0), 0U)
            << k.name() << ": the example must set the key: " << example;
        Config config;
        const auto errors = apply_config_text(header(k) + example + "\n", "example", config);
        EXPECT_TRUE(errors.empty()) << k.name() << ": example rejected:" << errors_text(errors);
    }
}

TEST_F(ConfigDocs, DefaultsAreTheBuiltInDefaults) {
    for (const auto& k : keys_) {
        const DocEntry* d = doc(k);
        if (d == nullptr || d->fields.count("Default") == 0) {
            continue;  // reported by ManPageDocumentsEveryAcceptedKey
        }
        const std::string& value = d->fields.at("Default");
        if (value == "none (required)") {
            // Then leaving it out must be an error.
            ASSERT_TRUE(k.array) << k.name() << ": only keys of [[tables]] can be required";
            Config config;
            EXPECT_FALSE(apply_config_text(required_base(k.table, k.key), "x", config).empty())
                << k.name() << " is documented as required, but a table without it is accepted";
            continue;
        }
        Config with_default;
        const auto errors =
            apply_config_text(header(k) + k.key + " = " + value + "\n", "default", with_default);
        ASSERT_TRUE(errors.empty())
            << k.name() << ": documented default \"" << value
            << "\" is not a value the parser accepts:" << errors_text(errors);
        Config without;
        if (k.array) {
            ASSERT_TRUE(apply_config_text(header(k), "base", without).empty());
        }
        EXPECT_TRUE(with_default == without)
            << k.name() << ": documented default " << value << " is not the built-in default"
            << "\nbuilt-in:\n"
            << to_toml(without) << "with the documented default:\n"
            << to_toml(with_default);
    }
}

TEST_F(ConfigDocs, IntegerRangesAreTheParsersRanges) {
    const std::regex range(R"(^(\d+) to (\d+)(;.*)?$)");
    unsigned checked = 0;
    for (const auto& k : keys_) {
        const DocEntry* d = doc(k);
        if (d == nullptr || d->fields.count("Type") == 0 ||
            d->fields.at("Type").rfind("integer", 0) != 0) {
            continue;
        }
        std::smatch m;
        const std::string allowed = d->fields.count("Allowed") ? d->fields.at("Allowed") : "";
        ASSERT_TRUE(std::regex_match(allowed, m, range))
            << k.name() << ": an integer key's \"Allowed:\" must read \"MIN to MAX\"";
        const long long min = std::stoll(m[1]);
        const long long max = std::stoll(m[2]);
        auto accepted = [&](long long v) {
            Config config;
            return apply_config_text(header(k) + k.key + " = " + std::to_string(v) + "\n", "range",
                                     config)
                .empty();
        };
        EXPECT_TRUE(accepted(min)) << k.name() << " = " << min << " rejected";
        EXPECT_TRUE(accepted(max)) << k.name() << " = " << max << " rejected";
        EXPECT_FALSE(accepted(min - 1)) << k.name() << " = " << min - 1 << " accepted";
        EXPECT_FALSE(accepted(max + 1)) << k.name() << " = " << max + 1 << " accepted";
        ++checked;
    }
    EXPECT_GT(checked, 0U) << "no integer key found: is the man page parsed at all?";
}

// The packaged /etc/multi6d/multi6d.toml: "# key = default" for every key.
TEST(PackagedConfig, ListsEveryKeyWithItsDefault) {
    const auto keys = accepted_keys();
    std::set<std::string> tables;
    std::set<std::string> accepted;
    for (const auto& k : keys) {
        tables.insert(k.table);
        accepted.insert(k.name());
    }
    const std::regex header(R"(^# (\[\[?([a-z_]+)\]\]?)\s*$)");
    const std::regex key_line(R"(^# ([a-z0-9_]+) = (.*)$)");
    std::set<std::string> listed;
    std::string table;
    std::string uncommented;  // the commented keys the parser knows, uncommented
    for (const std::string& line : lines_of(read_text(source_dir + "/service/multi6d.toml"))) {
        std::smatch m;
        if (std::regex_match(line, m, header)) {
            table = m[2];
            if (tables.count(table) > 0) {
                uncommented += std::string(m[1]) + "\n";
            }
        } else if (std::regex_match(line, m, key_line)) {
            const std::string name = table + "." + std::string(m[1]);
            EXPECT_TRUE(listed.insert(name).second) << name << " listed twice";
            if (accepted.count(name) > 0) {
                uncommented += line.substr(2) + "\n";
            }
        }
    }
    for (const auto& name : accepted) {
        EXPECT_EQ(listed.count(name), 1U) << name << " missing from service/multi6d.toml";
    }
    Config config;
    const auto errors = apply_config_text(uncommented, "multi6d.toml (uncommented)", config);
    ASSERT_TRUE(errors.empty()) << errors_text(errors) << "\n" << uncommented;
    // The [[uplink]] there is an example; its other keys show the defaults.
    if (!config.uplinks.empty()) {
        ASSERT_EQ(config.uplinks.size(), 1U);
        UplinkConfig expected;
        expected.name = config.uplinks[0].name;
        expected.match_prefixes = config.uplinks[0].match_prefixes;
        expected.match_routers = config.uplinks[0].match_routers;
        EXPECT_EQ(config.uplinks[0], expected)
            << "the example uplink's other keys are not defaults";
        config.uplinks.clear();
    }
    EXPECT_TRUE(config == Config{}) << "a value in service/multi6d.toml is not the default:\n"
                                    << to_toml(config) << "built-in:\n"
                                    << to_toml(Config{});
}

}  // namespace
}  // namespace multi6d
