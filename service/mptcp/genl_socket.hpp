// RAII owner of one libnl generic netlink socket bound to one family, with
// the one exchange the MPTCP path manager needs: send a request, collect the
// replies (a doit answer or a dump), wait for the ACK, the error or the end
// of the dump. Blocking and synchronous; joins no multicast group.
#pragma once

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace multi6d {

class GenlSocket {
  public:
    // Connects a NETLINK_GENERIC socket in the caller's network namespace
    // and resolves `family`. Returns null with *reason set when the family
    // does not exist (a kernel built without it) or the socket cannot be
    // opened; never throws.
    static std::unique_ptr<GenlSocket> open(const std::string& family, std::string* reason);

    ~GenlSocket();
    GenlSocket(const GenlSocket&) = delete;
    GenlSocket& operator=(const GenlSocket&) = delete;

    int family_id() const { return family_id_; }

    // A new request message for `command` (flags: 0 or NLM_F_DUMP; REQUEST
    // and ACK are added when sent). Throws KernelError when out of memory.
    struct MsgDeleter {
        void operator()(nl_msg* msg) const { nlmsg_free(msg); }
    };
    using Msg = std::unique_ptr<nl_msg, MsgDeleter>;
    Msg message(std::uint8_t command, int flags, std::uint8_t version) const;

    // Sends msg, calls on_reply for every reply message, returns once the
    // kernel acknowledged or finished the dump. A kernel error throws
    // KernelError("<what>: <strerror> (<extended ACK text>)", errno). An
    // exception from on_reply is rethrown after the exchange was read to its
    // end, so the socket stays usable.
    void exchange(nl_msg* msg, const std::string& what,
                  const std::function<void(nlmsghdr*)>& on_reply = {});

  private:
    GenlSocket(nl_sock* sock, int family_id) : sock_(sock), family_id_(family_id) {}
    nl_sock* sock_;
    int family_id_;
};

}  // namespace multi6d
