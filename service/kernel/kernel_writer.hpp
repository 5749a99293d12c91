// KernelWriter: the only code in multi6d that changes kernel routing state
// (routes, policy rules, address labels), DESIGN.md §3 steps 2-3 and §5.
//
// Everything it writes carries an owned mark (policy/owned_ids.hpp): routes have
// protocol 196 and live in tables 6600-6855, rules have priorities
// 6600-6855, label rows have labels 6600-6855. Requests outside those
// ranges are refused, so dump_owned() always finds everything written.
//
// Every call is one synchronous netlink exchange (or a few): it returns once
// the kernel has acknowledged, or throws KernelError naming the operation,
// the object and the kernel's reason. Adds and deletes are idempotent, so a
// reconciler can resend a whole diff after a partial failure.
//
// Works in the network namespace of the thread that constructs it.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "kernel_objects.hpp"
#include "netlink_socket.hpp"

namespace multi6d {

class KernelWriter {
  public:
    KernelWriter() = default;

    // --- routes (IPv6, protocol owned::route_protocol) -------------------
    // Creates the route, or replaces the one with the same (table,
    // destination, source, metric): re-adding is a no-op, and a new gateway
    // or interface takes effect in one step (NLM_F_REPLACE). The table must
    // be an owned table.
    void add_route(const PathRoute& route);
    // Deletes the protocol-196 route matching every field; none is fine.
    void delete_route(const PathRoute& route);

    // --- rules (IPv6, FRA_PROTOCOL owned::route_protocol) -----------------
    // `from <source> lookup <table>` at priority 6601..6855, table owned. An
    // identical rule already there is fine. The kernel allows several rules
    // at one priority, so replacing a rule means delete_rule(old) first.
    void add_rule(const SourceRule& rule);
    // Deletes that exact rule; none is fine.
    void delete_rule(const SourceRule& rule);
    // `lookup main suppress_prefixlength 0` at owned::suppress_rule_priority:
    // main's on-link and more-specific routes keep working, main's default
    // routes are skipped so the source rules below decide (DESIGN.md §2).
    void add_suppress_rule();
    void delete_suppress_rule();

    // --- address labels (RFC 6724 §2.1 policy table) ---------------------
    // The label must be an owned label. add_label() creates the row; a row
    // for the same (prefix, ifindex) with the same label is fine, one with
    // another label is an error (EEXIST; use replace_label()).
    void add_label(const LabelRow& row);
    // Creates the row or overwrites the label of the (prefix, ifindex) row,
    // even a kernel built-in one (NLM_F_REPLACE). What it overwrote is not
    // remembered: only built-in rows can be given back (delete_label()).
    void replace_label(const LabelRow& row);
    // Gives the row back if it carries row.label: a prefix that has a row in
    // the kernel's built-in table (e.g. ::/0, label 1) gets that label back,
    // any other row is removed. A missing row or one with another label is
    // left alone.
    void delete_label(const LabelRow& row);

    // --- what the kernel can hold -----------------------------------------
    // Whether the kernel takes source-specific routes (RTA_SRC; built with
    // CONFIG_IPV6_SUBTREES): adds a `from` route to a documentation prefix
    // (RFC 3849) via lo in the unbound-lookups table and deletes it again.
    // Only multi6d's table changes, for one netlink round trip, and nothing
    // is ever sent to that prefix. Without subtrees the kernel refuses the
    // add (EINVAL, "Specifying source address requires IPV6_SUBTREES to be
    // enabled"); `why` then holds the kernel's reason.
    bool probe_source_routes(std::string& why);

    // --- owned state -----------------------------------------------------
    // Reads back everything carrying an owned mark: IPv6 routes with
    // protocol 196 in any table, IPv6 rules in the priority range, label rows
    // with a label in the range. Sorted. Not a cache: three dumps per call.
    // A label row carries no mark of its own in the kernel (ifaddrlblmsg has
    // none): `is_ours`, when given, says which rows in the range multi6d
    // wrote (LinuxKernelPort keeps a record); the others are left alone.
    using LabelFilter = std::function<bool(const LabelRow&)>;
    OwnedState dump_owned(const LabelFilter& is_ours = {});
    // The label rows with an owned label (and, given `is_ours`, recorded as
    // multi6d's) only: one dump, sorted.
    std::vector<LabelRow> owned_labels(const LabelFilter& is_ours = {});
    // Removes all that dump_owned() finds (label rows as in delete_label()),
    // for leftovers at start and at stop. Tries every object; if any fails,
    // throws one KernelError listing the failures afterwards.
    void remove_owned(const LabelFilter& is_ours = {});

    // --- the kernel's own RA default routes ------------------------------
    // Default routes (::/0, no source) in the main table with protocol ra
    // (RTPROT_RA, 9) via interface `ifindex`: what the kernel installed from
    // RAs before multi6d set accept_ra_defrtr=0 (RFC 4861 §6.3.4).
    std::vector<PathRoute> kernel_ra_default_routes(int ifindex);
    // Deletes one of those (table must be main); already gone is fine.
    void delete_ra_default_route(const PathRoute& route);

  private:
    // Sends msg; errno values in `ignored` count as success. Returns the
    // errno (0 or an ignored one).
    int run(nl_msg* msg, const std::string& what, std::initializer_list<int> ignored);
    std::vector<LabelRow> dump_labels();

    NetlinkSocket socket_;
};

}  // namespace multi6d
