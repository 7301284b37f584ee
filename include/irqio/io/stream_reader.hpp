// StreamReader: buffered reads over a Transport, in a fixed buffer the caller provides (so it works
// without a heap). Results are views into that buffer, valid until the next call on the reader.
// Bytes move from the transport into the buffer before any suspension and are consumed only when an
// operation returns, so a read cancelled by a timeout loses nothing: the next read sees the bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "irqio/core/task.hpp"
#include "irqio/io/ready_gate.hpp"
#include "irqio/io/transport.hpp"
#include "irqio/result.hpp"

namespace irqio {

class StreamReader {
  public:
    using Bytes = std::span<const uint8_t>;

    StreamReader(Transport& t, std::span<uint8_t> storage) noexcept;
    ~StreamReader();
    StreamReader(const StreamReader&) = delete;
    StreamReader& operator=(const StreamReader&) = delete;

    // Up to n bytes (at least one): what is buffered, else what arrives next. n is capped at the
    // buffer's capacity. Error::eof once the peer finished and nothing is buffered.
    Task<Result<Bytes>> read(std::size_t n);
    // Exactly n bytes. Error::too_long if n exceeds the capacity; Error::eof if the stream ends
    // first (the partial bytes stay buffered for read()).
    Task<Result<Bytes>> readexactly(std::size_t n);
    // One line, '\n' included, of at most max bytes (capped at the capacity). At end of stream a
    // last line without '\n' is returned as it is; after it, Error::eof.
    // A longer line gives Error::too_long and consumes nothing: the buffer still starts with that
    // line (at least its first max bytes; more of it, and lines after it, may have arrived too).
    // Then skip_line() drops exactly the rest of it, or read() takes it piece by piece;
    // discard(buffered()) would also drop whatever came after it.
    Task<Result<Bytes>> readline(std::size_t max);
    // Drops the rest of the current line, '\n' included, however long (after readline's
    // Error::too_long, say), waiting for more bytes until its '\n' arrives; the bytes after the
    // '\n' stay. Gives how many bytes were dropped. At end of stream an unterminated rest counts as
    // the line; with nothing left, Error::eof. Bytes are dropped as they are scanned, so if it is
    // cancelled (or fails), the part already dropped is gone: call it again for the rest.
    Task<Result<std::size_t>> skip_line();
    // Copies up to dst.size() bytes (at least one) into dst; reads straight into dst when nothing
    // is buffered.
    Task<Result<std::size_t>> readinto(std::span<uint8_t> dst);

    std::size_t buffered() const noexcept { return end_ - begin_; }
    std::size_t capacity() const noexcept { return cap_; }
    // The end (or error) was seen and every buffered byte has been consumed.
    bool at_eof() const noexcept { return error_ != Error::none && buffered() == 0; }
    // Drops up to n buffered bytes; returns how many (to drop a too_long line, see skip_line()).
    std::size_t discard(std::size_t n) noexcept;

  private:
    static void on_ready(void* self, Direction) noexcept {
        static_cast<StreamReader*>(self)->gate_.open();
    }
    // One transport read into free space, keeping `need` bytes from begin_ contiguous. Gives
    // Error::none (bytes arrived), Error::empty (would block) or the stream's final error.
    Error pull(std::size_t need) noexcept;
    Bytes take(std::size_t n) noexcept;

    Transport* t_;
    uint8_t* buf_;
    std::size_t cap_;
    std::size_t begin_ = 0, end_ = 0;  // buffered bytes are buf_[begin_, end_)
    Error error_ = Error::none;        // final: eof, reset, io, ...
    detail::ReadyGate gate_;
    ReadyListener listener_{&StreamReader::on_ready, this};
};

}  // namespace irqio
