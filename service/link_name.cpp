#include "link_name.hpp"

#include <net/if.h>

namespace multi6d {

std::string link_name(int ifindex) {
    char name[IF_NAMESIZE] = {};
    if (if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) {
        return "#" + std::to_string(ifindex);
    }
    return name;
}

}  // namespace multi6d
