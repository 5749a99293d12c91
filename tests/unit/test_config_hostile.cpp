// Configuration text that used to crash or stall multi6d (issue 16): the
// bounds checked before toml++ sees the text (policy/toml_bounds.hpp), cut
// messages, and uplink checks that stay near-linear.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>

#include "config.hpp"
#include "config_parser.hpp"
#include "toml_bounds.hpp"

namespace multi6d {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

std::string dotted_key(std::size_t parts) {
    std::string key = "a";
    for (std::size_t i = 1; i < parts; ++i) {
        key += ".a";
    }
    return key;
}

// Finding 2: a 40,000-part dotted key overflowed the stack inside toml++
// (SIGSEGV at check, at reload and at the next start).
TEST(ConfigHostile, Issue16_DeepDottedKeyIsRefusedBeforeParsing) {
    Config config;
    const auto errors = apply_config_text(dotted_key(40000) + " = 1\n", "deep.toml", config);
    ASSERT_THAT(errors, SizeIs(1));
    EXPECT_EQ(errors[0].line, 1U);
    EXPECT_THAT(errors[0].to_string(),
                HasSubstr("deep.toml:1:32: a key of more than 16 dotted parts (the limit)"));
    EXPECT_EQ(config, Config{});
}

TEST(ConfigHostile, Issue16_DeepTableHeaderAndInlineTableKeysAreRefused) {
    Config config;
    EXPECT_THAT(apply_config_text("[" + dotted_key(40000) + "]\n", "h.toml", config), SizeIs(1));
    EXPECT_THAT(apply_config_text("[[" + dotted_key(40000) + "]]\n", "h.toml", config), SizeIs(1));
    const auto inline_key =
        apply_config_text("x = { b = 1, " + dotted_key(40000) + " = 2 }\n", "i.toml", config);
    ASSERT_THAT(inline_key, SizeIs(1));
    EXPECT_THAT(inline_key[0].message, HasSubstr("dotted parts"));
}

TEST(ConfigHostile, Issue16_DeepNestingIsRefusedBeforeParsing) {
    Config config;
    const std::string arrays = "x = " + std::string(40000, '[') + std::string(40000, ']') + "\n";
    const auto errors = apply_config_text(arrays, "nested.toml", config);
    ASSERT_THAT(errors, SizeIs(1));
    EXPECT_THAT(errors[0].message, HasSubstr("nested more than 16 deep"));
    std::string tables = "x = ";
    for (int i = 0; i < 40000; ++i) {
        tables += "{a=";
    }
    EXPECT_THAT(apply_config_text(tables + "1\n", "t.toml", config), SizeIs(1));
}

// What the scan must not refuse: dots and brackets inside strings and
// comments, floats, dates, dotted keys within the limit, multi-line arrays.
TEST(ConfigHostile, BoundsLetOrdinaryTextThrough) {
    const std::string text = R"(# a comment with [[[ and a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r
a.b.c = "x.y.z [[[{{{"
'quoted.key' = 'lit.eral'
"basic\".key" = """
multi.line [ { string
"""
lit = '''a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s'''
f = 1.5
d = 1979-05-27T07:32:00Z
arr = [
  1.0, 2.0, [3.0, [4.0]],
  { k.l = 1 },
]
[t.u.v]
[[w.x]]
)" + dotted_key(16) + " = 1\n";
    EXPECT_EQ(check_toml_bounds(text, "ok.toml"), std::nullopt);
    std::string empty_tables;
    for (int i = 0; i < 100; ++i) {
        empty_tables += "t" + std::to_string(i) + " = {}\n";
    }
    EXPECT_EQ(check_toml_bounds(empty_tables, "empty.toml"), std::nullopt);
    EXPECT_NE(check_toml_bounds(dotted_key(17) + " = 1\n", "no.toml"), std::nullopt);
}

// Finding 7: a configuration error echoed a 1 MB key in full.
TEST(ConfigHostile, Issue16_HugeKeyIsCutInMessages) {
    Config config;
    const std::string key(1024 * 1024, 'k');
    const auto errors = apply_config_text(key + " = 1\n", "huge.toml", config);
    ASSERT_THAT(errors, SizeIs(1));
    const std::string message = errors[0].to_string();
    EXPECT_LT(message.size(), 300U) << message.substr(0, 300);
    EXPECT_THAT(message, HasSubstr("...(1048576 characters): unknown key"));
}

std::string uplinks(std::size_t count) {
    std::string text;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string hex = [](std::size_t n) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "%zx", n);
            return std::string(buffer);
        }(i);
        text += "[[uplink]]\nname = \"u" + std::to_string(i) +
                "\"\nmatch_prefixes = [\"2001:db8:" + hex + "::/48\"]\n";
    }
    return text;
}

// CPU time of this thread, not wall time: on a loaded machine (parallel
// ctest, a package build beside other builds) wall time also counts the
// time the thread waited for a core, which made the ratio below flaky.
double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds_to_apply(const std::string& text) {
    double best = 1e9;
    for (int run = 0; run < 5; ++run) {
        Config config;
        const double start = thread_cpu_seconds();
        const auto errors = apply_config_text(text, "many.toml", config);
        const double took = thread_cpu_seconds() - start;
        EXPECT_TRUE(errors.empty()) << errors.front().to_string();
        best = std::min(best, took);
    }
    return best;
}

// Finding 3: checking 20,000 uplinks took 4 s (every pair compared). Eight
// times the uplinks must cost about eight times as much, not 64 times; the
// ratio (with room for noise), not a time, so the test holds on a slow,
// busy or sanitized build.
TEST(ConfigHostile, Issue16_TwentyThousandUplinksCheckNearLinear) {
    const double eighth = seconds_to_apply(uplinks(2500));
    const double full = seconds_to_apply(uplinks(20000));
    std::printf("2,500 uplinks: %.3f s, 20,000: %.3f s\n", eighth, full);
    EXPECT_LT(full, 24 * eighth);
}

TEST(ConfigHostile, PrefixInTwoUplinksIsStillReported) {
    Config config;
    const auto errors = apply_config_text(
        uplinks(3) + "[[uplink]]\nname = \"dup\"\nmatch_prefixes = [\"2001:db8:1::/48\"]\n",
        "dup.toml", config);
    ASSERT_THAT(errors, SizeIs(1));
    EXPECT_THAT(errors[0].to_string(),
                HasSubstr("2001:db8:1::/48 is also in match_prefixes of uplink \"u1\""));
}

}  // namespace
}  // namespace multi6d
