#include "kernel_objects.hpp"

#include <net/if.h>

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
        char name[IF_NAMESIZE];
        if (if_indextoname(static_cast<unsigned>(route.ifindex), name) != nullptr) {
            text += " dev " + std::string(name);
        } else {
            text += " dev #" + std::to_string(route.ifindex);
        }
    }
    text += " table " + to_string(route.table);
    text += " metric " + std::to_string(route.metric);
    return text;
}

std::string describe(const SourceRule& rule) {
    return to_string(rule.priority) + ": from " +
           (rule.source.length() == 0 ? std::string("all") : rule.source.to_string()) + " lookup " +
           to_string(rule.table);
}

std::string describe(const LabelRow& row) {
    std::string text = "prefix " + row.prefix.to_string();
    if (row.ifindex != 0) {
        text += " dev #" + std::to_string(row.ifindex);
    }
    return text + " label " + to_string(row.label);
}

}  // namespace multi6d
