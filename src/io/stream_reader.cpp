#include "irqio/io/stream_reader.hpp"

#include <algorithm>
#include <cstring>

namespace irqio {

StreamReader::StreamReader(Transport& t, std::span<uint8_t> storage) noexcept
    : t_(&t), buf_(storage.data()), cap_(storage.size()) {
    IRQIO_ASSERT(cap_ > 0, "StreamReader needs a buffer");
    t_->set_listener(Direction::read, &listener_);
}

StreamReader::~StreamReader() {
    t_->set_listener(Direction::read, nullptr);
}

std::size_t StreamReader::discard(std::size_t n) noexcept {
    n = std::min(n, buffered());
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
    return n;
}

StreamReader::Bytes StreamReader::take(std::size_t n) noexcept {
    Bytes out(buf_ + begin_, n);
    begin_ += n;
    // The view stays valid: the buffer is only compacted by the next pull().
    return out;
}

Error StreamReader::pull(std::size_t need) noexcept {
    if (error_ != Error::none) return error_;
    if (begin_ == end_) {
        begin_ = end_ = 0;
    } else if (end_ == cap_ || cap_ - begin_ < need) {
        std::memmove(buf_, buf_ + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == cap_) return Error::full;  // callers never ask for more than the capacity
    // Edge-triggered: after "would block" another try is pointless until the listener is told.
    if (!gate_.is_open()) return Error::empty;
    Result<std::size_t> r = t_->try_read({buf_ + end_, cap_ - end_});
    if (r) {
        end_ += r.value();
        return Error::none;
    }
    if (r.error() == Error::empty) {
        gate_.close();
        return Error::empty;
    }
    error_ = r.error();
    return error_;
}

Task<Result<StreamReader::Bytes>> StreamReader::read(std::size_t n) {
    if (n == 0) co_return Bytes{};
    n = std::min(n, cap_);
    for (;;) {
        if (buffered() > 0) co_return take(std::min(n, buffered()));
        Error e = pull(1);
        if (e == Error::empty)
            co_await gate_.wait();
        else if (e != Error::none)
            co_return e;
    }
}

Task<Result<StreamReader::Bytes>> StreamReader::readexactly(std::size_t n) {
    if (n > cap_) co_return Error::too_long;
    while (buffered() < n) {
        Error e = pull(n);
        if (e == Error::empty)
            co_await gate_.wait();
        else if (e != Error::none)
            co_return e;  // the partial bytes stay buffered
    }
    co_return take(n);
}

Task<Result<StreamReader::Bytes>> StreamReader::readline(std::size_t max) {
    if (max == 0) co_return Error::too_long;
    max = std::min(max, cap_);
    std::size_t searched = 0;  // bytes from begin_ known to hold no '\n'
    for (;;) {
        std::size_t limit = std::min(buffered(), max);
        if (limit > searched) {
            const void* nl = std::memchr(buf_ + begin_ + searched, '\n', limit - searched);
            if (nl) co_return take(static_cast<const uint8_t*>(nl) - (buf_ + begin_) + 1);
            searched = limit;
        }
        if (buffered() >= max) co_return Error::too_long;  // bounded: never buffer past max
        Error e = pull(max);
        if (e == Error::empty) {
            co_await gate_.wait();
        } else if (e == Error::eof) {
            if (buffered() > 0) co_return take(buffered());  // the last, unterminated line
            co_return e;
        } else if (e != Error::none) {
            co_return e;
        }
    }
}

Task<Result<std::size_t>> StreamReader::skip_line() {
    std::size_t skipped = 0;
    for (;;) {
        if (buffered() > 0) {
            const void* nl = std::memchr(buf_ + begin_, '\n', buffered());
            if (nl) {
                std::size_t n = static_cast<const uint8_t*>(nl) - (buf_ + begin_) + 1;
                discard(n);
                co_return skipped + n;
            }
            skipped += discard(buffered());  // all of it belongs to the line: room for more
        }
        Error e = pull(1);
        if (e == Error::empty) {
            co_await gate_.wait();
        } else if (e == Error::eof) {
            if (skipped > 0) co_return skipped;  // the last, unterminated line
            co_return e;
        } else if (e != Error::none) {
            co_return e;
        }
    }
}

Task<Result<std::size_t>> StreamReader::readinto(std::span<uint8_t> dst) {
    if (dst.empty()) co_return std::size_t{0};
    for (;;) {
        if (buffered() > 0) {
            std::size_t n = std::min(dst.size(), buffered());
            std::memcpy(dst.data(), buf_ + begin_, n);
            discard(n);
            co_return n;
        }
        if (error_ != Error::none) co_return error_;
        if (gate_.is_open()) {
            // Nothing buffered, so reading straight into dst keeps the order and saves a copy.
            Result<std::size_t> r = t_->try_read(dst);
            if (r) co_return r;
            if (r.error() != Error::empty) {
                error_ = r.error();
                co_return error_;
            }
            gate_.close();
        }
        co_await gate_.wait();
    }
}

}  // namespace irqio
