// Interface names for messages and sysctl paths, from the index the kernel
// uses everywhere (if_indextoname(3)). A name is looked up when needed, not
// cached: interfaces are renamed and come and go.
#pragma once

#include <optional>
#include <string>

namespace multi6d {

// The interface's name now; nullopt when no interface has index `ifindex`
// (errno is left as if_indextoname() set it, e.g. ENXIO).
std::optional<std::string> interface_name(int ifindex);

// The name, or "#7" for an index with no interface (gone since, or in
// another namespace): for log lines, which must name the link either way.
std::string interface_text(int ifindex);

}  // namespace multi6d
