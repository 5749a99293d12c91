// RAII owner of one libnl NETLINK_ROUTE socket and the two exchanges the
// kernel writer needs: a request answered by an ACK or an error, and a dump.
// Blocking and synchronous: the kernel answers rtnetlink requests at once.
// The socket joins no multicast group, so nothing but answers arrives on it.
#pragma once

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

struct nlmsgerr;

namespace multi6d {

// The kernel's extended-ACK text (NLMSGERR_ATTR_MSG) carried by a netlink
// error, or "" (rtnetlink and generic netlink sockets both use it).
std::string extack_message(const nlmsgerr* error);

struct NlMsgDeleter {
    void operator()(nl_msg* msg) const { nlmsg_free(msg); }
};
using NlMsg = std::unique_ptr<nl_msg, NlMsgDeleter>;

// nlmsg_alloc_simple() that throws KernelError instead of returning null.
NlMsg make_message(int type, int flags);

class NetlinkSocket {
  public:
    // Connects a NETLINK_ROUTE socket in the caller's network namespace and
    // asks for extended ACKs, so errors carry the kernel's explanation.
    // Throws KernelError.
    NetlinkSocket();
    ~NetlinkSocket();
    NetlinkSocket(const NetlinkSocket&) = delete;
    NetlinkSocket& operator=(const NetlinkSocket&) = delete;

    struct Answer {
        int error = 0;       // 0 = ACK, else the kernel's errno (positive)
        std::string detail;  // the kernel's extended-ACK message, may be empty
    };

    // Completes msg's header (port, sequence, NLM_F_REQUEST | NLM_F_ACK),
    // sends it and waits for its ACK or error, which is returned. Throws
    // KernelError (message starting with `what`) only when the exchange
    // itself fails (send or receive error).
    Answer request(nl_msg* msg, const std::string& what);

    // Sends `type` with NLM_F_DUMP and `header` as payload, calls
    // on_message(hdr) for every reply until NLMSG_DONE. Returns false when
    // the kernel flags the dump as interrupted by a concurrent change
    // (NLM_F_DUMP_INTR): the caller discards what it got and dumps again.
    // An exception from on_message is rethrown after the dump was read to
    // its end (the socket stays usable). Other failures throw KernelError.
    bool dump(int type, const void* header, std::size_t header_size,
              const std::function<void(nlmsghdr*)>& on_message, const std::string& what);

  private:
    nl_sock* sock_;
};

// "No such device" or "No such device (Nexthop device is not up)".
std::string describe_error(const NetlinkSocket::Answer& answer);

}  // namespace multi6d
