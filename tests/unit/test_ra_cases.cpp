// Every case of the named RA corpus (ra_cases.hpp) against the parser. The
// same cases are the fuzz seeds and what m6-send-ra sends in the integration
// tests, so their expected outcomes are checked here once.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ra_cases.hpp"
#include "ra_parser.hpp"

namespace multi6d {

namespace test {
// gtest prints parameters of failing tests; the name is what matters.
void PrintTo(const RaCase& c, std::ostream* os) {
    *os << c.name;
}
}  // namespace test

namespace {

using test::RaCase;

class RaCaseTest : public ::testing::TestWithParam<RaCase> {};

TEST_P(RaCaseTest, ParserOutcomeMatches) {
    const RaCase& c = GetParam();
    const Address source = test::address(c.source.value_or("fe80::99"));
    const auto result = parse_router_advertisement(c.packet, source, c.hop_limit);
    if (c.rejected) {
        ASSERT_FALSE(result) << c.name << " was accepted";
        EXPECT_EQ(result.rejection().reason, *c.rejected)
            << to_string(result.rejection().reason) << ": " << result.rejection().text;
        EXPECT_FALSE(result.rejection().text.empty());
        return;
    }
    ASSERT_TRUE(result) << c.name << " rejected: " << result.rejection().text;
    std::vector<OptionIssue> issues;
    for (const auto& note : result.advertisement().notes) {
        issues.push_back(note.issue);
        EXPECT_FALSE(note.text.empty());
    }
    EXPECT_EQ(issues, c.notes);
    EXPECT_EQ(result.advertisement().ra.router, source);
}

std::string case_name(const ::testing::TestParamInfo<RaCase>& info) {
    std::string name = info.param.name;
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, RaCaseTest, ::testing::ValuesIn(test::ra_cases()), case_name);

// The integration tests send these by name; the brief's malformed corpus must
// stay complete and the names unique.
TEST(RaCorpus, HasEveryRequiredCaseOnce) {
    std::set<std::string> names;
    for (const auto& c : test::ra_cases()) {
        EXPECT_TRUE(names.insert(c.name).second) << "duplicate case " << c.name;
    }
    for (const char* required :
         {"hop-limit-64", "source-global", "code-1", "zero-length-option", "pio-truncated",
          "rio-truncated", "rio-length-mismatch", "pio-preferred-above-valid", "pio-link-local",
          "short-header", "option-past-end", "header-prf-reserved", "rio-prf-reserved",
          "valid-full"}) {
        EXPECT_TRUE(names.contains(required)) << required;
    }
}

// A malformed case must differ from a valid RA only in what it tests: with
// the send parameters corrected, a hop-limit or source case parses cleanly.
TEST(RaCorpus, SendParameterCasesCarryValidPackets) {
    for (const auto& c : test::ra_cases()) {
        if (c.rejected == RaRejectReason::HopLimit ||
            c.rejected == RaRejectReason::SourceNotLinkLocal) {
            SCOPED_TRACE(c.name);
            const auto result =
                parse_router_advertisement(c.packet, test::address("fe80::99"), 255);
            ASSERT_TRUE(result);
            EXPECT_TRUE(result.advertisement().notes.empty());
        }
    }
}

}  // namespace
}  // namespace multi6d
