#include "genl_socket.hpp"

#include "netlink_socket.hpp"

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "kernel_objects.hpp"

namespace multi6d {

namespace {

struct CbDeleter {
    void operator()(nl_cb* cb) const { nl_cb_put(cb); }
};
using NlCb = std::unique_ptr<nl_cb, CbDeleter>;

struct ExchangeState {
    const std::function<void(nlmsghdr*)>* on_reply = nullptr;
    std::exception_ptr failure;
    bool done = false;
    int error = 0;
    std::string detail;
};

int on_valid(nl_msg* msg, void* arg) {
    auto* state = static_cast<ExchangeState*>(arg);
    // Exceptions must not cross libnl's C frames; keep reading to the end so
    // the socket's sequence numbers stay in step.
    if (state->on_reply != nullptr && *state->on_reply && !state->failure) {
        try {
            (*state->on_reply)(nlmsg_hdr(msg));
        } catch (...) {
            state->failure = std::current_exception();
        }
    }
    return NL_OK;
}

int on_done(nl_msg*, void* arg) {
    static_cast<ExchangeState*>(arg)->done = true;
    return NL_STOP;
}

int on_error(sockaddr_nl*, nlmsgerr* error, void* arg) {
    auto* state = static_cast<ExchangeState*>(arg);
    state->error = -error->error;
    state->detail = extack_message(error);
    state->done = true;
    return NL_STOP;
}

}  // namespace

std::unique_ptr<GenlSocket> GenlSocket::open(const std::string& family, std::string* reason) {
    nl_sock* sock = nl_socket_alloc();
    if (sock == nullptr) {
        *reason = "generic netlink socket: out of memory";
        return nullptr;
    }
    int err = genl_connect(sock);
    if (err < 0) {
        *reason = std::string("generic netlink socket: connect: ") + nl_geterror(err);
        nl_socket_free(sock);
        return nullptr;
    }
    const int id = genl_ctrl_resolve(sock, family.c_str());
    if (id < 0) {
        *reason = "generic netlink family " + family + " not found (" + nl_geterror(id) + ")";
        nl_socket_free(sock);
        return nullptr;
    }
    nl_socket_enable_msg_peek(sock);
    // Best effort: kernels without extended ACK (< 4.12) just give errno.
    const int on = 1;
    const int fd = nl_socket_get_fd(sock);
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
    return std::unique_ptr<GenlSocket>(new GenlSocket(sock, id));
}

GenlSocket::~GenlSocket() {
    nl_socket_free(sock_);
}

GenlSocket::Msg GenlSocket::message(std::uint8_t command, int flags, std::uint8_t version) const {
    Msg msg(nlmsg_alloc());
    if (!msg || genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_id_, 0, flags, command,
                            version) == nullptr) {
        throw KernelError("generic netlink message: out of memory", ENOMEM);
    }
    return msg;
}

void GenlSocket::exchange(nl_msg* msg, const std::string& what,
                          const std::function<void(nlmsghdr*)>& on_reply) {
    const int sent = nl_send_auto(sock_, msg);
    if (sent < 0) {
        throw KernelError(what + ": send: " + nl_geterror(sent), 0);
    }
    ExchangeState state;
    state.on_reply = &on_reply;
    NlCb cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb) {
        throw KernelError(what + ": out of memory", ENOMEM);
    }
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &state);
    nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_done, &state);
    nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_done, &state);
    nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &state);
    // A doit answer arrives as one message followed by the ACK; recvmsgs()
    // returns after each non-multipart message, so loop until the end.
    while (!state.done) {
        const int err = nl_recvmsgs(sock_, cb.get());
        if (err < 0 && !state.done) {
            throw KernelError(what + ": receive: " + nl_geterror(err), 0);
        }
    }
    if (state.error != 0) {
        std::string text = what + ": " + std::strerror(state.error);
        if (!state.detail.empty()) {
            text += " (" + state.detail + ")";
        }
        throw KernelError(text, state.error);
    }
    if (state.failure) {
        std::rethrow_exception(state.failure);
    }
}

}  // namespace multi6d
