#include "known_local.hpp"

#include <algorithm>
#include <set>

#include "owned_ids.hpp"

namespace multi6d {

namespace {

// §3.3 rule 3: RIOs shorter than /40 never make known-local rows.
constexpr unsigned shortest_known_local_rio = 40;
// §3.3 rules 4 and 5: PIOs and addresses stand for their /48 (RFC 4193 §3.1:
// a ULA site prefix is a /48).
constexpr unsigned ula_site_length = 48;

class KnownLocalList {
  public:
    // Adds `p` unless it is there already.
    void add(const Prefix& p) {
        if (std::find(list_.begin(), list_.end(), p) == list_.end() &&
            list_.size() < max_known_local_prefixes) {
            list_.push_back(p);
        }
    }
    // Adds the /48 of `a` unless an entry covers it.
    void add_site_of(const Address& a) {
        if (!locally_assigned_ula_space().contains(a)) {
            return;
        }
        if (std::none_of(list_.begin(), list_.end(),
                         [&](const Prefix& k) { return k.contains(a); })) {
            add(Prefix(a, ula_site_length));
        }
    }
    std::vector<Prefix> take() { return std::move(list_); }

  private:
    std::vector<Prefix> list_;
};

}  // namespace

Prefix locally_assigned_ula_space() {
    return Prefix(Address(Address::Bytes{0xfd}), 8);
}

std::vector<Prefix> known_local_ulas(const HostModel& model) {
    KnownLocalList list;
    const Prefix fd00 = locally_assigned_ula_space();
    for (const auto& [ifindex, link] : model.links()) {  // rule 3 (and 2: RIOs first)
        for (const Router& router : link.routers) {
            for (const AdvertisedRoute& route : router.routes) {
                if (fd00.contains(route.prefix) &&
                    route.prefix.length() >= shortest_known_local_rio) {
                    list.add(route.prefix);
                }
            }
        }
    }
    for (const auto& [ifindex, link] : model.links()) {  // rule 4; rule 7: not deprecated
        for (const Router& router : link.routers) {
            for (const AdvertisedPrefix& pio : router.prefixes) {
                if (!pio.deprecated) {
                    list.add_site_of(pio.prefix.address());
                }
            }
        }
    }
    for (const auto& [ifindex, link] : model.links()) {  // rule 5
        for (const HostAddress& address : link.addresses) {
            if (address.usable()) {
                list.add_site_of(address.address);
            }
        }
    }
    return list.take();
}

PolicyTable address_selection_table(const AddressSelectionSettings& settings,
                                    const std::vector<Prefix>& known_local) {
    PolicyTable table = settings.table == PolicyTableChoice::Rfc6724
                            ? PolicyTable::rfc6724_default()
                            : PolicyTable::rfc6724_update_default();
    if (!settings.known_local_ula) {
        return table;
    }
    for (const Prefix& k : known_local) {
        // RFC 6724 §2.1: an automatic row never overrides a configured one
        // (none of the default rows is inside fd00::/8, so this is only a
        // guard).
        if (table.find_row(k) == nullptr) {
            table.set_row(PolicyRow{k, known_local_precedence, known_local_label});
        }
    }
    return table;
}

void add_known_local_labels(KernelState& state, const std::vector<Prefix>& known_local) {
    std::set<Prefix> labelled;
    for (const LabelRow& row : state.labels) {
        if (row.ifindex == 0) {
            labelled.insert(row.prefix);
        }
    }
    for (const Prefix& k : known_local) {
        if (labelled.contains(k)) {
            continue;  // a path or RIO row of the routing decision
        }
        const LabelRow* path_row = nullptr;
        for (const SourceRule& rule : state.rules) {  // priority order
            if (!k.contains(rule.source)) {
                continue;
            }
            const auto it = std::find_if(
                state.labels.begin(), state.labels.end(),
                [&](const LabelRow& r) { return r.prefix == rule.source && r.ifindex == 0; });
            if (it != state.labels.end()) {
                path_row = &*it;
                break;
            }
        }
        if (path_row == nullptr) {
            state.labels.insert(LabelRow{k, owned::known_local_label, 0});
            labelled.insert(k);
            continue;
        }
        const Prefix source = path_row->prefix;
        state.labels.insert(LabelRow{k, path_row->label, 0});
        labelled.insert(k);
        std::vector<PathRoute> mirrored;
        bool has_own = false;
        for (const PathRoute& route : state.routes) {
            if (route.table != owned::unbound_table || route.source.length() != 0) {
                continue;  // Rule 5.5 routes (rule55_routes.hpp) are per source
            }
            has_own = has_own || route.destination == k;
            if (route.destination == source) {
                PathRoute copy = route;
                copy.destination = k;
                mirrored.push_back(copy);
            }
        }
        if (!has_own) {
            state.routes.insert(mirrored.begin(), mirrored.end());
        }
    }
}

}  // namespace multi6d
