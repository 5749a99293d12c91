// multi6d(8) and the shipped rt_protos.d file against the one definition of
// the owned kernel numbers (policy/owned_ids.hpp): every range and number
// the man page states is the header's, and every number of the owned block
// it mentions is one the header gives a meaning.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "owned_ids.hpp"

namespace multi6d {
namespace {

std::string read_file(const std::string& relative) {
    std::ifstream in(std::string(MULTI6D_SOURCE_DIR) + "/" + relative);
    EXPECT_TRUE(in) << relative;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The man page with line breaks and runs of blanks folded to one space, so
// a phrase matches wherever the source wraps it.
std::string man_page() {
    return std::regex_replace(read_file("man/multi6d.8.scd"), std::regex(R"(\s+)"), " ");
}

template <typename Id>
std::string range_words(const IdRange<Id>& range) {
    return to_string(range.first) + " to " + to_string(range.last);
}

TEST(OwnedIdsDocs, ManPageStatesTheHeadersRanges) {
    const std::string man = man_page();
    const std::string protocol = std::to_string(owned::route_protocol);
    const std::string phrases[] = {
        "Routes: protocol " + protocol,
        "Routing tables " + range_words(owned::path_tables) + ", one per path, tables " +
            range_words(owned::application_tables) + ", one per *[[application]]*",
        "and table " + to_string(owned::unbound_table) + ", the _unbound lookups_ table",
        to_string(owned::application_rule_priority) +
            " holds the applications' _uidrange U-V lookup TABLE_ rules",
        to_string(owned::application_block_priority) +
            " is its _uidrange U-V unreachable_ rule when it is blocked",
        "Routing rules with priorities " + range_words(owned::rule_priorities) + " and protocol " +
            protocol,
        to_string(owned::suppress_rule_priority) + " is _lookup main suppress\\_prefixlength 0_",
        range_words(owned::path_rule_priorities) + " are _from PREFIX lookup TABLE_ rules",
        to_string(owned::unbound_rule_priority) + " is _from all lookup " +
            to_string(owned::unbound_table) + "_",
        "Address labels " + range_words(owned::path_labels),
        "label " + to_string(owned::known_local_label) + " for known-local ULA prefixes",
    };
    for (const std::string& phrase : phrases) {
        EXPECT_NE(man.find(phrase), std::string::npos) << "multi6d(8) does not say: " << phrase;
    }
}

// A number near the block (66xx, 68xx) that the header does not own is a
// stale or mistyped one.
TEST(OwnedIdsDocs, ManPageMentionsNoOtherNumberNearTheBlock) {
    const std::string man = man_page();
    const std::regex number(R"(\b6[5-8]\d\d\b)");
    for (auto it = std::sregex_iterator(man.begin(), man.end(), number);
         it != std::sregex_iterator(); ++it) {
        const auto value = static_cast<std::uint32_t>(std::stoul(it->str()));
        EXPECT_TRUE(owned::tables.contains(TableId{value}))
            << "multi6d(8) mentions " << value << ", outside the owned block "
            << range_words(owned::tables);
    }
}

TEST(OwnedIdsDocs, RtProtosNamesTheRouteProtocol) {
    EXPECT_EQ(read_file("service/rt_protos.d/multi6d.conf"),
              std::to_string(owned::route_protocol) + " multi6d\n");
}

}  // namespace
}  // namespace multi6d
