#include "netlink_socket.hpp"

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cstring>
#include <exception>

#include "kernel_objects.hpp"

namespace multi6d {

// The extended-ACK text (NLMSGERR_ATTR_MSG) of an error message. libnl 3.7
// hands the error callback the nlmsgerr only; it is the payload of the
// NLMSG_ERROR message, so the header sits right before it. With
// NETLINK_CAP_ACK the request is not echoed back and the TLVs follow the
// nlmsgerr directly.
std::string extack_message(const nlmsgerr* error) {
    const auto* hdr =
        reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(error) - NLMSG_HDRLEN);
    if ((hdr->nlmsg_flags & NLM_F_ACK_TLVS) == 0 || (hdr->nlmsg_flags & NLM_F_CAPPED) == 0) {
        return {};
    }
    const std::size_t offset = NLMSG_HDRLEN + sizeof(nlmsgerr);
    if (hdr->nlmsg_len <= offset) {
        return {};
    }
    auto* first =
        reinterpret_cast<nlattr*>(const_cast<char*>(reinterpret_cast<const char*>(hdr) + offset));
    int remaining = static_cast<int>(hdr->nlmsg_len - offset);
    nlattr* attr = nullptr;
    nla_for_each_attr(attr, first, remaining, remaining) {
        if (nla_type(attr) == NLMSGERR_ATTR_MSG && nla_len(attr) > 0) {
            const char* text = static_cast<const char*>(nla_data(attr));
            return std::string(text, strnlen(text, static_cast<std::size_t>(nla_len(attr))));
        }
    }
    return {};
}

namespace {

struct CbDeleter {
    void operator()(nl_cb* cb) const { nl_cb_put(cb); }
};
using NlCb = std::unique_ptr<nl_cb, CbDeleter>;

NlCb make_cb(const std::string& what) {
    NlCb cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb) {
        throw KernelError(what + ": out of memory", ENOMEM);
    }
    return cb;
}

struct AckState {
    NetlinkSocket::Answer answer;
    bool done = false;
};

int on_ack(nl_msg*, void* arg) {
    static_cast<AckState*>(arg)->done = true;
    return NL_STOP;
}

int on_error(sockaddr_nl*, nlmsgerr* error, void* arg) {
    auto* state = static_cast<AckState*>(arg);
    state->answer.error = -error->error;
    state->answer.detail = extack_message(error);
    state->done = true;
    return NL_STOP;
}

struct DumpState {
    const std::function<void(nlmsghdr*)>* on_message;
    std::exception_ptr failure;
    bool interrupted = false;
    AckState error;
};

int on_dump_message(nl_msg* msg, void* arg) {
    auto* state = static_cast<DumpState*>(arg);
    nlmsghdr* hdr = nlmsg_hdr(msg);
    if ((hdr->nlmsg_flags & NLM_F_DUMP_INTR) != 0) {
        state->interrupted = true;
    }
    // Exceptions must not cross libnl's C frames; keep reading to the end
    // so the socket's sequence numbers stay in step.
    if (!state->failure) {
        try {
            (*state->on_message)(hdr);
        } catch (...) {
            state->failure = std::current_exception();
        }
    }
    return NL_OK;
}

int on_dump_error(sockaddr_nl* address, nlmsgerr* error, void* arg) {
    return on_error(address, error, &static_cast<DumpState*>(arg)->error);
}

}  // namespace

NlMsg make_message(int type, int flags) {
    NlMsg msg(nlmsg_alloc_simple(type, flags));
    if (!msg) {
        throw KernelError("netlink message: out of memory", ENOMEM);
    }
    return msg;
}

NetlinkSocket::NetlinkSocket() : sock_(nl_socket_alloc()) {
    if (sock_ == nullptr) {
        throw KernelError("netlink socket: out of memory", ENOMEM);
    }
    const int err = nl_connect(sock_, NETLINK_ROUTE);
    if (err < 0) {
        nl_socket_free(sock_);
        throw KernelError(std::string("netlink socket: connect: ") + nl_geterror(err), 0);
    }
    // Dump replies can exceed a page: let libnl peek at the size first.
    nl_socket_enable_msg_peek(sock_);
    // Best effort: kernels without extended ACK (< 4.12) just give errno.
    const int on = 1;
    const int fd = nl_socket_get_fd(sock_);
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
}

NetlinkSocket::~NetlinkSocket() {
    nl_socket_free(sock_);
}

NetlinkSocket::Answer NetlinkSocket::request(nl_msg* msg, const std::string& what) {
    const int sent = nl_send_auto(sock_, msg);
    if (sent < 0) {
        throw KernelError(what + ": send: " + nl_geterror(sent), 0);
    }
    AckState state;
    NlCb cb = make_cb(what);
    nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &state);
    nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &state);
    while (!state.done) {
        const int err = nl_recvmsgs(sock_, cb.get());
        if (err < 0 && !state.done) {
            throw KernelError(what + ": receive: " + nl_geterror(err), 0);
        }
    }
    return state.answer;
}

bool NetlinkSocket::dump(int type, const void* header, std::size_t header_size,
                         const std::function<void(nlmsghdr*)>& on_message,
                         const std::string& what) {
    const int sent =
        nl_send_simple(sock_, type, NLM_F_DUMP, const_cast<void*>(header), header_size);
    if (sent < 0) {
        throw KernelError(what + ": send: " + nl_geterror(sent), 0);
    }
    DumpState state{&on_message, nullptr, false, {}};
    NlCb cb = make_cb(what);
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_dump_message, &state);
    nl_cb_err(cb.get(), NL_CB_CUSTOM, on_dump_error, &state);
    // recvmsgs() reads multipart replies until NLMSG_DONE, then returns.
    const int err = nl_recvmsgs(sock_, cb.get());
    if (state.error.done) {
        throw KernelError(what + ": " + describe_error(state.error.answer),
                          state.error.answer.error);
    }
    if (err < 0 && err != -NLE_DUMP_INTR) {
        throw KernelError(what + ": receive: " + nl_geterror(err), 0);
    }
    if (state.failure) {
        std::rethrow_exception(state.failure);
    }
    return !state.interrupted && err != -NLE_DUMP_INTR;
}

std::string describe_error(const NetlinkSocket::Answer& answer) {
    std::string text = std::strerror(answer.error);
    if (!answer.detail.empty()) {
        text += " (" + answer.detail + ")";
    }
    return text;
}

}  // namespace multi6d
