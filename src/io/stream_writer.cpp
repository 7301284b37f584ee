#include "irqio/io/stream_writer.hpp"

#include <algorithm>
#include <cstring>

namespace irqio {

StreamWriter::StreamWriter(Transport& t, std::span<uint8_t> storage) noexcept
    : t_(&t), buf_(storage.data()), cap_(storage.size()) {
    IRQIO_ASSERT(cap_ > 0, "StreamWriter needs a buffer");
    high_ = cap_ - cap_ / 4;
    low_ = cap_ / 4;
    t_->set_listener(Direction::write, &listener_);
}

StreamWriter::~StreamWriter() {
    t_->set_listener(Direction::write, nullptr);
}

Result<void> StreamWriter::set_water_marks(std::size_t high, std::size_t low) noexcept {
    if (low > high || high > cap_) return Error::invalid_argument;
    high_ = high;
    low_ = low;
    return {};
}

void StreamWriter::on_writable() noexcept {
    gate_.mark_open();
    // Drain in the background, so buffered bytes leave even while the task does something else.
    if (buffered() > 0) push();
    gate_.wake();  // their condition may hold now (or they wait again)
}

Error StreamWriter::push() noexcept {
    while (error_ == Error::none && begin_ != end_ && gate_.is_open()) {
        Result<std::size_t> r = t_->try_write({buf_ + begin_, end_ - begin_});
        if (r) {
            begin_ += r.value();
        } else if (r.error() == Error::empty) {
            gate_.close();
        } else {
            error_ = r.error();
        }
    }
    if (begin_ == end_) begin_ = end_ = 0;
    return error_;
}

Result<std::size_t> StreamWriter::write(Bytes data) noexcept {
    if (closed_) return Error::closed;
    if (error_ != Error::none) return error_;
    std::size_t done = 0;
    if (buffered() == 0 && gate_.is_open()) {
        // Nothing queued: hand the bytes straight to the transport, no copy.
        while (done < data.size()) {
            Result<std::size_t> r = t_->try_write(data.subspan(done));
            if (r) {
                done += r.value();
            } else if (r.error() == Error::empty) {
                gate_.close();
                break;
            } else {
                error_ = r.error();
                return error_;
            }
        }
    }
    std::size_t rest = data.size() - done;
    if (rest == 0) return done;
    if (cap_ - end_ < rest && begin_ > 0) {
        std::memmove(buf_, buf_ + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    std::size_t n = std::min(rest, cap_ - end_);
    std::memcpy(buf_ + end_, data.data() + done, n);
    end_ += n;
    return done + n;
}

Task<Error> StreamWriter::wait_below(std::size_t target) {
    for (;;) {
        Error e = push();
        if (e != Error::none) co_return e;
        if (buffered() <= target) co_return Error::none;
        co_await gate_.wait();
    }
}

Task<Result<void>> StreamWriter::write_all(Bytes data, std::size_t* accepted) {
    while (!data.empty()) {
        Result<std::size_t> r = write(data);
        if (!r) co_return r.error();
        if (accepted) *accepted += r.value();  // before any suspension: exact if cut off there
        data = data.subspan(r.value());
        if (data.empty()) break;
        // Full: wait for room down to the low mark, so each wake moves a useful amount.
        Error e = co_await wait_below(std::min(low_, cap_ - 1));
        if (e != Error::none) co_return e;
    }
    co_return co_await drain();
}

Task<Result<void>> StreamWriter::drain() {
    if (error_ != Error::none) co_return error_;
    if (buffered() <= high_) co_return Result<void>{};
    Error e = co_await wait_below(low_);
    if (e != Error::none) co_return e;
    co_return Result<void>{};
}

Task<Result<void>> StreamWriter::flush() {
    Error e = co_await wait_below(0);
    if (e != Error::none) co_return e;
    co_return Result<void>{};
}

Task<Result<void>> StreamWriter::close() {
    if (closed_) co_return Result<void>{};
    Error e = co_await wait_below(0);
    closed_ = true;
    if (e != Error::none) co_return e;
    co_return t_->shutdown_write();
}

}  // namespace irqio
