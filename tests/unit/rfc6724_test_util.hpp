// Helpers shared by the RFC 6724 unit tests.
#pragma once

#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "address.hpp"
#include "policy_table.hpp"
#include "source_selection.hpp"

namespace multi6d {

// Readable GoogleTest failure messages.
inline void PrintTo(const Address& a, std::ostream* os) {
    *os << a.to_string();
}
inline void PrintTo(const SourceCandidate& c, std::ostream* os) {
    *os << c.address.to_string() << "/" << c.prefix_length << (c.deprecated ? " deprecated" : "")
        << (c.temporary ? " temporary" : "") << (c.home ? " home" : "")
        << (c.care_of ? " care-of" : "") << " if" << c.interface;
}

}  // namespace multi6d

namespace multi6d::test {

inline Address addr(std::string_view text) {
    const auto a = Address::parse(text);
    if (!a) {
        throw std::invalid_argument("bad address in test: " + std::string(text));
    }
    return *a;
}

inline Prefix prefix(std::string_view text) {
    const auto p = Prefix::parse(text);
    if (!p) {
        throw std::invalid_argument("bad prefix in test: " + std::string(text));
    }
    return *p;
}

struct Flags {
    bool deprecated = false;
    bool temporary = false;
    bool home = false;
    bool care_of = false;
    int interface = 0;
};

// A candidate as RFC 6724 §10 assumes them: IPv6 prefixes are /64 (the
// IPv4 ones /24, i.e. 120 bits of the mapped form), preferred and public
// unless the flags say otherwise.
inline SourceCandidate candidate(std::string_view text, Flags f = {}) {
    SourceCandidate c;
    c.address = addr(text);
    c.prefix_length = c.address.is_v4_mapped() ? 120 : 64;
    c.deprecated = f.deprecated;
    c.temporary = f.temporary;
    c.home = f.home;
    c.care_of = f.care_of;
    c.interface = f.interface;
    return c;
}

inline PolicyRow row(std::string_view p, Precedence precedence, Label label) {
    return PolicyRow{prefix(p), precedence, label};
}

}  // namespace multi6d::test
