// TransferAwaiter: "start it, then wait for it" as one awaitable. If the awaiting task is cancelled
// (or a wait_for times out) while the transfer runs, the destructor stops the hardware before the
// frame, and the buffers in it, can go away.
#pragma once
#include <utility>

#include "irqio/periph/completion.hpp"

namespace irqio::detail {

// Channel: the object that owns a Completion and can stop its hardware (SpiBus, I2c).
//   Result<void> (Channel::*)(...) start;  void abort();  Completion& completion();
template <class Channel, class Start>
class TransferAwaiter {
  public:
    TransferAwaiter(Channel* ch, Start s, Priority p) noexcept
        : ch_(ch), start_(std::move(s)), w_(ch->completion().wait(p)) {}
    TransferAwaiter(TransferAwaiter&& o) noexcept
        : ch_(o.ch_), start_(std::move(o.start_)), w_(std::move(o.w_)) {}
    TransferAwaiter(const TransferAwaiter&) = delete;
    ~TransferAwaiter() {
        if (started_ && ch_->completion().is_busy()) ch_->abort();
    }
    bool await_ready() noexcept {
        Result<void> r = start_(ch_);
        if (!r) {
            err_ = r.error();
            return true;
        }
        started_ = true;
        return w_.await_ready();
    }
    bool await_suspend(std::coroutine_handle<> h) noexcept { return w_.await_suspend(h); }
    Result<void> await_resume() noexcept {
        if (err_ != Error::none) return err_;
        started_ = false;
        return w_.await_resume();
    }

  private:
    Channel* ch_;
    Start start_;
    Completion::Awaiter w_;
    bool started_ = false;
    Error err_ = Error::none;
};

template <class Channel, class Start>
TransferAwaiter<Channel, Start> make_transfer(Channel* ch, Start s, Priority p) noexcept {
    return TransferAwaiter<Channel, Start>(ch, std::move(s), p);
}

}  // namespace irqio::detail
