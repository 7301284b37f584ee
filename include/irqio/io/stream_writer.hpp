// StreamWriter: buffered writes over a Transport, in a fixed buffer the caller provides.
// write() never waits: it hands bytes to the transport at once when it can and buffers the rest;
// the buffer drains by itself as the transport becomes writable (the listener call), so a task that
// goes on to read never deadlocks its own output. drain() is the back-pressure point: above the
// high water mark it waits until the buffer is down to the low mark, so a slow peer slows the
// writer instead of growing memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "irqio/core/task.hpp"
#include "irqio/io/ready_gate.hpp"
#include "irqio/io/transport.hpp"
#include "irqio/result.hpp"

namespace irqio {

class StreamWriter {
  public:
    using Bytes = std::span<const uint8_t>;

    // Water marks default to 3/4 and 1/4 of the storage.
    StreamWriter(Transport& t, std::span<uint8_t> storage) noexcept;
    ~StreamWriter();
    StreamWriter(const StreamWriter&) = delete;
    StreamWriter& operator=(const StreamWriter&) = delete;

    // Accepts as many bytes as the transport and the buffer take now (0 when both are full).
    // Error::closed after close(); a transport error (reset, ...) is reported here and after.
    Result<std::size_t> write(Bytes data) noexcept;
    // Writes all of data, waiting for room as needed, then drain()s.
    // `accepted` (optional): each byte count the writer accepts (hands to the transport or
    // buffers, to go out in order before anything written later) is added to *accepted as it
    // happens, so when write_all is cut off (wait_for, a cancel, an error) the first *accepted
    // bytes of data (counting from the value it had before) are the writer's and the caller
    // resumes with data.subspan(those). Initialise it (to 0) before the call.
    Task<Result<void>> write_all(Bytes data, std::size_t* accepted = nullptr);
    // Above the high water mark: waits until at or below the low one. Otherwise returns at once.
    Task<Result<void>> drain();
    // Waits until every buffered byte was handed to the transport.
    Task<Result<void>> flush();
    // flush(), then tells the transport no more writes come (a socket's half-close). Idempotent.
    Task<Result<void>> close();

    // high >= low; both at most the capacity. invalid_argument otherwise.
    Result<void> set_water_marks(std::size_t high, std::size_t low) noexcept;
    std::size_t high_water() const noexcept { return high_; }
    std::size_t low_water() const noexcept { return low_; }
    std::size_t buffered() const noexcept { return end_ - begin_; }
    std::size_t capacity() const noexcept { return cap_; }
    bool closed() const noexcept { return closed_; }
    Error error() const noexcept { return error_; }

  private:
    static void on_ready(void* self, Direction) noexcept {
        static_cast<StreamWriter*>(self)->on_writable();
    }
    void on_writable() noexcept;
    // Hands buffered bytes to the transport until empty or it would block; the final error or none.
    Error push() noexcept;
    // Waits until at most `target` bytes are buffered; the final error or none.
    Task<Error> wait_below(std::size_t target);

    Transport* t_;
    uint8_t* buf_;
    std::size_t cap_;
    std::size_t begin_ = 0, end_ = 0;  // buffered bytes are buf_[begin_, end_)
    std::size_t high_, low_;
    Error error_ = Error::none;
    bool closed_ = false;
    detail::ReadyGate gate_;
    ReadyListener listener_{&StreamWriter::on_ready, this};
};

}  // namespace irqio
