// Small helpers shared by the lab's test tools (m6-serve, m6-connect):
// an owning file descriptor, strict number parsing, errno names.
#pragma once

#include <netinet/in.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace multi6d::tools {

// Owns one file descriptor; closes it on destruction. Move-only.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset(other.release());
        }
        return *this;
    }
    ~Fd() { reset(); }

    [[nodiscard]] int get() const { return fd_; }
    [[nodiscard]] bool valid() const { return fd_ >= 0; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

// Parses a whole decimal string in [min, max]; nullopt on any junk.
std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t min, std::int64_t max);

// "ECONNREFUSED" etc. (glibc strerrorname_np), or "errno<N>" if unknown.
std::string errno_name(int err);

// Textual form of an IPv6 socket address's address ("-" if unset).
std::string address_text(const sockaddr_in6& addr);

// IPPROTO_MPTCP, spelled out because older libc headers lack it.
inline constexpr int kIpprotoMptcp = 262;

}  // namespace multi6d::tools
