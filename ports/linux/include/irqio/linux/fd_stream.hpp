// FdStream: owns a non-blocking fd with its transport, buffers, StreamReader and StreamWriter.
// It is what open_connection() and a server hand out (as Connection), and what a pipe or a serial
// port is read and written through. Movable: the parts live in one heap block that never moves
// (the reader and writer point at the transport).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "irqio/io/stream_reader.hpp"
#include "irqio/io/stream_writer.hpp"
#include "irqio/linux/fd_transport.hpp"
#include "irqio/result.hpp"

namespace irqio::linux_port {

struct StreamOptions {
    std::size_t read_buffer = 4096;
    std::size_t write_buffer = 4096;
    std::size_t high_water = 0;  // 0: the writer's defaults (3/4 and 1/4 of write_buffer)
    std::size_t low_water = 0;
};

class FdStream {
  public:
    FdStream() noexcept = default;
    // Takes ownership of fd (closed on failure too) and makes it non-blocking.
    static Result<FdStream> adopt(int fd, const StreamOptions& opts = {}) noexcept;
    FdStream(FdStream&&) noexcept = default;
    FdStream& operator=(FdStream&& o) noexcept = default;
    ~FdStream() = default;

    StreamReader& reader() noexcept { return s_->reader; }
    StreamWriter& writer() noexcept { return s_->writer; }
    int fd() const noexcept { return s_ ? s_->fd : -1; }
    explicit operator bool() const noexcept { return s_ != nullptr; }
    // Closes the fd now; unsent output is dropped (co_await writer().close() first to keep it).
    // No task may be waiting on the stream. The destructor does the same.
    void close() noexcept { s_.reset(); }

  private:
    struct State {
        State(int fd, uint8_t* rbuf, std::size_t rn, uint8_t* wbuf, std::size_t wn) noexcept
            : fd(fd), transport(fd), reader(transport, {rbuf, rn}), writer(transport, {wbuf, wn}) {}
        ~State();
        int fd;  // also here: no member call on the (polymorphic) transport from inline code
        linux_port::FdTransport transport;
        StreamReader reader;
        StreamWriter writer;
    };
    struct Deleter {
        void operator()(State* s) const noexcept;
    };
    std::unique_ptr<State, Deleter> s_;
};

using Connection = FdStream;

}  // namespace irqio::linux_port
