// FdTransport: the Transport of a non-blocking file descriptor (socket, pipe, tty). It borrows the
// fd's FdState, so readiness arrives through the one epoll registration; it does not own the fd.
#pragma once
#include "irqio/io/transport.hpp"
#include "irqio/linux/fd_ready.hpp"

namespace irqio::linux_port {

class FdTransport final : public Transport {
  public:
    // fd must be non-blocking. Task context or not: registration happens at the first EAGAIN.
    explicit FdTransport(int fd) noexcept;
    ~FdTransport();
    FdTransport(const FdTransport&) = delete;
    FdTransport& operator=(const FdTransport&) = delete;

    Result<std::size_t> try_read(std::span<uint8_t> into) noexcept override;
    Result<std::size_t> try_write(std::span<const uint8_t> from) noexcept override;
    void set_listener(Direction d, ReadyListener* l) noexcept override;
    Result<void> shutdown_write() noexcept override;
    int fd() const noexcept { return fd_; }

  private:
    // "Would block": remember it is not ready, make sure epoll will tell us when it is.
    Error would_block(Direction d) noexcept;
    int fd_;
    FdState* state_;
    uint32_t generation_;
    bool socket_ = true;  // send(MSG_NOSIGNAL) until the fd turns out not to be a socket
    bool tty_ = false;    // EIO on a tty means the other side hung up
};

}  // namespace irqio::linux_port
