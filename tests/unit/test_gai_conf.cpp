// The gai.conf block: rendering (policy rows → glibc lines) and merging into
// the administrator's file. Pure: no files, no root.
#include "gai_conf.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace multi6d {
namespace {

// The input with RFC 6724's table (GaiInput's default) and no known-local
// prefix: what these tests pin down is the block's behaviour before
// [address_selection]; the update's table is tested at the end.
GaiInput gai_input(const std::set<LabelRow>& labels, bool down) {
    GaiInput input;
    input.labels = labels;
    input.ipv6_down = down;
    return input;
}

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Prefix P(const char* text) {
    return *Prefix::parse(text);
}

LabelRow row(const char* prefix, std::uint32_t label, int ifindex = 0) {
    return LabelRow{P(prefix), AddressLabel{label}, ifindex};
}

// A two-path host as decide_routing() labels it: each path prefix its own
// label, 2000::/3 → the best path, a RIO destination → its router's path.
std::set<LabelRow> two_paths() {
    return {row("2001:db8:1::/64", 6601), row("2001:db8:2::/64", 6602), row("2000::/3", 6601),
            row("2001:db8:99::/48", 6602)};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

// The rows of one keyword in a block, read back independently of the
// renderer: "keyword prefix value", prefix parsed by Prefix::parse.
std::map<Prefix, std::uint32_t> rows_of(const std::string& text, const std::string& keyword) {
    std::map<Prefix, std::uint32_t> rows;
    for (const std::string& line : lines_of(text)) {
        std::istringstream fields(line);
        std::string word;
        std::string prefix;
        std::uint32_t value = 0;
        if (fields >> word && word == keyword) {
            EXPECT_TRUE(fields >> prefix >> value) << line;
            const auto parsed = Prefix::parse(prefix);
            EXPECT_TRUE(parsed.has_value()) << line;
            EXPECT_TRUE(rows.emplace(*parsed, value).second) << "repeated prefix: " << line;
        }
    }
    return rows;
}

// RFC 6724 §2.1, typed in from the RFC (not taken from PolicyTable, so
// a mistake there shows up here).
const std::map<Prefix, std::uint32_t> rfc6724_labels{
    {P("::1/128"), 0},   {P("::/0"), 1},       {P("::ffff:0:0/96"), 4},
    {P("2002::/16"), 2}, {P("2001::/32"), 5},  {P("fc00::/7"), 13},
    {P("::/96"), 3},     {P("fec0::/10"), 11}, {P("3ffe::/16"), 12}};
const std::map<Prefix, std::uint32_t> rfc6724_precedences{
    {P("::1/128"), 50},   {P("::/0"), 40},     {P("::ffff:0:0/96"), 35},
    {P("2002::/16"), 30}, {P("2001::/32"), 5}, {P("fc00::/7"), 3},
    {P("::/96"), 1},      {P("fec0::/10"), 1}, {P("3ffe::/16"), 1}};

GaiBlock render(const std::set<LabelRow>& labels, bool down, const std::string& admin_text = "") {
    return render_gai_block(gai_input(labels, down), scan_gai_admin_lines(admin_text));
}

// ---- rendering ------------------------------------------------------------

TEST(GaiRender, NothingToSayMeansNoBlock) {
    EXPECT_EQ(render({}, false).text, "");
}

TEST(GaiRender, BlockIsFramedByMarkers) {
    const auto lines = lines_of(render(two_paths(), false).text);
    ASSERT_GE(lines.size(), 2U);
    EXPECT_EQ(lines.front(), gai_begin_marker);
    EXPECT_EQ(lines.back(), gai_end_marker);
    EXPECT_EQ(render(two_paths(), false).text.back(), '\n');
}

TEST(GaiRender, LabelsAreTheCompleteRfc6724TablePlusTheKernelRows) {
    // One label line replaces glibc's whole table, so all of RFC 6724 §2.1
    // must be there, and multi6d's rows with the kernel's numbers.
    std::map<Prefix, std::uint32_t> expected = rfc6724_labels;
    for (const LabelRow& r : two_paths()) {
        expected[r.prefix] = r.label.value;
    }
    const GaiBlock block = render(two_paths(), false);
    EXPECT_EQ(rows_of(block.text, "label"), expected);
    EXPECT_THAT(rows_of(block.text, "precedence"), IsEmpty());
    EXPECT_THAT(block.shadowed_labels, IsEmpty());
}

TEST(GaiRender, AskForReloadSoRunningProcessesFollow) {
    EXPECT_THAT(lines_of(render(two_paths(), false).text), testing::Contains("reload yes"));
}

TEST(GaiRender, Ipv4MappedRowIsWrittenInIpv6Syntax) {
    // glibc parses the prefix with inet_pton(AF_INET6): "0.0.0.0/0" would be
    // dropped silently and IPv4 would lose its label.
    EXPECT_THAT(render(two_paths(), false).text, HasSubstr("label ::ffff:0.0.0.0/96 4\n"));
}

TEST(GaiRender, KernelRowReplacesTheRfcRowForTheSamePrefix) {
    std::set<LabelRow> rows = two_paths();
    rows.insert(row("2002::/16", 6602));  // e.g. a RIO for 2002::/16
    const auto labels = rows_of(render(rows, false).text, "label");
    EXPECT_EQ(labels.at(P("2002::/16")), 6602U);
    EXPECT_EQ(labels.at(P("::/0")), 1U);
}

TEST(GaiRender, InterfaceRowsCannotBeExpressedAndAreLeftOut) {
    EXPECT_EQ(render({row("2001:db8:1::/64", 6601, 3)}, false).text, "");
    std::set<LabelRow> rows = two_paths();
    rows.insert(row("2001:db8:7::/64", 6607, 3));
    EXPECT_FALSE(rows_of(render(rows, false).text, "label").contains(P("2001:db8:7::/64")));
}

TEST(GaiRender, RepeatedPrefixKeepsTheLowestLabelOnce) {
    const auto labels = rows_of(
        render({row("2001:db8:1::/64", 6605), row("2001:db8:1::/64", 6601)}, false).text, "label");
    EXPECT_EQ(labels.at(P("2001:db8:1::/64")), 6601U);
}

TEST(GaiRender, AllIpv6DownRaisesIpv4AboveTheDefaultRoute) {
    const GaiBlock block = render({}, true);
    std::map<Prefix, std::uint32_t> expected = rfc6724_precedences;
    expected[P("::ffff:0:0/96")] = gai_ipv4_preferred_precedence;
    const auto precedences = rows_of(block.text, "precedence");
    EXPECT_EQ(precedences, expected);
    EXPECT_GT(precedences.at(P("::ffff:0:0/96")), precedences.at(P("::/0")));
    EXPECT_THAT(rows_of(block.text, "label"), IsEmpty());
}

TEST(GaiRender, AllIpv6DownWithLabelsHasBothCompleteTables) {
    const GaiBlock block = render(two_paths(), true);
    EXPECT_EQ(rows_of(block.text, "label").size(), rfc6724_labels.size() + two_paths().size());
    EXPECT_EQ(rows_of(block.text, "precedence").size(), rfc6724_precedences.size());
}

TEST(GaiRender, CreatedNoteOnlyWhenAsked) {
    EXPECT_THAT(render(two_paths(), false).text, Not(HasSubstr(gai_created_note)));
    EXPECT_THAT(render_gai_block(gai_input(two_paths(), false), {}, true).text,
                HasSubstr(std::string(gai_created_note) + "\n"));
}

TEST(GaiRender, AdministratorLabelTableIsTheBaseAndWins) {
    const std::string admin =
        "label ::1/128 0\n"
        "label ::/0 1\n"
        "label 2001:db8:99::/48 77   # the admin's own row\n";
    const GaiBlock block = render(two_paths(), false, admin);
    // No RFC rows (the admin's table is the base), no repeated prefix.
    EXPECT_EQ(
        rows_of(block.text, "label"),
        (std::map<Prefix, std::uint32_t>{
            {P("2001:db8:1::/64"), 6601}, {P("2001:db8:2::/64"), 6602}, {P("2000::/3"), 6601}}));
    EXPECT_THAT(block.shadowed_labels, ElementsAre(P("2001:db8:99::/48")));
}

TEST(GaiRender, AdministratorPrecedenceForIpv4Wins) {
    const GaiBlock block = render({}, true, "precedence ::ffff:0:0/96 10\n");
    EXPECT_EQ(block.text, "");  // nothing left to say
    EXPECT_THAT(block.shadowed_precedences, ElementsAre(P("::ffff:0:0/96")));
}

TEST(GaiRender, AdministratorPrecedenceTableIsTheBase) {
    const GaiBlock block = render({}, true, "precedence ::/0 40\nprecedence ::1/128 50\n");
    EXPECT_EQ(rows_of(block.text, "precedence"),
              (std::map<Prefix, std::uint32_t>{{P("::ffff:0:0/96"), 100}}));
}

TEST(GaiRender, AdministratorReloadLineDecides) {
    EXPECT_THAT(render(two_paths(), false, "reload no\n").text, Not(HasSubstr("reload")));
}

TEST(GaiRender, OwnBlockParsesBackLikeGlibcParsesIt) {
    // Every row the block writes is one the glibc-style scanner accepts.
    const GaiBlock block = render(two_paths(), true);
    const GaiAdminLines seen = scan_gai_admin_lines(block.text);
    EXPECT_EQ(seen.labels.size(), rows_of(block.text, "label").size());
    EXPECT_EQ(seen.precedences.size(), rows_of(block.text, "precedence").size());
    EXPECT_TRUE(seen.reload);
}

// ---- scanning administrator lines (glibc's parser) -------------------------

TEST(GaiScan, CountsOnlyLinesGlibcAccepts) {
    const GaiAdminLines admin = scan_gai_admin_lines(
        "# label ::1/128 0\n"
        "  label\t::1/128   0  # trailing comment\n"
        "label ::/0\n"                // glibc reads the missing value as 0
        "label 192.0.2.0/24 3\n"      // not IPv6 text: ignored by glibc
        "label 2001:db8::/129 3\n"    // too long
        "label 2001:db8::/32 x\n"     // not a number
        "labels 2001:db8:1::/48 3\n"  // unknown keyword
        "precedence 2001:db8:5::/48 45\n"
        "scopev4 ::ffff:169.254.0.0/112 2\n");
    EXPECT_EQ(admin.labels, (std::set<Prefix>{P("::1/128"), P("::/0")}));
    EXPECT_EQ(admin.precedences, (std::set<Prefix>{P("2001:db8:5::/48")}));
    EXPECT_FALSE(admin.reload);
    EXPECT_TRUE(scan_gai_admin_lines("reload no\n").reload);
}

// ---- merging ---------------------------------------------------------------

const std::string admin_text =
    "# my settings\n"
    "scopev4 ::ffff:169.254.0.0/112 2\n"
    "\n";

std::string a_block() {
    return render(two_paths(), false).text;
}
std::string another_block() {
    return render(two_paths(), true).text;
}

TEST(GaiMerge, AppendsWhenAbsentAndRemovesToTheOriginalBytes) {
    const std::string merged = merge_gai_conf(admin_text, a_block());
    EXPECT_EQ(merged, admin_text + a_block());
    EXPECT_EQ(merge_gai_conf(merged, std::nullopt), admin_text);
    EXPECT_EQ(merge_gai_conf(merged, ""), admin_text);  // empty block = none
}

TEST(GaiMerge, EmptyFileGetsTheBlockOnly) {
    EXPECT_EQ(merge_gai_conf("", a_block()), a_block());
    EXPECT_EQ(merge_gai_conf("", std::nullopt), "");
}

TEST(GaiMerge, LastLineWithoutNewlineGetsOne) {
    EXPECT_EQ(merge_gai_conf("reload no", a_block()), "reload no\n" + a_block());
}

TEST(GaiMerge, ReplacesInPlace) {
    const std::string after = "# after the block\nlabel 2001:db8:ff::/48 9\n";
    const std::string file = admin_text + a_block() + after;
    EXPECT_EQ(merge_gai_conf(file, another_block()), admin_text + another_block() + after);
    EXPECT_EQ(merge_gai_conf(file, std::nullopt), admin_text + after);
}

TEST(GaiMerge, IsIdempotent) {
    for (const std::string& file :
         {std::string(), admin_text, admin_text + a_block(), "x" + a_block() + "y\n"}) {
        const std::string once = merge_gai_conf(file, another_block());
        EXPECT_EQ(merge_gai_conf(once, another_block()), once);
        EXPECT_EQ(split_gai_conf(once).blocks, 1U);
    }
}

TEST(GaiMerge, DuplicatedBlocksCollapseIntoTheFirstPlace) {
    const std::string file = "a\n" + a_block() + "b\n" + a_block() + "c\n";
    const GaiFileParts parts = split_gai_conf(file);
    EXPECT_EQ(parts.blocks, 2U);
    EXPECT_THAT(parts.stray_markers, IsEmpty());
    EXPECT_EQ(merge_gai_conf(file, another_block()), "a\n" + another_block() + "b\nc\n");
}

TEST(GaiMerge, MissingEndKeepsTheLinesAfterBegin) {
    // A truncated block: the stray BEGIN goes, every other line stays.
    const std::string file = "a\n" + std::string(gai_begin_marker) +
                             "\nlabel 2000::/3 6601\n# admin line added later\nb\n";
    const GaiFileParts parts = split_gai_conf(file);
    EXPECT_EQ(parts.blocks, 0U);
    EXPECT_THAT(parts.stray_markers, ElementsAre(2U));
    const std::string kept = "a\nlabel 2000::/3 6601\n# admin line added later\nb\n";
    EXPECT_EQ(parts.admin_text, kept);
    EXPECT_EQ(merge_gai_conf(file, a_block()), kept + a_block());
    EXPECT_EQ(merge_gai_conf(file, std::nullopt), kept);
}

TEST(GaiMerge, BeginBeforeAnotherBlockIsStrayAndEatsNothing) {
    const std::string file =
        std::string(gai_begin_marker) + "\nadmin 1\n" + a_block() + "admin 2\n";
    const GaiFileParts parts = split_gai_conf(file);
    EXPECT_EQ(parts.blocks, 1U);
    EXPECT_THAT(parts.stray_markers, ElementsAre(1U));
    EXPECT_EQ(merge_gai_conf(file, another_block()), "admin 1\n" + another_block() + "admin 2\n");
}

TEST(GaiMerge, StrayEndIsDropped) {
    const std::string file = "a\n" + std::string(gai_end_marker) + "\nb\n";
    EXPECT_THAT(split_gai_conf(file).stray_markers, ElementsAre(2U));
    EXPECT_EQ(merge_gai_conf(file, std::nullopt), "a\nb\n");
}

TEST(GaiMerge, MarkersAreFoundDespiteSpacingAndCrlf) {
    const std::string file =
        "keep\r\n  # BEGIN multi6d edited by hand\r\nlabel ::/0 1\r\n"
        "\t# END multi6d  \r\nkeep too\r\n";
    EXPECT_EQ(split_gai_conf(file).blocks, 1U);
    EXPECT_EQ(merge_gai_conf(file, std::nullopt), "keep\r\nkeep too\r\n");
}

TEST(GaiMerge, AdministratorLinesLikeOursStayOutsideTheBlock) {
    const std::string file = "label 2000::/3 6601\n" + a_block() + "label 2000::/3 6601\n";
    EXPECT_EQ(merge_gai_conf(file, std::nullopt), "label 2000::/3 6601\nlabel 2000::/3 6601\n");
}

// ---- plans (what the writer does) ---------------------------------------------

TEST(GaiPlan, MissingFileIsCreatedWithTheNoteAndDeletedAtRestore) {
    const GaiPlan plan = plan_gai_conf("", false, gai_input(two_paths(), false));
    EXPECT_THAT(plan.text, HasSubstr(gai_created_note));
    EXPECT_FALSE(plan.remove_file);
    const GaiRestorePlan restore = plan_gai_restore(plan.text);
    EXPECT_TRUE(restore.remove_file);
    EXPECT_EQ(restore.text, "");
}

TEST(GaiPlan, EmptyExistingFileIsTheAdministratorsAndStays) {
    const GaiPlan plan = plan_gai_conf("", true, gai_input(two_paths(), false));
    EXPECT_THAT(plan.text, Not(HasSubstr(gai_created_note)));
    EXPECT_FALSE(plan_gai_restore(plan.text).remove_file);
}

TEST(GaiPlan, CreatedNoteSurvivesUpdatesAndDeletesWhenTheBlockGoes) {
    const GaiPlan first = plan_gai_conf("", false, gai_input(two_paths(), false));
    const GaiPlan second = plan_gai_conf(first.text, true, gai_input(two_paths(), true));
    EXPECT_THAT(second.text, HasSubstr(gai_created_note));
    const GaiPlan none = plan_gai_conf(second.text, true, GaiInput{});
    EXPECT_TRUE(none.remove_file);
}

TEST(GaiPlan, CreatedFileWithAdministratorLinesStays) {
    const GaiPlan plan = plan_gai_conf("", false, gai_input(two_paths(), false));
    const std::string edited = plan.text + "precedence ::ffff:0:0/96 100\n";
    const GaiRestorePlan restore = plan_gai_restore(edited);
    EXPECT_FALSE(restore.remove_file);
    EXPECT_EQ(restore.text, "precedence ::ffff:0:0/96 100\n");
    EXPECT_FALSE(plan_gai_conf(edited, true, GaiInput{}).remove_file);
}

TEST(GaiPlan, AdministratorRowsInTheFileShadowOurs) {
    const GaiPlan plan =
        plan_gai_conf(admin_text + "label 2000::/3 5\n", true, gai_input(two_paths(), false));
    EXPECT_THAT(plan.block.shadowed_labels, ElementsAre(P("2000::/3")));
    EXPECT_FALSE(rows_of(plan.block.text, "label").contains(P("2000::/3")));
}

TEST(GaiPlan, OwnBlockIsNotMistakenForAdministratorRows) {
    // Re-planning over our own output: the old block's rows are not "admin".
    const GaiPlan first = plan_gai_conf(admin_text, true, gai_input(two_paths(), false));
    const GaiPlan again = plan_gai_conf(first.text, true, gai_input(two_paths(), false));
    EXPECT_EQ(again.text, first.text);
    EXPECT_THAT(again.block.shadowed_labels, IsEmpty());
}

// ---- draft-ietf-6man-rfc6724-update ----------------------------------------

// §3.1, typed in from the draft: precedences change, labels do not.
const std::map<Prefix, std::uint32_t> update_precedences{
    {P("::1/128"), 50},       {P("::/0"), 40},     {P("fc00::/7"), 30},
    {P("::ffff:0:0/96"), 20}, {P("2002::/16"), 5}, {P("2001::/32"), 5},
    {P("::/96"), 1},          {P("fec0::/10"), 1}, {P("3ffe::/16"), 1}};

GaiInput update_input(const std::set<LabelRow>& labels, bool down,
                      std::vector<Prefix> known_local = {}) {
    GaiInput input = gai_input(labels, down);
    input.table = PolicyTableChoice::Rfc6724Update;
    input.known_local = std::move(known_local);
    return input;
}

TEST(GaiRenderUpdate, BothCompleteTablesEvenWithoutPaths) {
    // glibc's built-in table is RFC 3484's: without paths the update's table
    // must still be written out, label and precedence, in full.
    const GaiBlock block = render_gai_block(update_input({}, false), {});
    EXPECT_EQ(rows_of(block.text, "label"), rfc6724_labels);
    EXPECT_EQ(rows_of(block.text, "precedence"), update_precedences);
    EXPECT_THAT(block.text, HasSubstr("draft-ietf-6man-rfc6724-update"));
}

TEST(GaiRenderUpdate, PathRowsGoOnTopOfTheUpdatesTable) {
    const GaiBlock block = render_gai_block(update_input(two_paths(), false), {});
    std::map<Prefix, std::uint32_t> labels = rfc6724_labels;
    for (const LabelRow& r : two_paths()) {
        labels[r.prefix] = r.label.value;
    }
    EXPECT_EQ(rows_of(block.text, "label"), labels);
    EXPECT_EQ(rows_of(block.text, "precedence"), update_precedences);
}

TEST(GaiRenderUpdate, KnownLocalPrefixesGetPrecedence45AndTheirKernelLabel) {
    std::set<LabelRow> labels = two_paths();
    labels.insert(row("fd11:1111:1111::/48", 6600));
    const GaiBlock block =
        render_gai_block(update_input(labels, false, {P("fd11:1111:1111::/48")}), {});
    std::map<Prefix, std::uint32_t> precedences = update_precedences;
    precedences[P("fd11:1111:1111::/48")] = 45;
    EXPECT_EQ(rows_of(block.text, "precedence"), precedences);
    EXPECT_EQ(rows_of(block.text, "label").at(P("fd11:1111:1111::/48")), 6600U);
}

TEST(GaiRenderUpdate, EveryPathDownRaisesIpv4OverTheUpdatesTable) {
    const GaiBlock block = render_gai_block(update_input(two_paths(), true), {});
    std::map<Prefix, std::uint32_t> precedences = update_precedences;
    precedences[P("::ffff:0:0/96")] = 100;
    EXPECT_EQ(rows_of(block.text, "precedence"), precedences);
}

TEST(GaiRenderUpdate, KnownLocalRowsInRfc6724ModeBringThePrecedenceTable) {
    // table = "rfc6724" with known-local rows: RFC 6724 §10.6's table, so
    // the precedence lines are written although IPv6 is up.
    GaiInput input = gai_input(two_paths(), false);
    input.known_local = {P("fd11:1111:1111::/48")};
    std::map<Prefix, std::uint32_t> precedences = rfc6724_precedences;
    precedences[P("fd11:1111:1111::/48")] = 45;
    EXPECT_EQ(rows_of(render_gai_block(input, {}).text, "precedence"), precedences);
}

TEST(GaiRenderUpdate, AdministratorsPrecedenceTableStaysTheBase) {
    const GaiBlock block = render_gai_block(
        update_input({}, false, {P("fd11:1111:1111::/48")}),
        scan_gai_admin_lines("precedence ::/0 40\nprecedence ::ffff:0:0/96 100\n"));
    // Only multi6d's own row: the administrator's lines are the base table.
    EXPECT_EQ(rows_of(block.text, "precedence"),
              (std::map<Prefix, std::uint32_t>{{P("fd11:1111:1111::/48"), 45}}));
}

}  // namespace
}  // namespace multi6d
