// Keeps the configuration's documentation honest against the parser:
//  - multi6d.toml(5) (man/multi6d.toml.5.scd) documents every key the parser
//    accepts, each with a type, a default, the allowed values and an example,
//    and no key the parser rejects; the examples parse, the defaults are the
//    real defaults, integer ranges are the parser's ranges (a value inside
//    them is rejected only by a cross-key check that "Allowed:" names),
//    required keys are required;
//  - the packaged configuration file (service/multi6d.toml) lists every key,
//    commented out, with its default, and no key the parser rejects.
// The accepted keys are not listed here: they are read from to_toml() of a
// configuration with one uplink, which prints every key the parser reads
// (test_config's round trip holds the two together) - a key with a value as
// "key = value", an optional key that is unset as "# key: unset, ..." (TOML
// has no null) - so a key added to the parser is checked here without
// touching this file.
#include <gtest/gtest.h>

#include <algorithm>
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
    bool unset = false;  // optional, no value by default ("# key: unset, ...")
    std::string name() const { return table + "." + key; }
};

std::vector<AcceptedKey> accepted_keys() {
    Config config;
    UplinkConfig uplink;
    uplink.name = "isp-a";
    config.uplinks.push_back(uplink);
    const std::string text = to_toml(config);
    const toml::table printed = toml::parse(text, std::string_view("to_toml"));
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
    // The optional keys without a value, which to_toml prints as comments.
    const std::regex header(R"(^(\[\[?)([a-z_]+)\]\]?\s*$)");
    const std::regex unset_line(R"(^# ([a-z0-9_]+): unset\b.*$)");
    std::string table;
    bool array = false;
    for (const std::string& line : lines_of(text)) {
        std::smatch m;
        if (std::regex_match(line, m, header)) {
            table = m[2];
            array = m[1] == "[[";
        } else if (std::regex_match(line, m, unset_line)) {
            EXPECT_FALSE(table.empty()) << "to_toml printed an unset key outside any table";
            keys.push_back({table, std::string(m[1]), array, true});
        }
    }
    return keys;
}

// One key's entry in multi6d.toml(5):
//   *key*
//   	Type: ... ++
//   Default: ... ++
//   Allowed: ... ++
//   Example: *key = value* ++
//   Required: at least one of KEY and KEY      (optional line, [[tables]] only)
struct DocEntry {
    std::string table;
    std::string key;
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
    const std::regex field_line(R"(^\t?(Type|Default|Allowed|Example|Required): (.*?)( \+\+)?$)");
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
            current->table = table;
            current->key = unescape(m[1]);
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

// The keys of `table` that `message` names, other than `self`: a message
// that names another key comes from a cross-key check.
std::set<std::string> other_keys_named(const std::string& message,
                                       const std::vector<AcceptedKey>& keys,
                                       const std::string& table, const std::string& self) {
    std::set<std::string> named;
    const std::regex word("[a-z0-9_]+");
    for (auto it = std::sregex_iterator(message.begin(), message.end(), word);
         it != std::sregex_iterator(); ++it) {
        for (const auto& k : keys) {
            if (k.table == table && k.key != self && k.key == it->str()) {
                named.insert(k.key);
            }
        }
    }
    return named;
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

    // The groups of keys of `table` of which a table must set at least one,
    // from "Required: at least one of A, B and C".
    std::vector<std::vector<std::string>> required_groups(const std::string& table) const {
        const std::regex at_least_one(R"(^at least one of ([a-z0-9_, ]+) and ([a-z0-9_]+)$)");
        std::set<std::vector<std::string>> groups;
        for (const auto& [name, d] : docs_) {
            if (d.table != table || d.fields.count("Required") == 0) {
                continue;
            }
            std::smatch m;
            const std::string& text = d.fields.at("Required");
            if (!std::regex_match(text, m, at_least_one)) {
                ADD_FAILURE() << name << ": \"Required:\" must read \"at least one of A and B\" "
                              << "(or \"A, B and C\"), got: " << text;
                continue;
            }
            std::vector<std::string> group;
            std::istringstream list(m[1].str());
            for (std::string member; std::getline(list, member, ',');) {
                member.erase(0, member.find_first_not_of(' '));
                group.push_back(member);
            }
            group.push_back(m[2]);
            std::sort(group.begin(), group.end());
            EXPECT_NE(std::find(group.begin(), group.end(), d.key), group.end())
                << name << ": \"Required:\" names a group the key is not in";
            groups.insert(group);
        }
        return {groups.begin(), groups.end()};
    }

    // For keys of an array of tables: a table with the examples of its
    // required keys (those documented "none (required)") and of one key of
    // each "Required: at least one of" group, leaving out the keys in `skip`.
    std::string required_base(const std::string& table,
                              const std::set<std::string>& skip = {}) const {
        std::set<std::string> wanted;
        for (const auto& k : keys_) {
            const DocEntry* d = doc(k);
            if (k.table == table && skip.count(k.key) == 0 && d != nullptr &&
                d->fields.count("Default") > 0 && d->fields.at("Default") == "none (required)") {
                wanted.insert(k.key);
            }
        }
        for (const auto& group : required_groups(table)) {
            for (const auto& member : group) {
                if (skip.count(member) == 0) {
                    wanted.insert(member);
                    break;
                }
            }
        }
        std::string text = "[[" + table + "]]\n";
        for (const auto& k : keys_) {
            const DocEntry* d = doc(k);
            if (k.table == table && wanted.count(k.key) > 0 && d != nullptr &&
                d->fields.count("Example") > 0) {
                text += example_of(*d) + "\n";
            }
        }
        return text;
    }

    std::string header(const std::string& table, bool array, const std::string& key) const {
        return array ? required_base(table, {key}) : "[" + table + "]\n";
    }
    std::string header(const AcceptedKey& k) const { return header(k.table, k.array, k.key); }

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
        EXPECT_TRUE(d->fields.count("Required") == 0 || k.array)
            << k.name() << ": only keys of [[tables]] can be required";
    }
}

// The reverse: an entry for a key the parser does not know (misspelt, renamed
// or never implemented) tells the administrator to write an error.
TEST_F(ConfigDocs, ManPageDocumentsNoKeyTheParserRejects) {
    std::set<std::string> accepted;
    for (const auto& k : keys_) {
        accepted.insert(k.name());
    }
    for (const auto& [name, d] : docs_) {
        EXPECT_EQ(accepted.count(name), 1U)
            << name << " is documented in multi6d.toml(5) but the parser does not accept it";
        if (d.fields.count("Example") == 0) {
            ADD_FAILURE() << name << ": no \"Example:\" line in multi6d.toml(5)";
            continue;
        }
        // The parser's own verdict, independent of to_toml().
        Config config;
        const auto errors = apply_config_text(
            header(d.table, d.array, d.key) + example_of(d) + "\n", "documented", config);
        EXPECT_TRUE(errors.empty())
            << name << ": the documented example is rejected:" << errors_text(errors);
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
            EXPECT_FALSE(apply_config_text(required_base(k.table, {k.key}), "x", config).empty())
                << k.name() << " is documented as required, but a table without it is accepted";
            continue;
        }
        if (value.rfind("unset", 0) == 0) {
            EXPECT_TRUE(k.unset) << k.name() << " is documented as unset by default, but the "
                                 << "built-in configuration has a value for it:\n"
                                 << to_toml(Config{});
            continue;
        }
        EXPECT_FALSE(k.unset) << k.name() << " is unset by default: document it as "
                              << "\"Default: unset (what that means)\", not " << value;
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

// "Required: at least one of A and B": a table with none of them is an
// error, a table with any one of them alone is not.
TEST_F(ConfigDocs, RequiredGroupsAreRequired) {
    std::set<std::string> tables;
    for (const auto& k : keys_) {
        if (k.array) {
            tables.insert(k.table);
        }
    }
    for (const auto& table : tables) {
        for (const auto& group : required_groups(table)) {
            const std::set<std::string> all(group.begin(), group.end());
            Config none;
            EXPECT_FALSE(apply_config_text(required_base(table, all), "none", none).empty())
                << "[[" << table << "]] without any of the keys documented as \"at least one "
                << "of\" is accepted:\n"
                << required_base(table, all);
            for (const auto& member : group) {
                std::set<std::string> others = all;
                others.erase(member);
                Config one;
                const auto errors = apply_config_text(required_base(table, others), "one", one);
                EXPECT_TRUE(errors.empty()) << "[[" << table << "]] with only " << member
                                            << " of its group is rejected:" << errors_text(errors);
            }
        }
    }
}

// An integer key's "Allowed: MIN to MAX" is the parser's range for it: MIN
// and MAX are accepted, or rejected only by a cross-key check (an error that
// names another key of the table) which "Allowed:" names too; MIN - 1 and
// MAX + 1 are rejected by the key's own range (an error that names no other
// key).
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
        const std::string conditions = m[3];
        auto errors_for = [&](long long v) {
            Config config;
            return apply_config_text(header(k) + k.key + " = " + std::to_string(v) + "\n", "range",
                                     config);
        };
        for (const long long v : {min, max}) {
            for (const auto& e : errors_for(v)) {
                const auto others = other_keys_named(e.message, keys_, k.table, k.key);
                EXPECT_FALSE(others.empty())
                    << k.name() << " = " << v << " rejected: " << e.to_string();
                for (const auto& other : others) {
                    EXPECT_NE(conditions.find(other), std::string::npos)
                        << k.name() << " = " << v << " is rejected by a check with " << other
                        << " that \"Allowed:\" does not mention: " << e.to_string();
                }
            }
        }
        for (const long long v : {min - 1, max + 1}) {
            const auto errors = errors_for(v);
            const bool own_range = std::any_of(errors.begin(), errors.end(), [&](const auto& e) {
                const std::string suffix = "." + k.key;
                return e.key.size() >= suffix.size() &&
                       e.key.compare(e.key.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                       other_keys_named(e.message, keys_, k.table, k.key).empty();
            });
            EXPECT_TRUE(own_range)
                << k.name() << " = " << v
                << " is not rejected by the key's own range:" << errors_text(errors);
        }
        ++checked;
    }
    EXPECT_GT(checked, 0U) << "no integer key found: is the man page parsed at all?";
}

// The packaged /etc/multi6d/multi6d.toml: "# key = default" for every key
// ("# key: unset, ..." for an optional key without a default), and nothing
// the parser rejects.
TEST(PackagedConfig, ListsEveryKeyWithItsDefault) {
    const auto keys = accepted_keys();
    std::set<std::string> tables;
    std::set<std::string> accepted;
    std::set<std::string> unset;
    for (const auto& k : keys) {
        tables.insert(k.table);
        accepted.insert(k.name());
        if (k.unset) {
            unset.insert(k.name());
        }
    }
    const std::regex header(R"(^# (\[\[?([a-z_]+)\]\]?)\s*$)");
    const std::regex key_line(R"(^# ([a-z0-9_]+) = (.*)$)");
    const std::regex unset_line(R"(^# ([a-z0-9_]+): unset\b.*$)");
    std::set<std::string> listed;
    std::string table;
    std::string uncommented;  // every commented key, uncommented: the parser judges them all
    for (const std::string& line : lines_of(read_text(source_dir + "/service/multi6d.toml"))) {
        std::smatch m;
        if (std::regex_match(line, m, header)) {
            table = m[2];
            EXPECT_EQ(tables.count(table), 1U) << "service/multi6d.toml shows a table " << m[1]
                                               << " that the parser does not accept";
            uncommented += std::string(m[1]) + "\n";
        } else if (std::regex_match(line, m, key_line)) {
            const std::string name = table + "." + std::string(m[1]);
            EXPECT_TRUE(listed.insert(name).second) << name << " listed twice";
            EXPECT_EQ(accepted.count(name), 1U)
                << name << " is in service/multi6d.toml but the parser does not accept it";
            uncommented += line.substr(2) + "\n";
        } else if (std::regex_match(line, m, unset_line)) {
            const std::string name = table + "." + std::string(m[1]);
            EXPECT_TRUE(listed.insert(name).second) << name << " listed twice";
            EXPECT_EQ(unset.count(name), 1U)
                << name << " is shown as unset, but it is not an optional key without a default";
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
