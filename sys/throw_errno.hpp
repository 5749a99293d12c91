// The one way multi6d reports a failed system call: std::system_error with
// the errno the call left and a message saying what failed, e.g.
// "prober: open AF_PACKET socket (needs CAP_NET_RAW): Operation not
// permitted" (what() appends the errno's text).
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace multi6d {

// Call right after the failed call, before anything else can change errno.
[[noreturn]] inline void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace multi6d
