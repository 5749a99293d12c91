// The daemon's intake (daemon.hpp): Router Advertisements from the RA
// socket and links and addresses from rtnetlink, into the host model. What
// the model says changed schedules a decision.
#include <linux/if_addr.h>

#include "daemon.hpp"
#include "interface_name.hpp"
#include "log.hpp"
#include "path_supervisor.hpp"
#include "ra_parser.hpp"
#include "router_solicitation.hpp"

namespace multi6d {

namespace {

AddressUpdate to_address_update(const AddressInfo& info) {
    AddressUpdate update;
    update.address = info.address;
    update.prefix_len = info.prefix_length;
    update.flags.tentative = (info.flags & IFA_F_TENTATIVE) != 0;
    update.flags.deprecated = (info.flags & IFA_F_DEPRECATED) != 0;
    update.flags.temporary = (info.flags & IFA_F_TEMPORARY) != 0;
    update.flags.dadfailed = (info.flags & IFA_F_DADFAILED) != 0;
    update.flags.permanent = (info.flags & IFA_F_PERMANENT) != 0;
    update.valid_lifetime = info.valid_lifetime;
    update.preferred_lifetime = info.preferred_lifetime;
    return update;
}

}  // namespace

bool Daemon::is_managed(int ifindex) const {
    if (config_.managed_links.empty()) {
        return true;
    }
    const Link* link = model_.link(ifindex);
    if (link == nullptr) {
        return false;
    }
    for (const auto& name : config_.managed_links) {
        if (name == link->name) {
            return true;
        }
    }
    return false;
}

void Daemon::solicit_routers(int ifindex) {
    static const std::vector<std::uint8_t> solicitation = build_router_solicitation(std::nullopt);
    try {
        ndisc_->send_to_all_routers(ifindex, solicitation);
        log::debug("sent Router Solicitation on " + interface_text(ifindex));
    } catch (const std::exception& e) {
        log::warning(e.what());
    }
}

void Daemon::on_ra_readable() {
    ReceivedNdisc packet;
    for (int budget = 64; budget > 0 && ndisc_->receive(packet); --budget) {
        if (!is_managed(packet.ifindex)) {
            continue;
        }
        ++counters_.router_advertisements_received;
        const std::string where =
            " from " + packet.source.to_string() + " on " + interface_text(packet.ifindex);
        const ParseResult parsed =
            parse_router_advertisement(packet.icmp6, packet.source, packet.hop_limit);
        if (!parsed) {
            ++counters_.router_advertisements_rejected;
            log::debug("ignored RA" + where + ": " + parsed.rejection().text);
            continue;
        }
        const RouterAdvertisement& ra = parsed.advertisement().ra;
        for (const auto& note : parsed.advertisement().notes) {
            log::debug("RA" + where + ": ignored option: " + note.text);
        }
        if (log::enabled(log::Level::Debug)) {
            log::debug("RA" + where + ": router lifetime " + std::to_string(ra.router_lifetime) +
                       " s, preference " + std::string(to_string(ra.preference)) + ", " +
                       std::to_string(ra.prefixes.size()) + " prefix(es), " +
                       std::to_string(ra.routes.size()) + " route(s), " +
                       std::to_string(ra.dns_servers.size()) + " RDNSS option(s)");
        }
        absorb(model_.apply(packet.ifindex, ra, loop_.now()));
    }
}

void Daemon::on_link(const LinkInfo& link) {
    if (link.loopback) {
        return;
    }
    const Link* known = model_.link(link.ifindex);
    const bool came_up = link.up && (known == nullptr || !known->up);
    absorb(model_.set_link(link.ifindex, link.name, link.up));
    if (came_up && ndisc_ && is_managed(link.ifindex)) {
        solicit_routers(link.ifindex);
    }
}

void Daemon::on_link_removed(int ifindex) {
    absorb(model_.remove_link(ifindex));
}

void Daemon::on_address(const AddressInfo& address) {
    if (address.address.is_v4_mapped() || model_.link(address.ifindex) == nullptr) {
        return;
    }
    absorb(model_.set_address(address.ifindex, to_address_update(address), loop_.now()));
}

void Daemon::on_address_removed(int ifindex, const Address& address) {
    absorb(model_.remove_address(ifindex, address));
}

void Daemon::absorb(ModelUpdate update) {
    for (const auto& note : update.notes) {
        const std::string where = note.ifindex != 0 ? interface_text(note.ifindex) + ": " : "";
        switch (note.kind) {
            case NoteKind::LimitReached:
                // Every RA of a router past a limit says it again.
                limit_log_.write(log::Level::Warning, where + note.text);
                break;
            case NoteKind::Expired:
                log::info(where + note.text);
                break;
            case NoteKind::Ignored:
            case NoteKind::UnknownLink:
                log::debug(where + note.text);
                break;
        }
    }
    if (update.routing_changed) {
        schedule_reconcile();  // reconcile() also brings the prober up to date
    } else if (update.dns_changed && paths_) {
        paths_->update(model_);  // RDNSS servers are probe targets
    }
    arm_expiry_timer();
}

void Daemon::arm_expiry_timer() {
    const auto next = model_.next_expiry();
    if (!next) {
        expiry_timer_.reset();
        return;
    }
    expiry_timer_ = loop_.add_timer(*next, [this] { absorb(model_.expire(loop_.now())); });
}

}  // namespace multi6d
