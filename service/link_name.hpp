// A link's name for log lines: the kernel's name for ifindex, or "#IFINDEX"
// when it has none (the link is gone).
#pragma once

#include <string>

namespace multi6d {

std::string link_name(int ifindex);

}  // namespace multi6d
