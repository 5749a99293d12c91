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
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

namespace multi6d::dbus {

struct HostResolver::Shared {
    struct Job {
        std::uint64_t id;
        std::string host;
    };

    explicit Shared(ResolveFunction f, std::size_t thread_limit)
        : resolve(std::move(f)), max_threads(thread_limit) {
        fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0) {
            throw std::runtime_error(std::string("resolver: eventfd: ") + std::strerror(errno));
        }
    }
    ~Shared() { close(fd); }
    Shared(const Shared&) = delete;
    Shared& operator=(const Shared&) = delete;

    // Worker thread body: takes jobs until the queue is empty.
    static void work(const std::shared_ptr<Shared>& self) {
        std::unique_lock lock(self->mutex);
        while (!self->closed && !self->queue.empty()) {
            Job job = std::move(self->queue.front());
            self->queue.pop_front();
            lock.unlock();
            ResolveOutcome outcome = self->resolve(job.host);
            lock.lock();
            if (!self->closed) {
                self->done.emplace_back(job.id, std::move(outcome));
                const std::uint64_t one = 1;
                // Cannot fail short of a counter overflow; the loop reads it.
                [[maybe_unused]] const ssize_t n = write(self->fd, &one, sizeof one);
            }
        }
        --self->threads;
    }

    const ResolveFunction resolve;
    const std::size_t max_threads;
    int fd = -1;
    std::mutex mutex;  // guards everything below
    std::deque<Job> queue;
    std::vector<std::pair<std::uint64_t, ResolveOutcome>> done;
    std::size_t threads = 0;
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

HostResolver::HostResolver(EventLoop& loop, ResolveFunction resolve, std::size_t max_pending,
                           std::size_t max_threads)
    : shared_(std::make_shared<Shared>(
          resolve ? std::move(resolve) : ResolveFunction([](const std::string& h) {
              return resolve_with_getaddrinfo(h);
          }),
          std::max<std::size_t>(max_threads, 1))),
      max_pending_(max_pending) {
    ready_ = loop.add_io(shared_->fd, EPOLLIN, [this](std::uint32_t) { on_ready(); });
}

HostResolver::~HostResolver() {
    ready_.reset();
    const std::lock_guard lock(shared_->mutex);
    shared_->closed = true;
    shared_->queue.clear();
}

bool HostResolver::resolve(std::string host, Callback done) {
    if (callbacks_.size() >= max_pending_) {
        return false;
    }
    const std::uint64_t id = next_id_++;
    bool start_thread = false;
    {
        const std::lock_guard lock(shared_->mutex);
        shared_->queue.push_back(Shared::Job{id, std::move(host)});
        if (shared_->threads < shared_->max_threads) {
            ++shared_->threads;
            start_thread = true;
        }
    }
    if (start_thread) {
        try {
            std::thread([s = shared_] { Shared::work(s); }).detach();
        } catch (const std::system_error&) {
            const std::lock_guard lock(shared_->mutex);
            --shared_->threads;
            if (shared_->threads == 0) {
                shared_->queue.pop_back();
                return false;  // no worker can take it
            }
        }
    }
    callbacks_.emplace(id, std::move(done));
    return true;
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
        const auto it = callbacks_.find(id);
        if (it == callbacks_.end()) {
            continue;
        }
        Callback callback = std::move(it->second);
        callbacks_.erase(it);
        callback(std::move(outcome));
    }
}

}  // namespace multi6d::dbus
