#include "kernel_writer.hpp"

#include <linux/fib_rules.h>
#include <linux/if_addrlabel.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "addrlabel.hpp"
#include "fib_rule.hpp"
#include "owned_ids.hpp"
#include "route_message.hpp"

namespace multi6d {

namespace {

// A dump interrupted by a concurrent change is repeated; the kernel sets
// NLM_F_DUMP_INTR only while tables change under it, so a few tries do.
constexpr int dump_attempts = 5;

template <typename Item, typename Parse>
std::vector<Item> dump_all(NetlinkSocket& socket, int type, const void* header,
                           std::size_t header_size, Parse parse, const std::string& what) {
    std::vector<Item> items;
    for (int attempt = 0; attempt < dump_attempts; ++attempt) {
        items.clear();
        const bool complete = socket.dump(
            type, header, header_size, [&](nlmsghdr* hdr) { parse(hdr, items); }, what);
        if (complete) {
            return items;
        }
    }
    throw KernelError(what + ": dump interrupted " + std::to_string(dump_attempts) +
                          " times by concurrent changes",
                      EINTR);
}

std::vector<DumpedRoute> dump_routes(NetlinkSocket& socket) {
    rtmsg header{};
    header.rtm_family = AF_INET6;
    return dump_all<DumpedRoute>(
        socket, RTM_GETROUTE, &header, sizeof header,
        [](nlmsghdr* hdr, std::vector<DumpedRoute>& out) {
            for (DumpedRoute& route : parse_route(hdr)) {
                out.push_back(route);
            }
        },
        "dump IPv6 routes");
}

std::vector<ParsedRule> dump_rules(NetlinkSocket& socket) {
    fib_rule_hdr header{};
    header.family = AF_INET6;
    return dump_all<ParsedRule>(
        socket, RTM_GETRULE, &header, sizeof header,
        [](nlmsghdr* hdr, std::vector<ParsedRule>& out) {
            if (auto rule = parse_rule(hdr)) {
                out.push_back(*rule);
            }
        },
        "dump IPv6 rules");
}

RuleSpec suppress_rule_spec() {
    RuleSpec spec;
    spec.priority = owned::suppress_rule_priority;
    spec.table = TableId{RT_TABLE_MAIN};
    spec.suppress_prefixlength = 0;
    spec.protocol = owned::route_protocol;
    return spec;
}

std::string describe_suppress_rule() {
    return to_string(owned::suppress_rule_priority) +
           ": from all lookup main suppress_prefixlength 0";
}

bool is_suppress_rule(const ParsedRule& rule) {
    return rule.plain && rule.spec.priority == owned::suppress_rule_priority &&
           rule.spec.table == TableId{RT_TABLE_MAIN} && rule.spec.source.length() == 0 &&
           rule.spec.suppress_prefixlength == 0U;
}

void refuse(const std::string& what, const std::string& why) {
    throw KernelError(what + ": " + why, 0);
}

template <typename Id>
std::string range_text(const IdRange<Id>& range) {
    return to_string(range.first) + "-" + to_string(range.last);
}

void check_owned_table(const std::string& what, TableId table) {
    if (!owned::tables.contains(table)) {
        refuse(what, "table " + to_string(table) + " outside the owned range " +
                         range_text(owned::tables));
    }
}

void check_rule(const std::string& what, const SourceRule& rule) {
    if (!owned::source_rule_priorities.contains(rule.priority)) {
        refuse(what, "priority " + to_string(rule.priority) + " outside the source-rule range " +
                         range_text(owned::source_rule_priorities));
    }
    if (!rule.unreachable) {
        check_owned_table(what, rule.table);
    }
}

void check_label(const std::string& what, const LabelRow& row) {
    if (!owned::labels.contains(row.label)) {
        refuse(what, "label " + to_string(row.label) + " outside the owned range " +
                         range_text(owned::labels));
    }
}

RuleSpec source_rule_spec(const SourceRule& rule) {
    RuleSpec spec;
    spec.priority = rule.priority;
    spec.source = rule.source;
    spec.table = rule.unreachable ? TableId{} : rule.table;
    spec.protocol = owned::route_protocol;
    spec.uids = rule.uids;
    spec.unreachable = rule.unreachable;
    return spec;
}

}  // namespace

int KernelWriter::run(nl_msg* msg, const std::string& what, std::initializer_list<int> ignored) {
    const NetlinkSocket::Answer answer = socket_.request(msg, what);
    if (answer.error != 0 &&
        std::find(ignored.begin(), ignored.end(), answer.error) == ignored.end()) {
        throw KernelError(what + ": " + describe_error(answer), answer.error);
    }
    return answer.error;
}

// --- routes ----------------------------------------------------------------

void KernelWriter::add_route(const PathRoute& route) {
    const std::string what = "add route " + describe(route);
    check_owned_table(what, route.table);
    NlMsg msg = build_route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route,
                                    owned::route_protocol);
    run(msg.get(), what, {});
}

void KernelWriter::delete_route(const PathRoute& route) {
    const std::string what = "delete route " + describe(route);
    check_owned_table(what, route.table);
    // rtm_protocol in a delete request must match (ip6_route_del()), so a
    // foreign route with the same key is never removed.
    NlMsg msg = build_route_request(RTM_DELROUTE, 0, route, owned::route_protocol);
    run(msg.get(), what, {ESRCH, ENOENT});
}

bool KernelWriter::probe_source_routes(std::string& why) {
    constexpr int loopback_ifindex = 1;  // LOOPBACK_IFINDEX in every namespace
    const PathRoute probe{owned::unbound_table,
                          *Prefix::parse("2001:db8:ffff:ffff::/64"),
                          Address(),
                          loopback_ifindex,
                          1024,
                          *Prefix::parse("2001:db8:ffff:fffe::/64")};
    try {
        add_route(probe);
    } catch (const KernelError& e) {
        why = e.what();
        return false;
    }
    delete_route(probe);
    return true;
}

// --- rules -----------------------------------------------------------------

void KernelWriter::add_rule(const SourceRule& rule) {
    const std::string what = "add rule " + describe(rule);
    check_rule(what, rule);
    // NLM_F_EXCL: without it the kernel adds a duplicate of an existing rule.
    NlMsg msg = build_rule_request(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, source_rule_spec(rule));
    run(msg.get(), what, {EEXIST});
}

void KernelWriter::delete_rule(const SourceRule& rule) {
    const std::string what = "delete rule " + describe(rule);
    check_rule(what, rule);
    NlMsg msg = build_rule_request(RTM_DELRULE, 0, source_rule_spec(rule));
    run(msg.get(), what, {ENOENT, ESRCH});
}

void KernelWriter::add_suppress_rule() {
    NlMsg msg = build_rule_request(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, suppress_rule_spec());
    run(msg.get(), "add rule " + describe_suppress_rule(), {EEXIST});
}

void KernelWriter::delete_suppress_rule() {
    NlMsg msg = build_rule_request(RTM_DELRULE, 0, suppress_rule_spec());
    run(msg.get(), "delete rule " + describe_suppress_rule(), {ENOENT, ESRCH});
}

// --- labels ----------------------------------------------------------------

std::vector<LabelRow> KernelWriter::dump_labels() {
    ifaddrlblmsg header{};
    header.ifal_family = AF_INET6;
    return dump_all<LabelRow>(
        socket_, RTM_GETADDRLABEL, &header, sizeof header,
        [](nlmsghdr* hdr, std::vector<LabelRow>& out) {
            if (auto row = parse_label(hdr)) {
                out.push_back(*row);
            }
        },
        "dump address labels");
}

namespace {
const LabelRow* find_row(const std::vector<LabelRow>& rows, const LabelRow& key) {
    for (const LabelRow& row : rows) {
        if (row.prefix == key.prefix && row.ifindex == key.ifindex) {
            return &row;
        }
    }
    return nullptr;
}
}  // namespace

void KernelWriter::add_label(const LabelRow& row) {
    const std::string what = "add address label " + describe(row);
    check_label(what, row);
    NlMsg msg = build_label_request(RTM_NEWADDRLABEL, NLM_F_CREATE | NLM_F_EXCL, row);
    if (run(msg.get(), what, {EEXIST}) == EEXIST) {
        const std::vector<LabelRow> rows = dump_labels();
        const LabelRow* current = find_row(rows, row);
        if (current == nullptr || current->label != row.label) {
            throw KernelError(what + ": " + std::strerror(EEXIST) + " (the row has label " +
                                  (current ? to_string(current->label) : "?") + ")",
                              EEXIST);
        }
    }
}

void KernelWriter::replace_label(const LabelRow& row) {
    const std::string what = "replace address label " + describe(row);
    check_label(what, row);
    NlMsg msg = build_label_request(RTM_NEWADDRLABEL, NLM_F_CREATE | NLM_F_REPLACE, row);
    run(msg.get(), what, {});
}

void KernelWriter::delete_label(const LabelRow& row) {
    const std::string what = "delete address label " + describe(row);
    check_label(what, row);
    // The kernel deletes by (prefix, ifindex) whatever the label, so look
    // first: a row someone else set since must survive.
    const std::vector<LabelRow> rows = dump_labels();
    const LabelRow* current = find_row(rows, row);
    if (current == nullptr || current->label != row.label) {
        return;
    }
    const auto builtin = row.ifindex == 0 ? builtin_label(row.prefix) : std::nullopt;
    if (builtin) {
        LabelRow original = row;
        original.label = *builtin;
        NlMsg msg = build_label_request(RTM_NEWADDRLABEL, NLM_F_CREATE | NLM_F_REPLACE, original);
        run(msg.get(), what + " (restore built-in label " + to_string(*builtin) + ")", {});
        return;
    }
    NlMsg msg = build_label_request(RTM_DELADDRLABEL, 0, row);
    run(msg.get(), what, {ESRCH, ENOENT});
}

// --- owned state -----------------------------------------------------------

OwnedState KernelWriter::dump_owned(const LabelFilter& is_ours) {
    OwnedState state;
    for (const DumpedRoute& dumped : dump_routes(socket_)) {
        if (dumped.protocol == owned::route_protocol) {
            state.routes.push_back(dumped.route);
        }
    }
    for (const ParsedRule& rule : dump_rules(socket_)) {
        // Both marks: a rule at one of our priorities that another program
        // added (without protocol 196) is not ours to remove.
        if (!owned::rule_priorities.contains(rule.spec.priority) ||
            rule.spec.protocol != owned::route_protocol) {
            continue;
        }
        if (is_suppress_rule(rule) && !state.suppress_rule) {
            state.suppress_rule = true;
        } else if (rule.plain && !rule.spec.suppress_prefixlength &&
                   owned::source_rule_priorities.contains(rule.spec.priority)) {
            state.rules.push_back(SourceRule{rule.spec.priority, rule.spec.source,
                                             rule.spec.unreachable ? TableId{} : rule.spec.table,
                                             rule.spec.uids, rule.spec.unreachable});
        } else {
            state.other_rules.push_back(rule.spec.priority);
        }
    }
    state.labels = owned_labels(is_ours);
    std::sort(state.routes.begin(), state.routes.end());
    std::sort(state.rules.begin(), state.rules.end());
    std::sort(state.other_rules.begin(), state.other_rules.end());
    std::sort(state.labels.begin(), state.labels.end());
    return state;
}

std::vector<LabelRow> KernelWriter::owned_labels(const LabelFilter& is_ours) {
    std::vector<LabelRow> labels;
    for (const LabelRow& row : dump_labels()) {
        if (owned::labels.contains(row.label) && (!is_ours || is_ours(row))) {
            labels.push_back(row);
        }
    }
    std::sort(labels.begin(), labels.end());
    return labels;
}

void KernelWriter::remove_owned(const LabelFilter& is_ours) {
    const OwnedState state = dump_owned(is_ours);
    std::vector<std::string> failures;
    auto attempt = [&](auto&& action) {
        try {
            action();
        } catch (const KernelError& error) {
            failures.emplace_back(error.what());
        }
    };
    // Rules first, so no traffic is steered into a table being emptied.
    std::vector<RulePriority> priorities = state.other_rules;
    for (const SourceRule& rule : state.rules) {
        priorities.push_back(rule.priority);
    }
    if (state.suppress_rule) {
        priorities.push_back(owned::suppress_rule_priority);
    }
    // One delete per dumped rule: a delete by priority alone removes the
    // first rule at that priority, whatever its shape.
    for (RulePriority priority : priorities) {
        attempt([&] {
            NlMsg msg = build_rule_delete_by_priority(priority, owned::route_protocol);
            run(msg.get(), "delete rule at priority " + to_string(priority), {ENOENT, ESRCH});
        });
    }
    for (const PathRoute& route : state.routes) {
        attempt([&] {
            // Not delete_route(): a leftover may sit outside today's tables.
            NlMsg msg = build_route_request(RTM_DELROUTE, 0, route, owned::route_protocol);
            run(msg.get(), "delete route " + describe(route), {ESRCH, ENOENT});
        });
    }
    for (const LabelRow& row : state.labels) {
        attempt([&] { delete_label(row); });
    }
    if (!failures.empty()) {
        std::string message =
            "remove owned kernel state: " + std::to_string(failures.size()) + " failure(s): ";
        for (std::size_t i = 0; i < failures.size(); ++i) {
            message += (i ? "; " : "") + failures[i];
        }
        throw KernelError(message, 0);
    }
}

// --- RA default routes -----------------------------------------------------

std::vector<PathRoute> KernelWriter::kernel_ra_default_routes(int ifindex) {
    std::vector<PathRoute> routes;
    for (const DumpedRoute& dumped : dump_routes(socket_)) {
        const PathRoute& route = dumped.route;
        if (dumped.protocol == RTPROT_RA && dumped.type == RTN_UNICAST &&
            route.table == TableId{RT_TABLE_MAIN} && route.destination.length() == 0 &&
            route.source.length() == 0 && route.ifindex == ifindex) {
            routes.push_back(route);
        }
    }
    std::sort(routes.begin(), routes.end());
    return routes;
}

void KernelWriter::delete_ra_default_route(const PathRoute& route) {
    const std::string what = "delete RA default route " + describe(route);
    if (route.table != TableId{RT_TABLE_MAIN} || route.destination.length() != 0) {
        refuse(what, "not a default route in the main table");
    }
    NlMsg msg = build_route_request(RTM_DELROUTE, 0, route, RTPROT_RA);
    run(msg.get(), what, {ESRCH, ENOENT});
}

}  // namespace multi6d
