#include "kernel_objects.hpp"

#include "interface_name.hpp"

namespace multi6d {

std::string describe(const PathRoute& route) {
    std::string text = route.destination.to_string();
    if (route.source.length() != 0) {
        text += " from " + route.source.to_string();
    }
    if (!route.gateway.is_unspecified()) {
        text += " via " + route.gateway.to_string();
    }
    if (route.ifindex != 0) {
        text += " dev " + interface_text(route.ifindex);
    }
    if (!route.preferred_source.is_unspecified()) {
        text += " src " + route.preferred_source.to_string();
    }
    text += " table " + to_string(route.table);
    text += " metric " + std::to_string(route.metric);
    return text;
}

std::string describe(const SourceRule& rule) {
    std::string text = to_string(rule.priority) + ": from " +
                       (rule.source.length() == 0 ? std::string("all") : rule.source.to_string());
    if (rule.uids) {
        text +=
            " uidrange " + std::to_string(rule.uids->first) + "-" + std::to_string(rule.uids->last);
    }
    return text +
           (rule.unreachable ? std::string(" unreachable") : " lookup " + to_string(rule.table));
}

std::string describe(const LabelRow& row) {
    std::string text = "prefix " + row.prefix.to_string();
    if (row.ifindex != 0) {
        text += " dev #" + std::to_string(row.ifindex);
    }
    return text + " label " + to_string(row.label);
}

}  // namespace multi6d
