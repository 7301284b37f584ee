// Transport: the few non-blocking byte operations a stream needs from what it runs over (a socket,
// a pipe, a serial port, an interrupt-driven UART). Streams hold the buffers and do the waiting, so
// a new platform only writes this small class. No OS headers: this is portable.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "irqio/result.hpp"

namespace irqio {

enum class Direction : uint8_t { read = 0, write = 1 };

// Told, in task context (never from an interrupt), that a direction may make progress again.
// A function and its argument rather than a virtual interface: the streams stay non-polymorphic,
// so clients built with RTTI and UBSan's vptr check can use them although this library is built
// with -fno-rtti.
struct ReadyListener {
    void (*fn)(void* ctx, Direction d) noexcept = nullptr;
    void* ctx = nullptr;
    void on_ready(Direction d) const noexcept { fn(ctx, d); }
};

// Contract: try_read / try_write never wait. When one gives Error::empty ("would block"), the
// listener of that direction is told later, once progress may be possible (a spurious call is
// allowed; a missing one is a bug). Other errors are final: eof, reset, closed, io.
class Transport {
  public:
    // > 0 bytes read, or an error; never 0 bytes for a non-empty span.
    virtual Result<std::size_t> try_read(std::span<uint8_t> into) noexcept = 0;
    // > 0 bytes written, or an error; never 0 bytes for a non-empty span.
    virtual Result<std::size_t> try_write(std::span<const uint8_t> from) noexcept = 0;
    // One listener per direction; nullptr detaches.
    virtual void set_listener(Direction d, ReadyListener* l) noexcept = 0;
    // No more writes will come (socket half-close, pipe close, nothing for a UART).
    virtual Result<void> shutdown_write() noexcept = 0;

  protected:
    ~Transport() = default;
};

}  // namespace irqio
