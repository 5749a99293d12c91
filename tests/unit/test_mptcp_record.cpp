// The MPTCP endpoint manager's ownership record: format, parser, file.
#include "mptcp_record.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace multi6d {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

MptcpRecord sample() {
    MptcpRecord r;
    r.endpoints[255] = *Address::parse("2001:db8:a::10");
    r.endpoints[200] = *Address::parse("192.0.2.1");
    r.adopted[2] = AdoptedEndpoint{*Address::parse("2001:db8:b::10"), 5};
    r.original_limits = MptcpLimits{2, 0};
    r.applied_limits = MptcpLimits{8, 8};
    return r;
}

TEST(MptcpRecord, FormatIsLineOriented) {
    EXPECT_EQ(format_record(sample()),
              "# multi6d mptcp endpoints v1\n"
              "endpoint 200 192.0.2.1\n"
              "endpoint 255 2001:db8:a::10\n"
              "adopted 2 2001:db8:b::10 5\n"
              "limits-original 2 0\n"
              "limits-applied 8 8\n");
}

TEST(MptcpRecord, ParseReadsWhatFormatWrites) {
    std::string error;
    const auto parsed = parse_record(format_record(sample()), &error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(*parsed, sample());
    const auto empty = parse_record(format_record(MptcpRecord{}), &error);
    ASSERT_TRUE(empty) << error;
    EXPECT_TRUE(empty->empty());
}

// A line of spaces only is blank: the old splitter gave it no words and
// the parser read the first of none (out of bounds).
TEST(MptcpRecord, LinesOfSpacesAreBlank) {
    std::string error;
    const auto parsed =
        parse_record("# multi6d mptcp endpoints v1\n   \nendpoint 7 2001:db8::1\n \n", &error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(parsed->endpoints.size(), 1U);
}

TEST(MptcpRecord, ParseRejectsMalformedLines) {
    const std::string header = "# multi6d mptcp endpoints v1\n";
    const std::pair<std::string, std::string> cases[] = {
        {"", "line 0: empty file"},
        {"# something else\n", "line 1: not a multi6d mptcp record"},
        {header + "endpoint 0 2001:db8::1\n", "line 2: malformed entry"},
        {header + "endpoint 256 2001:db8::1\n", "line 2: malformed entry"},
        {header + "endpoint 7 2001:db8::zz\n", "line 2: malformed entry"},
        {header + "endpoint 7\n", "line 2: malformed entry"},
        {header + "endpoint 7 2001:db8::1\nendpoint 7 2001:db8::2\n",
         "line 3: endpoint id 7 twice"},
        {header + "adopted 2 2001:db8::1\n", "line 2: malformed entry"},
        {header + "adopted 2 2001:db8::1 x\n", "line 2: malformed entry"},
        {header + "endpoint 7 2001:db8::1\nadopted 7 2001:db8::2 1\n",
         "line 3: endpoint id 7 twice"},
        {header + "limits-original 2\n", "line 2: malformed entry"},
        {header + "limits-applied x 2\n", "line 2: malformed entry"},
        {header + "route ::/0\n", "line 2: unknown entry \"route\""},
    };
    for (const auto& [text, want] : cases) {
        std::string error;
        EXPECT_FALSE(parse_record(text, &error)) << text;
        EXPECT_THAT(error, HasSubstr(want)) << text;
    }
}

class MptcpRecordFileTest : public ::testing::Test {
  protected:
    test::TempDir tmp{"m6d-mptcp-record"};
    const fs::path root = tmp.path();
};

TEST_F(MptcpRecordFileTest, MissingFileIsAnEmptyRecord) {
    EXPECT_TRUE(MptcpRecordFile(root / "none").load().empty());
}

TEST_F(MptcpRecordFileTest, SaveCreatesTheDirectoryAndLoadReadsItBack) {
    const MptcpRecordFile file(root / "run" / "multi6d" / "mptcp-endpoints");
    file.save(sample());
    EXPECT_EQ(file.load(), sample());
    EXPECT_FALSE(fs::exists(file.path().string() + ".tmp"));
}

TEST_F(MptcpRecordFileTest, SavingAnEmptyRecordRemovesTheFile) {
    const MptcpRecordFile file(root / "mptcp-endpoints");
    file.save(sample());
    file.save(MptcpRecord{});
    EXPECT_FALSE(fs::exists(file.path()));
    file.save(MptcpRecord{});  // already gone: fine
}

TEST_F(MptcpRecordFileTest, CorruptFileThrowsNamingIt) {
    const fs::path path = root / "mptcp-endpoints";
    std::ofstream(path) << "# multi6d mptcp endpoints v1\nendpoint x\n";
    try {
        MptcpRecordFile(path).load();
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr(path.string() + ": line 2"));
    }
}

}  // namespace
}  // namespace multi6d
