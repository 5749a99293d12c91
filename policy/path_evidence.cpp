#include "path_evidence.hpp"

namespace multi6d {

void PathEvidence::record_loss(const ProbeLoss& loss) {
    ++losses_;
    if (answered_) {
        return;  // the monitor's loss rules judge a path that answered
    }
    if (loss.icmp_error) {
        ++evidenced_losses_;
        last_evidence_ =
            "probe to " + loss.target.to_string() + " ended by ICMPv6 " + *loss.icmp_error;
    } else if (loss.kind == ProbeTargetKind::Upstream && loss.upstream_answered_elsewhere) {
        ++evidenced_losses_;
        last_evidence_ = "upstream probe to " + loss.target.to_string() +
                         " lost while another path's upstream probes are answered";
    }
    if (!down_reason_ && evidenced_losses_ >= down_after_) {
        // Kept as it was when the evidence sufficed: one reason per change.
        down_reason_ = "never answered, and " + std::to_string(evidenced_losses_) + " of " +
                       std::to_string(losses_) +
                       " probes lost with evidence (last: " + last_evidence_ + ")";
    }
}

std::optional<std::string> PathEvidence::down_reason() const {
    return answered_ ? std::nullopt : down_reason_;
}

PathVerdict path_verdict(const PathMonitor& monitor, const std::string& monitor_reason,
                         const PathEvidence& evidence, NeighbourState neighbour,
                         const Address& router) {
    if (neighbour == NeighbourState::Failed) {
        return {PathHealth::Down, "neighbour entry of router " + router.to_string() +
                                      " failed (the kernel's solicitations went unanswered)"};
    }
    if (evidence.answered() || monitor.state() != PathHealth::Unknown) {
        return {monitor.state(), monitor_reason};
    }
    if (auto down = evidence.down_reason()) {
        return {PathHealth::Down, *down};
    }
    // No counts here: the reason changes only when the facts do, so each
    // change is one log line and one D-Bus update.
    std::string reason = evidence.losses() == 0
                             ? "no probe answered yet"
                             : "no probe answered, but no evidence the path is down (the "
                               "router may ignore echo)";
    // Unconfirmed as well: the entry moves between REACHABLE and STALE with
    // every NUD cycle, and a reason that followed it would be a log line
    // each time (the router answered a solicitation at least once, or sent
    // an RA with its link-layer address).
    if (neighbour == NeighbourState::Reachable || neighbour == NeighbourState::Unconfirmed) {
        reason += "; router " + router.to_string() + " is reachable as a neighbour";
    }
    return {PathHealth::Unknown, reason};
}

}  // namespace multi6d
