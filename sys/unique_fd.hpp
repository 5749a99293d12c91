// The one way multi6d owns a file descriptor: closed when the owner goes,
// movable, never copied. Sockets that live as long as their component (RA
// listener, prober, neighbour table) hold one; a constructor that fails
// half-way closes what it had opened by unwinding, with no catch-and-close.
#pragma once

#include <unistd.h>

#include <utility>

namespace multi6d {

class UniqueFd {
  public:
    UniqueFd() = default;
    // Takes ownership of `fd` (-1: none).
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset(other.release());
        }
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    // Gives the descriptor up without closing it.
    int release() noexcept { return std::exchange(fd_, -1); }
    // Closes the held descriptor (if any) and holds `fd`. A close() error is
    // ignored: the descriptor is gone either way (close(2)), and nothing
    // multi6d keeps in a socket needs it. Files whose contents must reach
    // the disk check close() themselves (durable_file.hpp).
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

}  // namespace multi6d
