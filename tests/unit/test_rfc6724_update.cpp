// draft-ietf-6man-rfc6724-update: the updated default table (§3.1), the
// RFC 6724 §10 vectors whose result or deciding rule the update changes,
// and the draft's own examples (§5.3, §5.5). Each vector also runs against
// RFC 6724's table where the point is that the result differs.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "destination_ordering.hpp"
#include "rfc6724_test_util.hpp"

namespace multi6d {
namespace {

using test::addr;
using test::candidate;
using test::prefix;
using test::row;

struct Expected {
    const char* destination;
    const char* source;
};

// Orders `destinations` (given order and reversed: every vector is decided
// before Rule 10) and checks the order, the sources and the deciding rule.
void expect_order(const std::vector<SourceCandidate>& sources,
                  const std::vector<const char*>& destinations, const std::vector<Expected>& order,
                  int rule, const PolicyTable& table) {
    DestinationOrderingContext ctx;
    ctx.source_selection.policy = &table;
    std::vector<Address> input;
    for (const char* d : destinations) {
        input.push_back(addr(d));
    }
    for (const bool reversed : {false, true}) {
        SCOPED_TRACE(reversed ? "destinations reversed" : "destinations in order");
        if (reversed) {
            std::reverse(input.begin(), input.end());
        }
        const auto got = order_destinations(input, sources, ctx);
        ASSERT_EQ(got.size(), order.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            SCOPED_TRACE("entry " + std::to_string(i));
            EXPECT_EQ(got[i].destination, addr(order[i].destination));
            ASSERT_TRUE(got[i].source);
            EXPECT_EQ(got[i].source->address, addr(order[i].source));
        }
        EXPECT_EQ(got.front().rule, rule);
    }
}

PolicyTable update_table() {
    return PolicyTable::rfc6724_update_default();
}

// The update's table with the known-local rows a host learns (§3.3 rule 6).
PolicyTable update_with_known_local(const std::vector<const char*>& known_local) {
    PolicyTable t = PolicyTable::rfc6724_update_default();
    for (const char* k : known_local) {
        t.set_row(row(k, known_local_precedence, known_local_label));
    }
    return t;
}

TEST(Rfc6724UpdateTable, IsTheDraftsTable) {
    const PolicyTable expected({
        row("::1/128", 50, 0),
        row("::/0", 40, 1),
        row("fc00::/7", 30, 13),
        row("::ffff:0:0/96", 20, 4),
        row("2002::/16", 5, 2),
        row("2001::/32", 5, 5),
        row("::/96", 1, 3),
        row("fec0::/10", 1, 11),
        row("3ffe::/16", 1, 12),
    });
    EXPECT_EQ(PolicyTable::rfc6724_update_default(), expected);
    EXPECT_EQ(known_local_precedence, 45U);
    EXPECT_EQ(known_local_label, 14U);
}

TEST(Rfc6724UpdateTable, ChangesOnlyThreePrecedencesOfRfc6724) {
    const PolicyTable old_table = PolicyTable::rfc6724_default();
    const PolicyTable new_table = PolicyTable::rfc6724_update_default();
    ASSERT_EQ(old_table.rows().size(), new_table.rows().size());
    for (const PolicyRow& r : old_table.rows()) {
        SCOPED_TRACE(r.prefix.to_string());
        const PolicyRow* updated = new_table.find_row(r.prefix);
        ASSERT_NE(updated, nullptr);
        EXPECT_EQ(updated->label, r.label);  // no label changes
    }
    EXPECT_EQ(new_table.precedence(addr("fd00::1")), 30U);
    EXPECT_EQ(old_table.precedence(addr("fd00::1")), 3U);
    EXPECT_EQ(new_table.precedence(addr("192.0.2.1")), 20U);
    EXPECT_EQ(old_table.precedence(addr("192.0.2.1")), 35U);
    EXPECT_EQ(new_table.precedence(addr("2002:c633:6401::1")), 5U);
    EXPECT_EQ(old_table.precedence(addr("2002:c633:6401::1")), 30U);
}

// RFC 6724 §10.6 sources: a GUA and a ULA of the host's own site.
std::vector<SourceCandidate> section_10_6_sources() {
    return {candidate("2001:db8:1::1"), candidate("fd11:1111:1111:1::1")};
}

// §10.6 U1 under the update: the host's own ULA makes fd11:1111:1111::/48
// known-local (§3.3 rule 5), so the ULA source has label 14 and fd22::2
// label 13. Same order as RFC 6724's U1, now decided by Rule 5, not 6.
TEST(Rfc6724UpdateVectors, U1RemoteUlaLosesOnLabelNotPrecedence) {
    const PolicyTable t = update_with_known_local({"fd11:1111:1111::/48"});
    expect_order(
        section_10_6_sources(), {"2001:db8:2::2", "fd22:2222:2222:2::2"},
        {{"2001:db8:2::2", "2001:db8:1::1"}, {"fd22:2222:2222:2::2", "fd11:1111:1111:1::1"}}, 5, t);
}

// §10.6 U3 becomes the default: a destination in the host's own ULA site
// now comes before a GUA (45 > 40); RFC 6724's table ordered it last.
TEST(Rfc6724UpdateVectors, U3KnownLocalUlaBeforeGuaByDefault) {
    const PolicyTable t = update_with_known_local({"fd11:1111:1111::/48"});
    expect_order(
        section_10_6_sources(), {"2001:db8:2::2", "fd11:1111:1111:2::2"},
        {{"fd11:1111:1111:2::2", "fd11:1111:1111:1::1"}, {"2001:db8:2::2", "2001:db8:1::1"}}, 6, t);
    expect_order(
        section_10_6_sources(), {"2001:db8:2::2", "fd11:1111:1111:2::2"},
        {{"2001:db8:2::2", "2001:db8:1::1"}, {"fd11:1111:1111:2::2", "fd11:1111:1111:1::1"}}, 6,
        PolicyTable::rfc6724_default());
}

// §1.1 / §5.4: ULA-ULA before IPv4-IPv4. RFC 6724 put IPv4 (35) above every
// ULA (3); the update puts general ULAs (30) and known-local ones (45) above
// IPv4 (20).
TEST(Rfc6724UpdateVectors, UlaBeforeIpv4) {
    const std::vector<SourceCandidate> sources{candidate("fd11:1111:1111:1::1"),
                                               candidate("10.1.2.4")};
    const std::vector<const char*> destinations{"10.1.2.3", "fd11:1111:1111:2::2"};
    const std::vector<Expected> ula_first{{"fd11:1111:1111:2::2", "fd11:1111:1111:1::1"},
                                          {"10.1.2.3", "10.1.2.4"}};
    expect_order(sources, destinations, ula_first, 6,
                 update_with_known_local({"fd11:1111:1111::/48"}));
    expect_order(sources, destinations, ula_first, 6, update_table());  // known_local_ula off
    expect_order(sources, destinations,
                 {{"10.1.2.3", "10.1.2.4"}, {"fd11:1111:1111:2::2", "fd11:1111:1111:1::1"}}, 6,
                 PolicyTable::rfc6724_default());
}

// §1.2: 6to4 demoted to Teredo's precedence (5), below general ULAs (30);
// RFC 6724 had 6to4 (30) above ULAs (3).
TEST(Rfc6724UpdateVectors, UlaBefore6to4) {
    const std::vector<SourceCandidate> sources{candidate("2002:c633:6401::2"),
                                               candidate("fd11:1111:1111:1::1")};
    const std::vector<const char*> destinations{"2002:c633:6401::1", "fd22:2222:2222:2::2"};
    expect_order(sources, destinations,
                 {{"fd22:2222:2222:2::2", "fd11:1111:1111:1::1"},
                  {"2002:c633:6401::1", "2002:c633:6401::2"}},
                 6, update_table());
    expect_order(sources, destinations,
                 {{"2002:c633:6401::1", "2002:c633:6401::2"},
                  {"fd22:2222:2222:2::2", "fd11:1111:1111:1::1"}},
                 6, PolicyTable::rfc6724_default());
}

// §5.2: GUA-GUA stays before a general (not known-local) ULA pair.
TEST(Rfc6724UpdateVectors, GuaBeforeGeneralUla) {
    expect_order(
        section_10_6_sources(), {"fd22:2222:2222:2::2", "2001:db8:2::2"},
        {{"2001:db8:2::2", "2001:db8:1::1"}, {"fd22:2222:2222:2::2", "fd11:1111:1111:1::1"}}, 6,
        update_table());
}

// §5.3's example: host A (ULA1::1, GUA1:1::1) to host B (ULA2::1,
// GUA1:2::1), both ULA /48s known-local through RIOs: the ULA pair wins
// (labels 14 = 14, precedence 45 > 40).
TEST(Rfc6724UpdateVectors, DraftExampleKnownLocalPairBeforeGua) {
    const PolicyTable t = update_with_known_local({"fdaa:1:1::/48", "fdbb:2:2::/48"});
    expect_order({candidate("fdaa:1:1::1"), candidate("2001:db8:1:1::1")},
                 {"2001:db8:1:2::1", "fdbb:2:2::1"},
                 {{"fdbb:2:2::1", "fdaa:1:1::1"}, {"2001:db8:1:2::1", "2001:db8:1:1::1"}}, 6, t);
}

// §5.3, host C: its ULA3 /48 is not known-local (label 13 against A's 14),
// so the GUA pair wins on Rule 5.
TEST(Rfc6724UpdateVectors, DraftExampleUnknownUlaLosesToGua) {
    const PolicyTable t = update_with_known_local({"fdaa:1:1::/48", "fdbb:2:2::/48"});
    expect_order({candidate("fdaa:1:1::1"), candidate("2001:db8:1:1::1")},
                 {"fdcc:3:3::1", "2001:db8:2:1::1"},
                 {{"2001:db8:2:1::1", "2001:db8:1:1::1"}, {"fdcc:3:3::1", "fdaa:1:1::1"}}, 5, t);
}

// §5.5: IPv4-IPv4 before a ULA source with a GUA destination (Rule 5:
// label 14 against 1), despite the GUA's higher precedence.
TEST(Rfc6724UpdateVectors, DraftExampleIpv4BeforeUlaToGua) {
    const PolicyTable t = update_with_known_local({"fdaa:1:1::/48"});
    expect_order({candidate("fdaa:1:1::1"), candidate("10.1.2.4")}, {"2001:db8:2::2", "10.1.2.3"},
                 {{"10.1.2.3", "10.1.2.4"}, {"2001:db8:2::2", "fdaa:1:1::1"}}, 5, t);
}

// The engine's default (no table given) is the update's table.
TEST(Rfc6724UpdateVectors, EngineDefaultIsTheUpdate) {
    SourceSelectionContext ctx;
    EXPECT_EQ(ctx.table(), PolicyTable::rfc6724_update_default());
}

}  // namespace
}  // namespace multi6d
