#include "host_resolver.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

namespace multi6d::dbus {

struct HostResolver::Shared {
    explicit Shared(ResolveFunction f) : resolve(std::move(f)) {
        fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) {
            throw std::runtime_error(std::string("resolver: eventfd: ") + std::strerror(errno));
        }
    }
    ~Shared() { close(fd); }
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;

    // Worker thread body: one lookup, then the thread is gone.
    static void work(const std::shared_ptr<Shared>& self, std::uint64_t id, std::string host,
                     std::string caller) {
        ResolveOutcome outcome = self->resolve(host);
        const std::lock_guard lock(self->mutex);
        if (--self->running[caller] == 0) {
            self->running.erase(caller);
        }
        --self->total_running;
        if (!self->closed) {
            self->done.emplace_back(id, std::move(outcome));
            const std::uint64_t one = 1;
            // Cannot fail short of a counter overflow; the loop reads it.
            [[maybe_unused]] const ssize_t n = write(self->fd, &one, sizeof one);
        }
    }

    const ResolveFunction resolve;
    int fd = -1;
    std::mutex mutex;  // guards everything below
    std::vector<std::pair<std::uint64_t, ResolveOutcome>> done;
    std::map<std::string, std::size_t> running;  // threads per caller, timed out ones too
    std::size_t total_running = 0;
    bool closed = false;
};

ResolveOutcome resolve_with_getaddrinfo(const std::string& host, std::size_t limit) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;  // one entry per address
    addrinfo* list = nullptr;
    const int r = getaddrinfo(host.c_str(), nullptr, &hints, &list);
    if (r != 0) {
        return ResolveOutcome{{}, r == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(r)};
    }
    ResolveOutcome out;
    for (const addrinfo* ai = list; ai != nullptr && out.addresses.size() < limit;
         ai = ai->ai_next) {
        Address::Bytes bytes{};
        if (ai->ai_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
            std::memcpy(bytes.data(), &sin6->sin6_addr, 16);
        } else if (ai->ai_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
            bytes[10] = 0xff;
            bytes[11] = 0xff;
            std::memcpy(bytes.data() + 12, &sin->sin_addr, 4);
        } else {
            continue;
        }
        const Address a(bytes);
        if (std::find(out.addresses.begin(), out.addresses.end(), a) == out.addresses.end()) {
            out.addresses.push_back(a);
        }
    }
    freeaddrinfo(list);
    if (out.addresses.empty()) {
        out.error = "no IPv6 or IPv4 address";
    }
    return out;
}

HostResolver::HostResolver(EventLoop& loop, ResolveFunction resolve, ResolverLimits limits)
    : loop_(loop),
      limits_(limits),
      shared_(std::make_shared<Shared>(resolve ? std::move(resolve)
                                               : ResolveFunction([](const std::string& h) {
                                                     return resolve_with_getaddrinfo(h);
                                                 }))) {
    ready_ = loop.add_io(shared_->fd, EPOLLIN, [this](std::uint32_t) { on_ready(); });
}

HostResolver::~HostResolver() {
    ready_.reset();
    const std::lock_guard lock(shared_->mutex);
    shared_->closed = true;
}

std::size_t HostResolver::pending_for(const std::string& caller) const {
    std::size_t n = 0;
    for (const auto& [id, p] : pending_) {
        n += p.caller == caller ? 1 : 0;
    }
    return n;
}

HostResolver::Queued HostResolver::resolve(std::string host, const std::string& caller,
                                           const std::string& connection, Callback done) {
    if (pending_for(caller) >= limits_.per_caller) {
        return Queued::caller_busy;
    }
    const std::uint64_t id = next_id_++;
    {
        const std::lock_guard lock(shared_->mutex);
        const auto it = shared_->running.find(caller);
        if (it != shared_->running.end() && it->second >= limits_.per_caller_running) {
            return Queued::caller_busy;
        }
        if (shared_->total_running >= limits_.total_running) {
            return Queued::all_busy;
        }
        ++shared_->running[caller];
        ++shared_->total_running;
    }
    try {
        std::thread([s = shared_, id, host = std::move(host), caller] {
            Shared::work(s, id, host, caller);
        }).detach();
    } catch (const std::system_error&) {
        const std::lock_guard lock(shared_->mutex);
        if (--shared_->running[caller] == 0) {
            shared_->running.erase(caller);
        }
        --shared_->total_running;
        return Queued::all_busy;  // no thread to be had
    }
    Pending& p = pending_[id];
    p.caller = caller;
    p.connection = connection;
    p.done = std::move(done);
    p.timeout = loop_.add_timer(std::chrono::steady_clock::now() + limits_.timeout,
                                [this, id] { on_timeout(id); });
    return Queued::yes;
}

void HostResolver::forget_connection(const std::string& connection) {
    for (auto it = pending_.begin(); it != pending_.end();) {
        it = it->second.connection == connection ? pending_.erase(it) : std::next(it);
    }
}

void HostResolver::on_timeout(std::uint64_t id) {
    const auto it = pending_.find(id);
    if (it == pending_.end()) {
        return;
    }
    Callback callback = std::move(it->second.done);
    pending_.erase(it);  // destroys the timer that is running: callback copied above
    const auto seconds = std::chrono::duration<double>(limits_.timeout).count();
    std::string text = std::to_string(seconds);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    callback(ResolveOutcome{{}, "no answer within " + text + " s"});
}

void HostResolver::on_ready() {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = read(shared_->fd, &count, sizeof count);
    std::vector<std::pair<std::uint64_t, ResolveOutcome>> done;
    {
        const std::lock_guard lock(shared_->mutex);
        done.swap(shared_->done);
    }
    for (auto& [id, outcome] : done) {
        const auto it = pending_.find(id);
        if (it == pending_.end()) {
            continue;  // timed out, or its caller left
        }
        Callback callback = std::move(it->second.done);
        pending_.erase(it);
        callback(std::move(outcome));
    }
}

}  // namespace multi6d::dbus
