#include "interface_name.hpp"

#include <net/if.h>

namespace multi6d {

std::optional<std::string> interface_name(int ifindex) {
    char name[IF_NAMESIZE] = {};
    if (if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) {
        return std::nullopt;
    }
    return std::string(name);
}

std::string interface_text(int ifindex) {
    return interface_name(ifindex).value_or("#" + std::to_string(ifindex));
}

}  // namespace multi6d
